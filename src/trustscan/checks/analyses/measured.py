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
from typing import Any

from trustscan.checks.measured import Interval, StoredRow, number, rest, text, typed_rows


@dataclass(frozen=True)
class LabelBiasRow(StoredRow):
    """One group: its favourable-label rate and ratio beside the model's, and the distances
    of its label distribution from the rest (SageMaker Clarify's pre-training metrics)."""

    feature: str | None = None
    group: str | None = None
    n: int | None = None
    label_rate: float | None = None
    label_rate_ci: Interval | None = None
    label_ratio: float | None = None
    label_ratio_ci: Interval | None = None
    selection_rate: float | None = None
    model_ratio: float | None = None
    amplification: float | None = None
    """How much wider the model's gap is than the labels' (selection-rate gap − label gap)."""
    amplification_ci: Interval | None = None
    status: str | None = None
    class_imbalance: float | None = None
    positive_proportion_difference: float | None = None
    kl_divergence: float | None = None
    js_divergence: float | None = None
    total_variation: float | None = None


@dataclass(frozen=True)
class DataBias:
    """What ``fairness.data_bias`` measured."""

    groups: tuple[LabelBiasRow, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> DataBias:
        return cls(typed_rows(metrics, "groups", LabelBiasRow), rest(metrics, ("groups",)))

    def to_metrics(self) -> dict[str, Any]:
        return {**self.other, "groups": [r.to_row() for r in self.groups]}


@dataclass(frozen=True)
class ConditionalRow(StoredRow):
    """One group's gap overall and within the strata of the legitimate condition."""

    feature: str | None = None
    group: str | None = None
    n: int | None = None
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
    effect: str | None = None
    """What conditioning does to the gap (reverses, removes, reveals, persists)."""
    status: str | None = None


@dataclass(frozen=True)
class ConditionalDisparity:
    """What ``fairness.conditional_disparity`` measured."""

    condition: str | None
    groups: tuple[ConditionalRow, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> ConditionalDisparity:
        return cls(
            condition=text(metrics.get("condition")),
            groups=typed_rows(metrics, "groups", ConditionalRow),
            other=rest(metrics, ("condition", "groups")),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "condition": self.condition,
            "groups": [r.to_row() for r in self.groups],
        }


@dataclass(frozen=True)
class MitigationVariant(StoredRow):
    """The held-out numbers of one variant (as trained, or with group-specific thresholds)."""

    variant: str | None = None
    selection_rate_ratio: float | None = None
    selection_rate_ratio_ci: Interval | None = None
    true_positive_rate_ratio: float | None = None
    true_positive_rate_ratio_ci: Interval | None = None
    false_positive_rate_ratio: float | None = None
    false_positive_rate_ratio_ci: Interval | None = None
    accuracy: float | None = None
    accuracy_ci: Interval | None = None
    accuracy_change: float | None = None
    accuracy_change_ci: Interval | None = None
    balanced_accuracy: float | None = None


@dataclass(frozen=True)
class MitigationPreview:
    """What ``fairness.mitigation_preview`` measured."""

    feature: str | None
    held_out_rows: int | None
    variants: tuple[MitigationVariant, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> MitigationPreview:
        held_out = number(metrics.get("held_out_rows"))
        return cls(
            feature=text(metrics.get("feature")),
            held_out_rows=None if held_out is None else int(held_out),
            variants=typed_rows(metrics, "variants", MitigationVariant),
            other=rest(metrics, ("feature", "held_out_rows", "variants")),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "feature": self.feature,
            "held_out_rows": self.held_out_rows,
            "variants": [v.to_row() for v in self.variants],
        }


@dataclass(frozen=True)
class Slice(StoredRow):
    """A discovered subgroup: where, its held-out effect and its adjusted p-values."""

    feature: str | None = None
    group: str | None = None
    slice: str | None = None
    metric: str | None = None
    rate: float | None = None
    rest_rate: float | None = None
    difference: float | None = None
    difference_ci: Interval | None = None
    ratio: float | None = None
    q_value_search: float | None = None
    p_value_held_out_adjusted: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class SliceSearch:
    """What ``fairness.slice_search`` measured."""

    slices: tuple[Slice, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> SliceSearch:
        return cls(typed_rows(metrics, "slices", Slice), rest(metrics, ("slices",)))

    def to_metrics(self) -> dict[str, Any]:
        return {**self.other, "slices": [s.to_row() for s in self.slices]}
