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

from trustscan.checks.measured import Interval, interval, number, text, whole

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
    "difference_in_sd",
)
"""Fields of a compared metric stored as ``<metric>_<field>`` (besides ``<metric>`` and
``<metric>_ci``)."""

ROW_FIELDS = (
    "feature",
    "group",
    "class",
    "n",
    "share",
    "gated",
    "status",
    "excluded_reason",
    "ks_distance",
    "ks_p_value",
)


@dataclass(frozen=True)
class DistributionShift:
    """Regression: how a group's predictions are distributed against everyone else's."""

    ks_distance: float | None
    """Two-sample Kolmogorov-Smirnov distance of the group against the rest."""
    ks_p_value: float | None


@dataclass(frozen=True)
class RateEstimate:
    """One metric for one group: the rate with its interval and, for a compared metric,
    its comparison with the reference group (ratio and difference, the test behind it)."""

    metric: str
    value: float | None
    ci: Interval | None = None
    numerator: int | float | None = None
    denominator: int | float | None = None
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
    difference_in_sd: float | None = None
    """Regression: the difference in SDs of the predictions (or of the target)."""
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
            else:  # counts stay whole numbers (weighted ones are floats)
                values[name] = whole(raw) if whole(raw) is not None else number(raw)
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
    shift: DistributionShift | None = None
    """Regression's mean-prediction comparison only."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys this layout does not model, as stored."""

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
            shift=(
                DistributionShift(number(row.get("ks_distance")), number(row.get("ks_p_value")))
                if "ks_distance" in row
                else None
            ),
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
        if self.shift is not None:
            out["ks_distance"] = self.shift.ks_distance
            out["ks_p_value"] = self.shift.ks_p_value
        out.update(self.extra)
        return out


_FRAMING_READERS: Mapping[str, Any] = {
    "task": text,
    "positive_label": text,
    "favourable_label": text,
    "alpha": number,
    "bootstrap_resamples": whole,
    "min_group_size": whole,
    "min_group_share": number,
    "reference_rule": text,
    "prediction_sd": number,
    "target_sd": number,
    "signed_error_gap_max_sd": number,
}


@dataclass(frozen=True)
class RateFraming:
    """What the rates were measured on and with: the task and its labels, the attributes,
    the statistical settings; regression adds the scales its gaps are judged in."""

    task: str | None = None
    positive_label: str | None = None
    favourable_label: str | None = None
    sensitive: tuple[str, ...] = ()
    classes: tuple[str, ...] | None = None
    """Multiclass: the classes compared one-vs-rest."""
    alpha: float | None = None
    bootstrap_resamples: int | None = None
    min_group_size: int | None = None
    min_group_share: float | None = None
    reference_rule: str | None = None
    prediction_sd: float | None = None
    """Regression: the predictions' SD, the unit of mean-prediction gaps."""
    target_sd: float | None = None
    """Regression: the target's SD, the unit of signed-error gaps."""
    signed_error_gap_max_sd: float | None = None
    stored: frozenset[str] = frozenset()
    """Which fields the result stored (absent and null differ in the JSON)."""

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> RateFraming:
        values: dict[str, Any] = {
            name: read(metrics[name]) for name, read in _FRAMING_READERS.items() if name in metrics
        }
        sensitive, classes = metrics.get("sensitive"), metrics.get("classes")
        if isinstance(sensitive, list | tuple):
            values["sensitive"] = tuple(str(v) for v in sensitive)
        if isinstance(classes, list | tuple):
            values["classes"] = tuple(str(v) for v in classes)
        stored = frozenset(n for n in (*_FRAMING_READERS, "sensitive", "classes") if n in metrics)
        return cls(stored=stored, **values)

    def to_metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in (*_FRAMING_READERS, "sensitive", "classes"):
            if name in self.stored:
                value = getattr(self, name)
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


FRAMING_KEYS = frozenset((*_FRAMING_READERS, "sensitive", "classes"))


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
    framing: RateFraming = field(default_factory=RateFraming)
    other: Mapping[str, Any] = field(default_factory=dict)
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
            framing=RateFraming.from_metrics(metrics),
            other={k: v for k, v in metrics.items() if k not in _TYPED_KEYS},
        )

    def to_metrics(self) -> dict[str, Any]:
        """The JSON layout ``from_metrics`` reads."""
        out: dict[str, Any] = {**self.other, **self.framing.to_metrics()}
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


_TYPED_KEYS = FRAMING_KEYS | frozenset(
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
