"""What the consistency checks measured, typed: ``consistency.determinism``'s second
prediction and ``consistency.perturbation``'s flips under noise, overall and per group.
``from_metrics`` reads the JSON layout the checks store and ``to_metrics`` writes it. Light to
import (no numpy); ``consistency.baseline``'s comparison is read through ``compare`` on use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustscan.checks.measured import (
    Interval,
    StoredResult,
    interval,
    number,
    rest,
    rows,
    text,
    whole,
)

if TYPE_CHECKING:
    from trustscan.checks.consistency.compare import Comparison


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Determinism(StoredResult):
    """What ``consistency.determinism`` measured: the same rows predicted a second time."""

    rows_checked: int | None = None
    rows_changed: int | None = None
    changed_share: float | None = None
    max_probability_difference: float | None = None
    tolerance: float | None = None
    """Largest probability difference still counted as identical."""


@dataclass(frozen=True)
class GroupFlips:
    """One group's share of decisions that flipped under noise, against everyone else's.
    (Not a ``StoredRow``: its ``ci`` is stored as one pair, not ``ci_low`` / ``ci_high``.)"""

    grouping: str | None
    group: str | None
    n: int | None
    flipped: int | None
    flip_rate: float | None
    ci: Interval | None
    judged: bool | None
    excluded_reason: str | None
    p_value_vs_rest: float | None
    """Flip rate against the rest of the rows, Holm-adjusted within the grouping."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> GroupFlips:
        judged = row.get("judged")
        return cls(
            grouping=text(row.get("grouping")),
            group=text(row.get("group")),
            n=whole(row.get("n")),
            flipped=whole(row.get("flipped")),
            flip_rate=number(row.get("flip_rate")),
            ci=interval(row.get("ci")),
            judged=judged if isinstance(judged, bool) else None,
            excluded_reason=text(row.get("excluded_reason")),
            p_value_vs_rest=number(row.get("p_value_vs_rest")),
            extra=rest(row, _GROUP_KEYS),
        )

    def to_row(self) -> dict[str, Any]:
        return {
            "grouping": self.grouping,
            "group": self.group,
            "n": self.n,
            "flipped": self.flipped,
            "flip_rate": self.flip_rate,
            "ci": None if self.ci is None else list(self.ci),
            "judged": self.judged,
            "excluded_reason": self.excluded_reason,
            "p_value_vs_rest": self.p_value_vs_rest,
            **self.extra,
        }


_GROUP_KEYS = (
    "grouping",
    "group",
    "n",
    "flipped",
    "flip_rate",
    "ci",
    "judged",
    "excluded_reason",
    "p_value_vs_rest",
)


_PERTURBATION_KEYS = (
    "rows",
    "flipped",
    "flip_rate",
    "ci",
    "confidence",
    "noise_scale",
    "perturbed_features",
    "unchanged_features",
    "groups",
)


@dataclass(frozen=True)
class Perturbation:
    """What ``consistency.perturbation`` measured."""

    rows: int | None
    flipped: int | None
    flip_rate: float | None
    ci: Interval | None
    confidence: float | None
    noise_scale: float | None
    """Noise added to numeric features, in standard deviations."""
    perturbed_features: tuple[str, ...]
    unchanged_features: tuple[str, ...]
    groups: tuple[GroupFlips, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Perturbation:
        return cls(
            rows=whole(metrics.get("rows")),
            flipped=whole(metrics.get("flipped")),
            flip_rate=number(metrics.get("flip_rate")),
            ci=interval(metrics.get("ci")),
            confidence=number(metrics.get("confidence")),
            noise_scale=number(metrics.get("noise_scale")),
            perturbed_features=_names(metrics.get("perturbed_features")),
            unchanged_features=_names(metrics.get("unchanged_features")),
            groups=tuple(GroupFlips.from_row(r) for r in rows(metrics, "groups")),
            other=rest(metrics, _PERTURBATION_KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "flipped": self.flipped,
            "flip_rate": self.flip_rate,
            "ci": None if self.ci is None else list(self.ci),
            "confidence": self.confidence,
            "noise_scale": self.noise_scale,
            "perturbed_features": list(self.perturbed_features),
            "unchanged_features": list(self.unchanged_features),
            "groups": [g.to_row() for g in self.groups],
            **self.other,
        }


@dataclass(frozen=True)
class BaselineComparison:
    """What ``consistency.baseline`` measured: this audit against the baseline report, in the
    comparison's own typed form (the one ``trustscan diff`` prints)."""

    baseline: str | None
    """Path of the baseline report."""
    comparison: Comparison

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> BaselineComparison:
        # compare reads the registry, which imports this module: imported on use.
        from trustscan.checks.consistency.compare import comparison_from_dict

        return cls(text(metrics.get("baseline")), comparison_from_dict(metrics))

    def to_metrics(self) -> dict[str, Any]:
        return {"baseline": self.baseline, **self.comparison.to_dict()}
