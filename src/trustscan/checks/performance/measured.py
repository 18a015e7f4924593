"""What the performance checks measured, typed: overall estimates, per-group values, the
largest gaps and calibration.

The checks build these dataclasses; ``to_metrics`` derives their JSON and ``from_metrics``
reads a stored report back (a test holds the round trip lossless on real check output), so
renderers read typed fields and a renamed field fails mypy rather than the report. Light to
import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.measured import Interval, StoredRow, interval, number, rows, text


def _rest(row: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in known}


@dataclass(frozen=True)
class OverallEstimate(StoredRow):
    """One metric on every labelled row (``performance.overall``)."""

    metric: str | None = None
    label: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    higher_is_better: bool | None = None


@dataclass(frozen=True)
class GroupGap(StoredRow):
    """The gap between the best- and worst-served judged group for one metric and grouping."""

    grouping: str | None = None
    metric: str | None = None
    best_group: str | None = None
    worst_group: str | None = None
    best_value: float | None = None
    worst_value: float | None = None
    gap: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    status: str | None = None
    comparisons: int | None = None
    """How many groups were compared."""


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
            grouping=text(row.get("grouping")),
            group=str(row.get("group")),
            n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
            share=number(row.get("share")),
            judged=row.get("judged") is True,
            excluded_reason=text(row.get("excluded_reason")),
            values={m: number(row[m]) for m in metrics},
            intervals={m: interval(row[f"{m}_ci"]) for m in metrics if f"{m}_ci" in row},
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
    confidence: float | None = None
    gap_units: Mapping[str, str] = field(default_factory=dict)
    """Per gated metric: ``metric units``, or ``target standard deviations`` (MAE, RMSE)."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> GroupGaps:
        gated = metrics.get("gated_metrics")
        units = metrics.get("gap_units")
        return cls(
            gated_metrics=tuple(str(m) for m in gated) if isinstance(gated, list | tuple) else (),
            group_gap_max=number(metrics.get("group_gap_max")),
            gaps=tuple(GroupGap.from_row(r) for r in rows(metrics, "gaps")),
            groups=tuple(GroupPerformance.from_row(r) for r in rows(metrics, "groups")),
            confidence=number(metrics.get("confidence")),
            gap_units=(
                {str(k): str(v) for k, v in units.items()} if isinstance(units, Mapping) else {}
            ),
            other=_rest(
                metrics,
                {"confidence", "group_gap_max", "gated_metrics", "gap_units", "gaps", "groups"},
            ),
        )

    def to_metrics(self) -> dict[str, Any]:
        # A report from before confidence and units were typed lacks them: write back what it had.
        settings: dict[str, Any] = (
            {} if self.confidence is None else {"confidence": self.confidence}
        )
        units: dict[str, Any] = {"gap_units": dict(self.gap_units)} if self.gap_units else {}
        return {
            **self.other,
            **settings,
            "group_gap_max": self.group_gap_max,
            "gated_metrics": list(self.gated_metrics),
            **units,
            "groups": [g.to_row() for g in self.groups],
            "gaps": [g.to_row() for g in self.gaps],
        }


@dataclass(frozen=True)
class CalibrationRow(StoredRow):
    """A group's expected calibration error (with its interval) and Brier score."""

    grouping: str | None = None
    group: str | None = None
    n: int | None = None
    ece: float | None = None
    ece_ci: Interval | None = None
    brier: float | None = None
    judged: bool | None = None
    excluded_reason: str | None = None


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
        for b in rows(row, "bins"):
            index, n = b.get("bin"), b.get("n")
            bins.append(
                ReliabilityBin(
                    bin=int(index) if isinstance(index, int) else -1,
                    low=number(b.get("low")),
                    high=number(b.get("high")),
                    n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
                    mean_predicted=number(b.get("mean_predicted")),
                    observed_rate=number(b.get("observed_rate")),
                )
            )
        return cls(text(row.get("grouping")), str(row.get("group")), tuple(bins))

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
    confidence: float | None = None
    bins: int | None = None
    """Bins of every reliability curve."""
    max_ece: float | None = None
    """The policy's limit (``performance.max_ece``)."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Calibration:
        bins = metrics.get("bins")
        return cls(
            ece=tuple(CalibrationRow.from_row(r) for r in rows(metrics, "ece")),
            reliability=tuple(ReliabilityCurve.from_row(r) for r in rows(metrics, "reliability")),
            confidence=number(metrics.get("confidence")),
            bins=bins if isinstance(bins, int) and not isinstance(bins, bool) else None,
            max_ece=number(metrics.get("max_ece")),
            other=_rest(metrics, {"confidence", "bins", "max_ece", "ece", "reliability"}),
        )

    def to_metrics(self) -> dict[str, Any]:
        # A report from before these settings were typed may lack them: write back what it had.
        settings = {
            k: v
            for k, v in (
                ("confidence", self.confidence),
                ("bins", self.bins),
                ("max_ece", self.max_ece),
            )
            if v is not None
        }
        return {
            **self.other,
            **settings,
            "ece": [r.to_row() for r in self.ece],
            "reliability": [c.to_row() for c in self.reliability],
        }


@dataclass(frozen=True)
class Overall:
    """What ``performance.overall`` measured."""

    n: int | None
    estimates: tuple[OverallEstimate, ...]
    """Stored under ``metrics``: one row per metric."""
    confidence: float | None = None
    """The intervals' confidence level (a setting stored beside the rows)."""
    task: str | None = None
    method: str | None = None
    """How the intervals were computed."""
    dropped_missing_target: int | None = None
    """Rows left out because their target is missing."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Overall:
        n, dropped = metrics.get("n"), metrics.get("dropped_missing_target")
        return cls(
            n=int(n) if isinstance(n, int) and not isinstance(n, bool) else None,
            estimates=tuple(OverallEstimate.from_row(r) for r in rows(metrics, "metrics")),
            confidence=number(metrics.get("confidence")),
            task=text(metrics.get("task")),
            method=text(metrics.get("method")),
            dropped_missing_target=(
                int(dropped) if isinstance(dropped, int) and not isinstance(dropped, bool) else None
            ),
            other=_rest(
                metrics,
                {"n", "metrics", "confidence", "task", "method", "dropped_missing_target"},
            ),
        )

    def to_metrics(self) -> dict[str, Any]:
        stored = {
            "task": self.task,
            "n": self.n,
            "confidence": self.confidence,
            "method": self.method,
            "metrics": [e.to_row() for e in self.estimates],
            "dropped_missing_target": self.dropped_missing_target,
        }
        # A report from before these fields were typed may lack them: write back what it had.
        absent = {"task", "confidence", "method", "dropped_missing_target"}
        return {
            **self.other,
            **{k: v for k, v in stored.items() if k not in absent or v is not None},
        }
