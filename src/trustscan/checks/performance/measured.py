"""What the performance checks measured, typed: overall estimates, per-group values, the
largest gaps and calibration.

The JSON layout stays what the checks store; ``from_metrics`` reads it into frozen
dataclasses and ``to_metrics`` writes it back (a test holds the round trip lossless on real
check output), so renderers read typed fields and a renamed key fails mypy and that test
rather than the report. Light to import (no numpy).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Interval = tuple[float | None, float | None]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def _interval(value: Any) -> Interval | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        return (_number(value[0]), _number(value[1]))
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _rows(metrics: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = metrics.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [r for r in value if isinstance(r, Mapping)]


def _rest(row: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in known}


@dataclass(frozen=True)
class OverallEstimate:
    """One metric on every labelled row (``performance.overall``)."""

    metric: str
    label: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    higher_is_better: bool | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OverallEstimate:
        better = row.get("higher_is_better")
        return cls(
            metric=str(row.get("metric")),
            label=str(row.get("label") or row.get("metric")),
            estimate=_number(row.get("estimate")),
            ci_low=_number(row.get("ci_low")),
            ci_high=_number(row.get("ci_high")),
            higher_is_better=better if isinstance(better, bool) else None,
        )

    def to_row(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "label": self.label,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "higher_is_better": self.higher_is_better,
        }


_GAP_KEYS = {
    "grouping",
    "metric",
    "best_group",
    "worst_group",
    "best_value",
    "worst_value",
    "gap",
    "ci_low",
    "ci_high",
    "status",
    "comparisons",
}


@dataclass(frozen=True)
class GroupGap:
    """The gap between the best- and worst-served judged group for one metric and grouping."""

    grouping: str | None
    metric: str
    best_group: str | None
    worst_group: str | None
    best_value: float | None
    worst_value: float | None
    gap: float | None
    ci_low: float | None
    ci_high: float | None
    status: str | None
    comparisons: int | None
    """How many groups were compared."""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> GroupGap:
        comparisons = row.get("comparisons")
        return cls(
            grouping=_text(row.get("grouping")),
            metric=str(row.get("metric")),
            best_group=_text(row.get("best_group")),
            worst_group=_text(row.get("worst_group")),
            best_value=_number(row.get("best_value")),
            worst_value=_number(row.get("worst_value")),
            gap=_number(row.get("gap")),
            ci_low=_number(row.get("ci_low")),
            ci_high=_number(row.get("ci_high")),
            status=_text(row.get("status")),
            comparisons=int(comparisons) if isinstance(comparisons, int) else None,
        )

    def to_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _GAP_KEYS}


_GROUP_KEYS = {"grouping", "group", "n", "share", "judged", "excluded_reason"}


@dataclass(frozen=True)
class GroupPerformance:
    """One group's value (with its interval) of every metric."""

    grouping: str | None
    group: str
    n: int | None
    share: float | None
    judged: bool
    excluded_reason: str | None
    values: Mapping[str, float | None]
    intervals: Mapping[str, Interval | None]
    """By metric, for the metrics stored with an interval (``<metric>_ci``)."""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> GroupPerformance:
        n = row.get("n")
        metrics = [k for k in row if k not in _GROUP_KEYS and not k.endswith("_ci")]
        return cls(
            grouping=_text(row.get("grouping")),
            group=str(row.get("group")),
            n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
            share=_number(row.get("share")),
            judged=row.get("judged") is True,
            excluded_reason=_text(row.get("excluded_reason")),
            values={m: _number(row[m]) for m in metrics},
            intervals={m: _interval(row[f"{m}_ci"]) for m in metrics if f"{m}_ci" in row},
        )

    def to_row(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "grouping": self.grouping,
            "group": self.group,
            "n": self.n,
            "share": self.share,
            "judged": self.judged,
            "excluded_reason": self.excluded_reason,
        }
        for metric, value in self.values.items():
            out[metric] = value
            if metric in self.intervals:
                interval = self.intervals[metric]
                out[f"{metric}_ci"] = None if interval is None else list(interval)
        return out


