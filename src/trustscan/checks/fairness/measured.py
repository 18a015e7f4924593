"""What the fairness checks measured, typed: their per-group rows.

``fairness.selection_rate`` and ``fairness.error_rates`` report one row per group (and per
intersection) whose JSON layout is flat: for each compared metric ``m`` the keys ``m``,
``m_ci``, ``m_ratio``, ``m_ratio_ci``, ``m_status`` ... . ``FairnessRates.from_metrics``
reads that layout into frozen dataclasses and ``to_metrics`` writes it back; renderers read
the typed fields, so a renamed key fails mypy and the lossless round-trip test on real check
output, not silently in the report. Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.measured import Interval, interval, number, text

RATE_FIELDS = (
    "numerator",
    "denominator",
    "ratio",
    "ratio_ci",
    "ratio_ci_katz",
    "difference",
    "difference_ci",
    "p_value",
    "p_value_adjusted",
    "test",
    "reference",
    "status",
    "excluded_reason",
    "people_needed",
    "one_person_ratio",
)
"""Fields of a compared metric stored as ``<metric>_<field>`` (besides ``<metric>`` and
``<metric>_ci``)."""

ROW_FIELDS = ("feature", "group", "class", "n", "share", "gated", "status", "excluded_reason")


@dataclass(frozen=True)
class RateEstimate:
    """One metric for one group: the rate with its interval and, for a compared metric,
    its comparison with the reference group (ratio and difference, the test behind it)."""

    metric: str
    value: float | None
    ci: Interval | None = None
    numerator: float | None = None
    denominator: float | None = None
    ratio: float | None = None
    """Rate over the reference group's rate."""
    ratio_ci: Interval | None = None
    ratio_ci_katz: Interval | None = None
    difference: float | None = None
    difference_ci: Interval | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    """Holm-adjusted across the groups of the grouping."""
    test: str | None = None
    reference: str | None = None
    """Label of the reference group."""
    status: str | None = None
    """``pass`` / ``warn`` / ``fail``, ``reference`` for the reference group, or None."""
    excluded_reason: str | None = None
    """Why this metric is not judged for the group (e.g. a small denominator)."""
    people_needed: float | None = None
    one_person_ratio: float | None = None
    """The ratio if one more person of the group were selected (robustness)."""
    stored: frozenset[str] = frozenset()
    """Which of the fields the row stored (``value`` and ``ci`` included)."""

    @classmethod
    def from_row(cls, row: Mapping[str, Any], metric: str) -> RateEstimate:
        def key(name: str) -> str:
            return metric if name == "value" else f"{metric}_{name}"

        stored = frozenset(n for n in ("value", "ci", *RATE_FIELDS) if key(n) in row)
        values: dict[str, Any] = {}
        for name in stored:
            raw = row[key(name)]
            if name.endswith("ci") or name.endswith("_katz"):
                values[name] = interval(raw)
            elif name in ("test", "reference", "status", "excluded_reason"):
                values[name] = text(raw)
            else:
                values[name] = number(raw)
        return cls(metric=metric, stored=stored, **{"value": None, **values})

    def to_row(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("value", "ci", *RATE_FIELDS):
            if name in self.stored:
                value = getattr(self, name)
                out[self.metric if name == "value" else f"{self.metric}_{name}"] = (
                    list(value) if isinstance(value, tuple) else value
                )
        return out


@dataclass(frozen=True)
class GroupRates:
    """One group (or intersection) of one grouping, with each metric's estimate."""

    grouping: str | None
    """The sensitive feature, or ``a × b`` for an intersection."""
    group: str
    class_label: str | None
    """Multiclass: the class this row compares one-vs-rest (stored as ``class``)."""
    n: int | None
    share: float | None
    gated: bool
    """False when the group is too small (or missing) to be judged."""
    status: str | None
    excluded_reason: str | None
    rates: Mapping[str, RateEstimate]
    """By metric name, for the compared, reported and described metrics."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys this layout does not model (e.g. a multiclass row's class), as stored."""

    @classmethod
    def from_row(cls, row: Mapping[str, Any], metrics: Iterable[str]) -> GroupRates:
        n = row.get("n")
        rates = {m: RateEstimate.from_row(row, m) for m in metrics if m in row}
        modelled = {*ROW_FIELDS, *(k for r in rates.values() for k in r.to_row())}
        return cls(
            grouping=text(row.get("feature")),
            group=str(row.get("group")),
            class_label=text(row.get("class")),
            n=int(n) if isinstance(n, int | float) and not isinstance(n, bool) else None,
            share=number(row.get("share")),
            gated=row.get("gated", True) is not False,
            status=text(row.get("status")),
            excluded_reason=text(row.get("excluded_reason")),
            rates=rates,
            extra={k: v for k, v in row.items() if k not in modelled},
        )

    def rate(self, metric: str) -> RateEstimate:
        return self.rates.get(metric) or RateEstimate(metric, None)

    def to_row(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "feature": self.grouping,
            "group": self.group,
            "class": self.class_label,
            "n": self.n,
            "share": self.share,
            "gated": self.gated,
            "status": self.status,
            "excluded_reason": self.excluded_reason,
        }
        for estimate in self.rates.values():
            out.update(estimate.to_row())
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class FairnessRates:
    """What a fairness check measured: per-group rates, their comparisons and how."""

    compared: tuple[str, ...]
    """Metrics the check gates on."""
    reported: tuple[str, ...]
    """Metrics compared like the gated ones but not gated."""
    described: tuple[str, ...]
    """Metrics reported per group without a comparison."""
    groups: tuple[GroupRates, ...]
    intersections: tuple[GroupRates, ...]
    threshold: float | None
    confidence: float | None
    methods: Mapping[str, str]
    other: Mapping[str, Any]
    """The result's other metrics, as stored."""

    @property
    def all_metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.compared, *self.reported, *self.described)))

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> FairnessRates:
        def names(key: str) -> tuple[str, ...]:
            value = metrics.get(key)
            return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()

        compared, reported, described = names("compared"), names("reported"), names("described")
        every = tuple(dict.fromkeys((*compared, *reported, *described)))

        def rows(key: str) -> tuple[GroupRates, ...]:
            value = metrics.get(key)
            if not isinstance(value, list | tuple):
                return ()
            return tuple(GroupRates.from_row(r, every) for r in value if isinstance(r, Mapping))

        methods = metrics.get("methods")
        return cls(
            compared=compared,
            reported=reported,
            described=described,
            groups=rows("groups"),
            intersections=rows("intersections"),
            threshold=number(metrics.get("threshold")),
            confidence=number(metrics.get("confidence")),
            methods={str(k): str(v) for k, v in methods.items()}
            if isinstance(methods, Mapping)
            else {},
            other={k: v for k, v in metrics.items() if k not in _TYPED_KEYS},
        )

    def to_metrics(self) -> dict[str, Any]:
        """The JSON layout ``from_metrics`` reads."""
        out: dict[str, Any] = dict(self.other)
        out["compared"] = list(self.compared)
        out["described"] = list(self.described)
        if self.reported:
            out["reported"] = list(self.reported)
        out["groups"] = [g.to_row() for g in self.groups]
        out["intersections"] = [g.to_row() for g in self.intersections]
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.confidence is not None:
            out["confidence"] = self.confidence
        if self.methods:
            out["methods"] = dict(self.methods)
        return out


_TYPED_KEYS = frozenset(
    {
        "compared",
        "reported",
        "described",
        "groups",
        "intersections",
        "threshold",
        "confidence",
        "methods",
    }
)
