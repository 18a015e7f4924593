"""What ``docs.consequence_scan`` found, typed: the recorded consequences, the failing
findings no consequence covers, and the counts.

``from_metrics`` reads the JSON layout the check stores and ``to_metrics`` writes it back (a
test holds the round trip lossless on real check output); the report's consequence section
reads typed fields, not keys. Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.measured import StoredRow, rest, text, typed_rows


@dataclass(frozen=True)
class Consequence(StoredRow):
    """One recorded consequence (Doteveryone's Consequence Scanning)."""

    id: str | None = None
    statement: str | None = None
    intended: bool | None = None
    impact: str | None = None
    affected_group: str | None = None
    disposition: str | None = None
    """``act``, ``influence`` or ``monitor``."""
    owner: str | None = None
    action: str | None = None
    due: str | None = None
    checks: Any = None
    """The check ids it links, as stored (a list)."""
    review: str | None = None


@dataclass(frozen=True)
class Uncovered(StoredRow):
    """A failing finding of the run that no consequence links to its check."""

    check_id: str | None = None
    subject: str | None = None


COUNTS = ("entries", "intended", "unintended", "negative", "failed_findings", "schema_errors")
"""The counts the scan reports, in the order the report lists them."""


@dataclass(frozen=True)
class ConsequenceScanResult:
    """What ``docs.consequence_scan`` found."""

    path: str | None
    consequences: tuple[Consequence, ...]
    uncovered: tuple[Uncovered, ...]
    counts: Mapping[str, int]
    """The :data:`COUNTS` the check stored, by name (``entries`` ... ``schema_errors``)."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @property
    def entries(self) -> int | None:
        """How many consequences the record holds (also when they are not copied here)."""
        return self.counts.get("entries")

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> ConsequenceScanResult:
        return cls(
            path=text(metrics.get("path")),
            consequences=typed_rows(metrics, "consequences", Consequence),
            uncovered=typed_rows(metrics, "uncovered", Uncovered),
            counts={
                k: v
                for k in COUNTS
                if isinstance(v := metrics.get(k), int) and not isinstance(v, bool)
            },
            other=rest(metrics, ("path", "consequences", "uncovered", *COUNTS)),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "path": self.path,
            **self.counts,
            "uncovered": [u.to_row() for u in self.uncovered],
            "consequences": [c.to_row() for c in self.consequences],
        }
