"""Which JSON report layouts this trustscan reads, and their verdict (light: no numpy/pandas)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

READABLE_SCHEMAS = ("1.", "2.")
"""Report schemas this version reads: 2.x made ``verdict`` an object (status, gate,
incomplete, headline); 1.x stored the status alone."""


def verdict_status(data: Mapping[str, Any]) -> str | None:
    """The verdict status (pass / warn / fail) of a parsed JSON report of any readable schema."""
    verdict = data.get("verdict")
    if isinstance(verdict, Mapping):
        verdict = verdict.get("status")
    return verdict if isinstance(verdict, str) else None
