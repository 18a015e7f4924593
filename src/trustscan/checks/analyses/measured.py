"""What the deeper fairness analyses measured, typed: label bias against the model's gap,
conditional disparity, the mitigation preview and the slice search.

``from_metrics`` reads the JSON layout the checks store into frozen dataclasses and
``to_metrics`` writes it back (a test holds the round trip lossless on real check output);
renderers read typed fields, so a renamed key fails mypy and that test, not the report.
Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from trustscan.checks.measured import (
    Interval,
    StoredResult,
    StoredRow,
    mapping,
    number,
    rest,
    text,
    typed_rows,
)


@dataclass(frozen=True)
class LabelBiasRow(StoredRow):
    """One group: its favourable-label rate and ratio beside the model's, and the distances
    of its label distribution from the rest (SageMaker Clarify's pre-training metrics)."""

    feature: str | None = None
    group: str | None = None
    n: int | None = None
    share: float | None = None
    gated: bool | None = None
    excluded_reason: str | None = None
    reference: str | None = None
    label_rate: float | None = None
    label_rate_ci: Interval | None = None
    label_ratio: float | None = None
    label_ratio_ci: Interval | None = None
    label_p_value_adjusted: float | None = None
    label_test: str | None = None
    label_status: str | None = None
    selection_rate: float | None = None
    model_ratio: float | None = None
    class_imbalance: float | None = None
    positive_proportion_difference: float | None = None
    kl_divergence: float | None = None
    js_divergence: float | None = None
    lp_norm: float | None = None
    total_variation: float | None = None
    ks_distance: float | None = None
    label_gap: float | None = None
    model_gap: float | None = None
    amplification: float | None = None
    """How much wider the model's gap is than the labels' (selection-rate gap − label gap)."""
    amplification_ci: Interval | None = None
    amplification_p_value_adjusted: float | None = None
    amplification_status: str | None = None
    status: str | None = None

    def stored(self, name: str) -> bool:
        # A row a check built has the amplification columns when the model's gap was
        # compared with the labels' (there is no reference group otherwise): then the
        # interval is set, though its ends or the gaps may be null.
        if self.present is None and name in _AMPLIFICATION:
            return self.amplification_ci is not None
        return super().stored(name)


_AMPLIFICATION = frozenset(
    {
        "label_gap",
        "model_gap",
        "amplification",
        "amplification_ci",
        "amplification_p_value_adjusted",
    }
)

_DATA_BIAS_KEYS = (
    "threshold",
    "amplification_max",
    "alpha",
    "confidence",
    "groups",
    "distance_metrics",
    "methods",
)


@dataclass(frozen=True)
class DataBias:
    """What ``fairness.data_bias`` measured."""

    groups: tuple[LabelBiasRow, ...]
    threshold: float | None = None
    amplification_max: float | None = None
    alpha: float | None = None
    confidence: float | None = None
    distance_metrics: tuple[str, ...] = ()
    methods: Mapping[str, str] = field(default_factory=dict)
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> DataBias:
        names = metrics.get("distance_metrics")
        return cls(
            groups=typed_rows(metrics, "groups", LabelBiasRow),
            threshold=number(metrics.get("threshold")),
            amplification_max=number(metrics.get("amplification_max")),
            alpha=number(metrics.get("alpha")),
            confidence=number(metrics.get("confidence")),
            distance_metrics=tuple(str(n) for n in names) if isinstance(names, list) else (),
            methods={str(k): str(v) for k, v in mapping(metrics, "methods").items()},
            other=rest(metrics, _DATA_BIAS_KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "amplification_max": self.amplification_max,
            "alpha": self.alpha,
            "confidence": self.confidence,
            "groups": [r.to_row() for r in self.groups],
            "distance_metrics": list(self.distance_metrics),
            "methods": dict(self.methods),
            **self.other,
        }


@dataclass(frozen=True)
class ConditionalRow(StoredRow):
    """One group's gap overall and within the strata of the legitimate condition."""

    feature: str | None = None
    group: str | None = None
    n: int | None = None
    gated: bool | None = None
    excluded_reason: str | None = None
    reference: str | None = None
    """Label of the reference group."""
    selection_rate: float | None = None
    ratio: float | None = None
    ratio_ci: Interval | None = None
    conditional_ratio: float | None = None
    """Mantel–Haenszel selection-rate ratio pooled over the strata."""
    conditional_ratio_ci: Interval | None = None
    cmh_p_value_adjusted: float | None = None
    dd: float | None = None
    """Demographic disparity: share of the rejected minus share of the accepted."""
    dd_ci: Interval | None = None
    cdd: float | None = None
    """Conditional demographic disparity (dd averaged over the strata)."""
    cdd_ci: Interval | None = None
    cdd_labels: float | None = None
    """The same disparity in the labels (when the data has them)."""
    cdd_labels_ci: Interval | None = None
    dd_labels: float | None = None
    dd_labels_ci: Interval | None = None
    effect: str | None = None
    """What conditioning does to the gap (reverses, removes, reveals, persists)."""
    status: str | None = None

    def stored(self, name: str) -> bool:
        # A row a check built has the label columns when the data has labels: then their
        # intervals are set, though their ends or the estimates may be null.
        if self.present is None and name in _LABEL_COLUMNS:
            return self.dd_labels_ci is not None
        return super().stored(name)


_LABEL_COLUMNS = frozenset({"dd_labels", "dd_labels_ci", "cdd_labels", "cdd_labels_ci"})


_CONDITIONAL_KEYS = ("condition", "strata", "threshold", "alpha", "confidence", "groups", "methods")


@dataclass(frozen=True)
class ConditionalDisparity:
    """What ``fairness.conditional_disparity`` measured."""

    condition: str | None
    groups: tuple[ConditionalRow, ...]
    strata: tuple[str, ...] = ()
    threshold: float | None = None
    alpha: float | None = None
    confidence: float | None = None
    methods: Mapping[str, str] = field(default_factory=dict)
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> ConditionalDisparity:
        strata = metrics.get("strata")
        return cls(
            condition=text(metrics.get("condition")),
            groups=typed_rows(metrics, "groups", ConditionalRow),
            strata=tuple(str(s) for s in strata) if isinstance(strata, list) else (),
            threshold=number(metrics.get("threshold")),
            alpha=number(metrics.get("alpha")),
            confidence=number(metrics.get("confidence")),
            methods={str(k): str(v) for k, v in mapping(metrics, "methods").items()},
            other=rest(metrics, _CONDITIONAL_KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "strata": list(self.strata),
            "threshold": self.threshold,
            "alpha": self.alpha,
            "confidence": self.confidence,
            "groups": [r.to_row() for r in self.groups],
            "methods": dict(self.methods),
            **self.other,
        }


@dataclass(frozen=True)
class MitigationVariant(StoredRow):
    """The held-out numbers of one variant (as trained, or with group-specific thresholds):
    per rate its lowest ratio with a Katz interval and the groups compared, and accuracy."""

    optional: ClassVar[frozenset[str]] = frozenset(
        {
            "selection_rate_group",
            "true_positive_rate_group",
            "false_positive_rate_group",
            "accuracy_change",
            "accuracy_change_ci",
        }
    )
    variant: str | None = None
    selection_rate_ratio: float | None = None
    selection_rate_ratio_ci: Interval | None = None
    selection_rate_group: str | None = None
    true_positive_rate_ratio: float | None = None
    true_positive_rate_ratio_ci: Interval | None = None
    true_positive_rate_group: str | None = None
    false_positive_rate_ratio: float | None = None
    false_positive_rate_ratio_ci: Interval | None = None
    false_positive_rate_group: str | None = None
    accuracy: float | None = None
    accuracy_ci: Interval | None = None
    balanced_accuracy: float | None = None
    selected_share: float | None = None
    accuracy_change: float | None = None
    """Against the current decisions, on the same rows (absent for the current decisions)."""
    accuracy_change_ci: Interval | None = None


@dataclass(frozen=True)
class MitigationPreview(StoredResult):
    """What ``fairness.mitigation_preview`` measured."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {"variants": MitigationVariant}
    feature: str | None = None
    triggered_by: str | None = None
    """The failing check whose gap is previewed."""
    held_out_rows: int | None = None
    fit_rows: int | None = None
    threshold: float | None = None
    confidence: float | None = None
    variants: tuple[MitigationVariant, ...] = ()
    caveat: str | None = None


@dataclass(frozen=True)
class Slice(StoredRow):
    """A discovered subgroup: where, its held-out effect and its adjusted p-values."""

    slice: str | None = None
    """The region, in words (``education = bachelor and age 25-34``)."""
    feature: str | None = None
    group: str | None = None
    metric: str | None = None
    depth: int | None = None
    """How many inputs define the region."""
    n_held_out: int | None = None
    rest_n_held_out: int | None = None
    rate: float | None = None
    rest_rate: float | None = None
    difference: float | None = None
    difference_ci: Interval | None = None
    ratio: float | None = None
    q_value_search: float | None = None
    p_value_held_out: float | None = None
    same_direction: bool | None = None
    """The held-out difference points the way the search found."""
    p_value_held_out_adjusted: float | None = None
    confirmed: bool | None = None
    status: str | None = None


@dataclass(frozen=True)
class SliceSearch(StoredResult):
    """What ``fairness.slice_search`` measured."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {"slices": Slice}
    comparisons: int | None = None
    regions_searched: int | None = None
    region_cap: int | None = None
    inputs_left_out: tuple[str, ...] = ()
    search_rows: int | None = None
    held_out_rows: int | None = None
    discoveries: int | None = None
    confirmed: int | None = None
    alpha: float | None = None
    slices: tuple[Slice, ...] = ()
