"""What the documentation checks found, typed: ``docs.consequence_scan``'s recorded
consequences, the failing findings no consequence covers and the counts; ``docs.model_card``'s
completeness.

``from_metrics`` reads the JSON layout the check stores and ``to_metrics`` writes it back (a
test holds the round trip lossless on real check output); the report's consequence section
reads typed fields, not keys. Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from trustscan.checks.measured import StoredResult, StoredRow, rest, text, typed_rows


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
_STORED_ORDER = (
    "entries",
    "intended",
    "unintended",
    "negative",
    "schema_errors",
    "failed_findings",
)


def _count(metrics: Mapping[str, Any], key: str) -> int | None:
    value = metrics.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class ConsequenceScanResult:
    """What ``docs.consequence_scan`` found."""

    path: str | None
    consequences: tuple[Consequence, ...]
    uncovered: tuple[Uncovered, ...]
    entries: int | None
    """How many consequences the record holds."""
    intended: int | None
    unintended: int | None
    negative: int | None
    """Consequences whose impact is negative."""
    failed_findings: int | None
    """Failing findings of this run (those a consequence should cover)."""
    schema_errors: int | None
    today: str | None = None
    """The audit's start date, which review and due dates are compared with."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """The :data:`COUNTS` the check stored, by name, in that order."""
        return {k: v for k in COUNTS if (v := getattr(self, k)) is not None}

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> ConsequenceScanResult:
        return cls(
            path=text(metrics.get("path")),
            consequences=typed_rows(metrics, "consequences", Consequence),
            uncovered=typed_rows(metrics, "uncovered", Uncovered),
            entries=_count(metrics, "entries"),
            intended=_count(metrics, "intended"),
            unintended=_count(metrics, "unintended"),
            negative=_count(metrics, "negative"),
            failed_findings=_count(metrics, "failed_findings"),
            schema_errors=_count(metrics, "schema_errors"),
            today=text(metrics.get("today")),
            other=rest(metrics, ("path", "consequences", "uncovered", "today", *COUNTS)),
        )

    def to_metrics(self) -> dict[str, Any]:
        # The counts in the order the check writes them (a re-read report renders the same).
        stored = {k: getattr(self, k) for k in _STORED_ORDER}
        out: dict[str, Any] = {
            "path": self.path,
            **{k: v for k, v in stored.items() if v is not None},
        }
        out["uncovered"] = [u.to_row() for u in self.uncovered]
        if self.today is not None:
            out["today"] = self.today
        out["consequences"] = [c.to_row() for c in self.consequences]
        return {**out, **self.other}


@dataclass(frozen=True)
class ModelCardReview(StoredResult):
    """What ``docs.model_card`` found in the model card."""

    optional: ClassVar[frozenset[str]] = frozenset({"filled", "authors"})
    path: str | None = None
    completeness: float | None = None
    """Share of the required fields that are filled in."""
    filled: tuple[str, ...] | None = None
    """Required fields filled in; None when there is no card to read."""
    missing: tuple[str, ...] = ()
    """Required fields left empty or as placeholders (``section.field``)."""
    authors: tuple[str, ...] | None = None
    """None when there is no card to read."""
