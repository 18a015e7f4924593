"""Which JSON report layouts this trustscan reads, and their verdict (light: no numpy/pandas)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

READABLE_SCHEMAS = ("1.", "2.", "3.")
"""Report schemas this version reads: 3.x moved what a check is scored by out of its
``metrics`` into a typed ``scoring`` object; 2.x made ``verdict`` an object (status, gate,
incomplete, headline); 1.x stored the status alone."""

SCORING_KEYS = ("score_input", "insufficient_evidence", "evidence_coverage")
"""Keys 1.x and 2.x reports kept in a result's ``metrics`` and 3.x keeps in its ``scoring``."""


def upgrade_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """A result of any readable schema in the 3.x layout (``scoring`` lifted out of a 1.x or
    2.x result's ``metrics``; a 3.x result is returned as it is)."""
    if "scoring" in result or not isinstance(result.get("metrics"), Mapping):
        return dict(result)
    metrics = dict(result["metrics"])
    scoring = {key: metrics.pop(key) for key in SCORING_KEYS if key in metrics}
    return {**result, "metrics": metrics, "scoring": scoring}


def verdict_status(data: Mapping[str, Any]) -> str | None:
    """The verdict status (pass / warn / fail) of a parsed JSON report of any readable schema."""
    verdict = data.get("verdict")
    if isinstance(verdict, Mapping):
        verdict = verdict.get("status")
    return verdict if isinstance(verdict, str) else None
