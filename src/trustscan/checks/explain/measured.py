"""What the explainability checks measured, typed: permutation importance, importance per
group with partial dependence, the counterfactual flip test and the disparity drivers.

``from_metrics`` reads the JSON layout the checks store into frozen dataclasses and
``to_metrics`` writes it back (a test holds the round trip lossless on real check output);
renderers read typed fields, so a renamed key fails mypy and that test, not the report.
Light to import (no numpy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from trustscan.checks.measured import (
    StoredRow,
    mapping,
    number,
    rest,
    rows,
    text,
    typed_by_name,
    typed_rows,
    whole,
)


@dataclass(frozen=True)
class ImportanceRow(StoredRow):
    """One input's permutation importance (drop in the score when shuffled)."""

    feature: str | None = None
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    std: float | None = None
    native: float | None = None
    """The model's own importance (coefficients, impurity), when it has one."""


_IMPORTANCE_KEYS = (
    "importance",
    "scoring",
    "scored_against",
    "baseline_score",
    "sample_size",
    "repeats",
    "random_state",
    "confidence",
    "native_method",
)


@dataclass(frozen=True)
class Importance:
    """What ``explain.feature_importance`` measured."""

    rows: tuple[ImportanceRow, ...]
    scoring: str | None
    """The score that drops (``roc_auc``, ``accuracy``, ``r2``)."""
    native_method: str | None
    scored_against: str | None = None
    """What the score compares the model with (the labels, or its own decisions)."""
    baseline_score: float | None = None
    sample_size: int | None = None
    repeats: int | None = None
    random_state: int | None = None
    confidence: float | None = None
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Importance:
        return cls(
            rows=typed_rows(metrics, "importance", ImportanceRow),
            scoring=text(metrics.get("scoring")),
            native_method=text(metrics.get("native_method")),
            scored_against=text(metrics.get("scored_against")),
            baseline_score=number(metrics.get("baseline_score")),
            sample_size=whole(metrics.get("sample_size")),
            repeats=whole(metrics.get("repeats")),
            random_state=whole(metrics.get("random_state")),
            confidence=number(metrics.get("confidence")),
            other=rest(metrics, _IMPORTANCE_KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "importance": [r.to_row() for r in self.rows],
            "scoring": self.scoring,
            "scored_against": self.scored_against,
            "baseline_score": self.baseline_score,
            "sample_size": self.sample_size,
            "repeats": self.repeats,
            "random_state": self.random_state,
            "confidence": self.confidence,
            "native_method": self.native_method,
        }


@dataclass(frozen=True)
class GroupEstimate(StoredRow):
    """An input's importance within one group."""

    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None


@dataclass(frozen=True)
class FeatureByGroup:
    """One input's importance in each group of an attribute (by group label)."""

    feature: str | None
    groups: Mapping[str, GroupEstimate]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FeatureByGroup:
        return cls(
            feature=text(row.get("feature")),
            groups={
                str(label): GroupEstimate.from_row(g)
                for label, g in mapping(row, "groups").items()
                if isinstance(g, Mapping)
            },
            extra=rest(row, ("feature", "groups")),
        )

    def to_row(self) -> dict[str, Any]:
        groups = {label: g.to_row() for label, g in self.groups.items()}
        return {"feature": self.feature, "groups": groups, **self.extra}


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


_ATTRIBUTE_KEYS = ("sample_size", "scoring", "random_state", "features", "top_features", "flagged")


@dataclass(frozen=True)
class AttributeImportance:
    """Importance per group for one sensitive attribute."""

    features: tuple[FeatureByGroup, ...]
    sample_size: int | None = None
    scoring: str | None = None
    random_state: int | None = None
    top_features: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The most important inputs of each group (by group label)."""
    flagged: tuple[str, ...] = ()
    """Inputs whose importance differs strongly between the groups."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> AttributeImportance:
        return cls(
            features=tuple(FeatureByGroup.from_row(r) for r in rows(detail, "features")),
            sample_size=whole(detail.get("sample_size")),
            scoring=text(detail.get("scoring")),
            random_state=whole(detail.get("random_state")),
            top_features={str(k): _names(v) for k, v in mapping(detail, "top_features").items()},
            flagged=_names(detail.get("flagged")),
            other=rest(detail, _ATTRIBUTE_KEYS),
        )

    def to_detail(self) -> dict[str, Any]:
        return {
            "sample_size": self.sample_size,
            "scoring": self.scoring,
            "random_state": self.random_state,
            "features": [f.to_row() for f in self.features],
            "top_features": {k: list(v) for k, v in self.top_features.items()},
            "flagged": list(self.flagged),
            **self.other,
        }


@dataclass(frozen=True)
class DependenceCurve:
    """Partial dependence of the response on one input, one line per group."""

    attribute: str | None
    feature: str | None
    response: str | None
    grid: tuple[Any, ...]
    """The input's values (numbers, or category labels), as stored."""
    groups: Mapping[str, tuple[float | None, ...]]
    """Average response at each grid value, by group label."""
    kind: str | None = None
    """``numeric`` or ``categorical``."""
    top_for: tuple[str, ...] = ()
    """The groups for which the input is among the most important."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DependenceCurve:
        grid = row.get("grid")
        return cls(
            attribute=text(row.get("attribute")),
            feature=text(row.get("feature")),
            response=text(row.get("response")),
            grid=tuple(grid) if isinstance(grid, list | tuple) else (),
            groups={
                str(label): tuple(number(v) for v in values)
                for label, values in mapping(row, "groups").items()
                if isinstance(values, list | tuple)
            },
            kind=text(row.get("kind")),
            top_for=_names(row.get("top_for")),
            extra=rest(
                row, ("attribute", "feature", "kind", "response", "grid", "groups", "top_for")
            ),
        )

    def to_row(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "feature": self.feature,
            "kind": self.kind,
            "response": self.response,
            "grid": list(self.grid),
            "groups": {label: list(values) for label, values in self.groups.items()},
            "top_for": list(self.top_for),
            **self.extra,
        }


@dataclass(frozen=True)
class GroupImportance:
    """What ``explain.group_importance`` measured."""

    attributes: Mapping[str, AttributeImportance]
    curves: tuple[DependenceCurve, ...]
    skipped_attributes: tuple[str, ...] = ()
    """Why an attribute was not compared (one sentence each)."""
    repeats: int | None = None
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> GroupImportance:
        return cls(
            skipped_attributes=_names(metrics.get("skipped_attributes")),
            repeats=whole(metrics.get("repeats")),
            attributes={
                str(name): AttributeImportance.from_detail(detail)
                for name, detail in mapping(metrics, "group_importance").items()
                if isinstance(detail, Mapping)
            },
            curves=tuple(DependenceCurve.from_row(r) for r in rows(metrics, "partial_dependence")),
            other=rest(
                metrics,
                ("group_importance", "partial_dependence", "skipped_attributes", "repeats"),
            ),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "group_importance": {k: a.to_detail() for k, a in self.attributes.items()},
            "partial_dependence": [c.to_row() for c in self.curves],
            "skipped_attributes": list(self.skipped_attributes),
            "repeats": self.repeats,
            **self.other,
        }


@dataclass(frozen=True)
class FlipTarget(StoredRow):
    """A group's rows set to one other group's value: how many decisions changed."""

    flip_rate: float | None = None
    mean_score_shift: float | None = None
    """Mean change of the favourable score (None without scores)."""


@dataclass(frozen=True)
class FlipGroup(StoredRow):
    """The flip test for one group: its rows set to each other group's value."""

    optional: ClassVar[frozenset[str]] = frozenset({"mean_score_shift"})
    group: str | None = None
    to: Mapping[str, FlipTarget] = field(default_factory=dict)
    """By the label of the group whose value the rows were given."""
    n: int | None = None
    flip_rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mean_score_shift: float | None = None
    judged: bool | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FlipGroup:
        targets = typed_by_name(row, "to", FlipTarget) if "to" in row else {}
        return dataclasses.replace(super().from_row(row), to=targets)

    def to_row(self) -> dict[str, Any]:
        out = super().to_row()
        if "to" in out:
            out["to"] = {label: t.to_row() for label, t in self.to.items()}
        return out


_NOT_AN_INPUT = frozenset({"input", "encoded_as", "sample_size"})


@dataclass(frozen=True)
class AttributeFlips(StoredRow):
    """The flip test for one sensitive attribute."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {"groups": FlipGroup}
    input: bool | None = None
    """Whether the attribute reaches the model (as a column or an encoding of it)."""
    encoded_as: tuple[str, ...] = ()
    """The model inputs that carry the attribute."""
    sample_size: int | None = None
    flip_rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    groups: tuple[FlipGroup, ...] = ()

    def stored(self, name: str) -> bool:
        # An attribute that does not reach the model has no flip numbers.
        if self.present is None and self.input is False:
            return name in _NOT_AN_INPUT
        return super().stored(name)

    def to_row(self) -> dict[str, Any]:
        out = super().to_row()
        if "encoded_as" in out:
            out["encoded_as"] = list(self.encoded_as)
        return out


@dataclass(frozen=True)
class Counterfactual:
    """What ``explain.counterfactual_flip`` measured, by attribute."""

    attributes: Mapping[str, AttributeFlips]
    skipped_attributes: tuple[str, ...] = ()
    """Why an attribute was not tested (one sentence each)."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Counterfactual:
        return cls(
            attributes=typed_by_name(metrics, "attributes", AttributeFlips),
            skipped_attributes=_names(metrics.get("skipped_attributes")),
            other=rest(metrics, ("attributes", "skipped_attributes")),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "attributes": {k: a.to_row() for k, a in self.attributes.items()},
            "skipped_attributes": list(self.skipped_attributes),
            **self.other,
        }


@dataclass(frozen=True)
class ImpactRatio(StoredRow):
    """An impact ratio (lowest over highest selection rate) with its interval."""

    ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    lowest_group: str | None = None
    highest_group: str | None = None
    selection_rates: Mapping[str, float | None] = field(default_factory=dict)
    """Each compared group's selection rate, by label."""


@dataclass(frozen=True)
class Driver(StoredRow):
    """The impact ratio if one input carried no group information (``after_*``: the
    ``ImpactRatio`` fields with that prefix)."""

    feature: str | None = None
    sensitive_input: bool | None = None
    change: float | None = None
    gap_closed: float | None = None
    """Share of the gap to parity the change closes."""
    after_ratio: float | None = None
    after_ci_low: float | None = None
    after_ci_high: float | None = None
    after_lowest_group: str | None = None
    after_highest_group: str | None = None
    after_selection_rates: Mapping[str, float | None] = field(default_factory=dict)


_NOT_ANALYSED = frozenset({"analysed", "reason"})


@dataclass(frozen=True)
class AttributeDrivers(StoredRow):
    """The disparity drivers of one attribute, or why it was not analysed."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {
        "before": ImpactRatio,
        "full_data": ImpactRatio,
        "ranking": Driver,
        "all_features": Driver,
    }
    analysed: bool | None = None
    reason: str | None = None
    """Why the attribute was not analysed (no gap to explain, too few groups)."""
    sample_size: int | None = None
    repeats: int | None = None
    full_data: ImpactRatio | None = None
    """The impact ratio on all rows (as ``fairness.selection_rate`` computes it)."""
    before: ImpactRatio | None = None
    """The impact ratio on the sampled rows, before neutralising anything."""
    ranking: tuple[Driver, ...] = ()
    """The inputs that close most of the gap, first."""
    all_features: tuple[Driver, ...] = ()
    not_neutralised: tuple[str, ...] = ()
    """Inputs left out of the analysis (least associated with the attribute)."""

    def stored(self, name: str) -> bool:
        # A row a check built holds either the reason it was not analysed or the analysis.
        if self.present is None:
            return (name in _NOT_ANALYSED) == (not self.analysed) or name == "analysed"
        return super().stored(name)


@dataclass(frozen=True)
class DisparityDrivers:
    """What ``explain.disparity_drivers`` measured, by attribute."""

    attributes: Mapping[str, AttributeDrivers]
    skipped_attributes: tuple[str, ...] = ()
    """Why an attribute was not compared (one sentence each)."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> DisparityDrivers:
        return cls(
            attributes=typed_by_name(metrics, "drivers", AttributeDrivers),
            skipped_attributes=_names(metrics.get("skipped_attributes")),
            other=rest(metrics, ("drivers", "skipped_attributes")),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "drivers": {k: a.to_row() for k, a in self.attributes.items()},
            "skipped_attributes": list(self.skipped_attributes),
            **self.other,
        }