@dataclass(frozen=True)
class GroupGaps:
    """What ``performance.group_gap`` measured."""

    gated_metrics: tuple[str, ...]
    group_gap_max: float | None
    gaps: tuple[GroupGap, ...]
    groups: tuple[GroupPerformance, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> GroupGaps:
        gated = metrics.get("gated_metrics")
        return cls(
            gated_metrics=tuple(str(m) for m in gated) if isinstance(gated, list | tuple) else (),
            group_gap_max=_number(metrics.get("group_gap_max")),
            gaps=tuple(GroupGap.from_row(r) for r in _rows(metrics, "gaps")),
            groups=tuple(GroupPerformance.from_row(r) for r in _rows(metrics, "groups")),
            other=_rest(metrics, {"gated_metrics", "group_gap_max", "gaps", "groups"}),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "gated_metrics": list(self.gated_metrics),
            "group_gap_max": self.group_gap_max,
            "gaps": [g.to_row() for g in self.gaps],
            "groups": [g.to_row() for g in self.groups],
        }


@dataclass(frozen=True)
class CalibrationRow:
    """A group's expected calibration error (with its interval) and Brier score."""

    grouping: str | None
    group: str
    n: int | None
    ece: float | None
    ece_ci: Interval | None
    brier: float | None
    judged: bool
    excluded_reason: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CalibrationRow:
        n = row.get("n")
        return cls(
            grouping=_text(row.get("grouping")),
            group=str(row.get("group")),
            n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
            ece=_number(row.get("ece")),
            ece_ci=_interval(row.get("ece_ci")),
            brier=_number(row.get("brier")),
            judged=row.get("judged") is True,
            excluded_reason=_text(row.get("excluded_reason")),
        )

    def to_row(self) -> dict[str, Any]:
        return {
            "grouping": self.grouping,
            "group": self.group,
            "n": self.n,
            "ece": self.ece,
            "ece_ci": None if self.ece_ci is None else list(self.ece_ci),
            "brier": self.brier,
            "judged": self.judged,
            "excluded_reason": self.excluded_reason,
        }


@dataclass(frozen=True)
class ReliabilityBin:
    bin: int
    low: float | None
    high: float | None
    n: int | None
    mean_predicted: float | None
    observed_rate: float | None


@dataclass(frozen=True)
class ReliabilityCurve:
    """A group's reliability curve: mean predicted probability against the observed rate."""

    grouping: str | None
    group: str
    bins: tuple[ReliabilityBin, ...]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ReliabilityCurve:
        bins = []
        for b in _rows(row, "bins"):
            index, n = b.get("bin"), b.get("n")
            bins.append(
                ReliabilityBin(
                    bin=int(index) if isinstance(index, int) else -1,
                    low=_number(b.get("low")),
                    high=_number(b.get("high")),
                    n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
                    mean_predicted=_number(b.get("mean_predicted")),
                    observed_rate=_number(b.get("observed_rate")),
                )
            )
        return cls(_text(row.get("grouping")), str(row.get("group")), tuple(bins))

    def to_row(self) -> dict[str, Any]:
        return {
            "grouping": self.grouping,
            "group": self.group,
            "bins": [vars(b).copy() for b in self.bins],
        }


@dataclass(frozen=True)
class Calibration:
    """What ``performance.calibration`` measured."""

    ece: tuple[CalibrationRow, ...]
    reliability: tuple[ReliabilityCurve, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Calibration:
        return cls(
            ece=tuple(CalibrationRow.from_row(r) for r in _rows(metrics, "ece")),
            reliability=tuple(ReliabilityCurve.from_row(r) for r in _rows(metrics, "reliability")),
            other=_rest(metrics, {"ece", "reliability"}),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "ece": [r.to_row() for r in self.ece],
            "reliability": [c.to_row() for c in self.reliability],
        }


@dataclass(frozen=True)
class Overall:
    """What ``performance.overall`` measured."""

    n: int | None
    estimates: tuple[OverallEstimate, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Overall:
        n = metrics.get("n")
        return cls(
            n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
            estimates=tuple(OverallEstimate.from_row(r) for r in _rows(metrics, "metrics")),
            other=_rest(metrics, {"n", "metrics"}),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {**self.other, "n": self.n, "metrics": [e.to_row() for e in self.estimates]}
