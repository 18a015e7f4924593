"""``explain.group_importance``: permutation importance within each group of a sensitive
attribute, inputs that matter much more for some groups, and partial dependence per group."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check
from trustscan.checks.explain import GROUP_IMPORTANCE
from trustscan.checks.explain._common import (
    constant_column,
    importance_over_budget,
    importance_sample_size,
    permutation_importance,
    sample_rows,
    scoring_for,
    seed_from,
    stacked_outputs,
    t_interval_text,
    within_group_permutations,
)
from trustscan.checks.explain.importance import NO_SENSITIVE, PREDICTIONS_ONLY, baseline
from trustscan.checks.explain.measured import (
    AttributeImportance,
    DependenceCurve,
    FeatureByGroup,
    GroupEstimate,
    GroupImportance,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import number as fmt
from trustscan.numbers.json_safe import rounded as clean
from trustscan.policy import Policy
from trustscan.stats import Eligibility
from trustscan.stats.groups import GroupCodes
from trustscan.types import CheckResult, Evidence, Finding, Status

_PD_TOP = 3


_PD_GRID = 20


_PD_ROWS_PER_GROUP = 250


_MAX_FLAGS = 3
"""Findings per attribute; every flagged feature is listed in the metrics."""


class GroupImportanceCheck(Check):
    spec: ClassVar[CheckSpec] = GROUP_IMPORTANCE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip(PREDICTIONS_ONLY)
        too_wide = importance_over_budget(policy, len(ctx.feature_names))
        if too_wide is not None:
            return self.skip(too_wide)
        attributes, skipped = ctx.groupings.row_comparable()
        if not attributes:
            return self.skip(NO_SENSITIVE if not skipped else "; ".join(skipped))
        findings: list[Finding] = []
        per_attribute: dict[str, AttributeImportance] = {}
        curves: list[DependenceCurve] = []
        for attribute in attributes:
            outcome = self._attribute(ctx, policy, attribute)
            findings.extend(outcome[0])
            per_attribute[attribute.name] = outcome[1]
            curves.extend(outcome[2])
        status = Status.WARN if findings else Status.PASS
        if findings:
            parts = [
                f"{', '.join(detail.flagged)} (by {column})"
                for column, detail in per_attribute.items()
                if detail.flagged
            ]
            summary = (
                "Features that matter much more for some groups than others: "
                + "; ".join(parts)
                + "."
            )
        else:
            summary = "No feature's importance differs strongly between groups."
        measured = GroupImportance(
            attributes=per_attribute,
            curves=tuple(curves),
            skipped_attributes=tuple(skipped),
            repeats=policy.explain.repeats,
        )
        return self.result(status, summary, tuple(findings), measured=measured)

    def _attribute(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes
    ) -> tuple[list[Finding], AttributeImportance, list[DependenceCurve]]:
        settings = policy.explain
        confidence = policy.stats.confidence
        column = attribute.name
        known = attribute.known_codes()
        rows = sample_rows(
            ctx,
            f"groups:{column}",
            importance_sample_size(policy, len(ctx.feature_names)),
            known,
        )
        codes = known[rows]
        present = [g for g in range(attribute.schema.n_known) if np.any(codes == g)]
        segments = [np.flatnonzero(codes == g) for g in present]
        labels = [attribute.labels[g] for g in present]
        sizes = [int(s.size) for s in segments]
        # The sample is stratified, so its group shares are the data's.
        rule = Eligibility.from_policy(policy.stats)
        judged = rule.mask(np.array(sizes), len(rows)).tolist()
        scoring = scoring_for(ctx, rows, reliance=True)
        random_state = seed_from(ctx, f"groups:{column}:permutations")
        frame = ctx.features.iloc[rows].reset_index(drop=True)
        result = permutation_importance(
            frame,
            scoring,
            within_group_permutations(codes, settings.repeats, random_state),
            segments,
            baseline(ctx, scoring, rows),
        )
        mean = result.mean()
        low, high = result.interval(confidence)
        table = tuple(
            FeatureByGroup(
                feature=feature,
                groups={
                    label: GroupEstimate(
                        mean=clean(mean[j, k]),
                        ci_low=clean(low[j, k]),
                        ci_high=clean(high[j, k]),
                        n=sizes[k],
                    )
                    for k, label in enumerate(labels)
                },
            )
            for j, feature in enumerate(result.features)
        )
        measure = (
            "share of the group's decisions that change"
            if scoring.name == "accuracy"
            else "drop in R² of the model's own predictions"
        )
        method = (
            f"permutation importance within each {column} group ({measure} when the feature is "
            f"shuffled among the group's rows); sample of {len(rows):,} rows stratified on "
            f"{column}; {t_interval_text(settings.repeats, confidence)}"
        )
        findings: list[Finding] = []
        for j, feature in enumerate(result.features):
            finding = self._compare(
                feature,
                column,
                labels,
                judged,
                sizes,
                mean[j],
                low[j],
                high[j],
                policy,
                method,
                scoring.name,
            )
            if finding is not None:
                findings.append(finding)
        # Largest differences first; the rest stay in the metrics, not in the findings list.
        findings.sort(
            key=lambda f: -((f.evidence[0].estimate or 0) - (f.evidence[1].estimate or 0))
        )
        flagged = [f.subject for f in findings]
        findings = findings[:_MAX_FLAGS]
        top: dict[str, list[str]] = {}
        for k, label in enumerate(labels):
            order = np.argsort(-np.nan_to_num(mean[:, k], nan=-np.inf), kind="stable")
            top[label] = [result.features[j] for j in order[:_PD_TOP]]
        pd_rows = _pd_rows(ctx, column, segments)
        curves = _partial_dependence(
            ctx,
            frame.iloc[pd_rows].reset_index(drop=True),
            column,
            labels,
            _positions(pd_rows, segments),
            top,
        )
        summary = AttributeImportance(
            sample_size=len(rows),
            scoring=scoring.name,
            random_state=random_state,
            features=table,
            top_features={label: tuple(names) for label, names in top.items()},
            flagged=tuple(str(f) for f in flagged),
        )
        return findings, summary, curves

    def _compare(
        self,
        feature: str,
        column: str,
        labels: list[str],
        judged: list[bool],
        sizes: list[int],
        mean: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
        policy: Policy,
        method: str,
        method_name: str,
    ) -> Finding | None:
        settings = policy.explain
        candidates = [k for k in range(len(labels)) if judged[k] and np.isfinite(mean[k])]
        if len(candidates) < 2:
            return None
        hi = max(candidates, key=lambda k: mean[k])
        lo = min(candidates, key=lambda k: mean[k])
        if mean[hi] < settings.importance_min:
            return None
        ratio_ok = mean[lo] <= 0 or mean[hi] >= settings.group_importance_ratio * mean[lo]
        separated = not (np.isfinite(low[hi]) and np.isfinite(high[lo])) or low[hi] > high[lo]
        if not (ratio_ok and separated):
            return None
        confidence = policy.stats.confidence

        def evidence(k: int) -> Evidence:
            return Evidence(
                f"permutation_importance[{column}={labels[k]}]",
                clean(mean[k]),
                clean(low[k]),
                clean(high[k]),
                confidence=confidence,
                n=sizes[k],
                method=method,
            )

        return self.finding(
            Status.WARN,
            _reliance_text(
                feature,
                column,
                labels[hi],
                labels[lo],
                method_name,
                confidence,
                (mean[hi], low[hi], high[hi]),
                (mean[lo], low[lo], high[lo]),
            ),
            subject=feature,
            evidence=(evidence(hi), evidence(lo)),
            remediation=(
                f"Find out why {feature!r} carries different weight per {column} group (a proxy "
                "for the group, or data recorded differently) and remove or fix it."
            ),
        )


def _reliance_text(
    feature: str,
    column: str,
    high_group: str,
    low_group: str,
    scoring: str,
    confidence: float,
    hi: tuple[float, float, float],
    lo: tuple[float, float, float],
) -> str:
    def ci(v: tuple[float, float, float], pct: bool) -> str:
        if pct:
            return f"{v[0]:.1%} ({confidence:.0%} CI {v[1]:.1%} to {v[2]:.1%})"
        return f"{fmt(v[0], 3)} ({confidence:.0%} CI {fmt(v[1], 3)} to {fmt(v[2], 3)})"

    if scoring == "accuracy":
        effect = (
            f"Shuffling {feature!r} among people with {column} = {high_group} changes "
            f"{ci(hi, True)} of their decisions, but among {column} = {low_group} only "
            f"{ci(lo, True)}"
        )
    else:
        effect = (
            f"Shuffling {feature!r} among people with {column} = {high_group} lowers the R² of "
            f"the model's own predictions by {ci(hi, False)}, but among {column} = {low_group} "
            f"only by {ci(lo, False)}"
        )
    return f"{effect}: the model reasons about these groups differently."


def _pd_rows(ctx: AuditContext, column: str, segments: list[np.ndarray]) -> np.ndarray:
    """At most ``_PD_ROWS_PER_GROUP`` rows of each group: curves are averages, and the grid
    multiplies the rows predicted."""
    rng = ctx.rng(f"explain:pd:{column}")
    parts = [
        seg
        if seg.size <= _PD_ROWS_PER_GROUP
        else rng.choice(seg, _PD_ROWS_PER_GROUP, replace=False)
        for seg in segments
    ]
    return np.sort(np.concatenate(parts))


def _positions(chosen: np.ndarray, segments: list[np.ndarray]) -> list[np.ndarray]:
    """Each segment's rows as positions within ``chosen`` (sorted)."""
    return [np.flatnonzero(np.isin(chosen, seg)) for seg in segments]


def _grid(values: pd.Series) -> tuple[list[Any], str]:
    """Grid of values for a partial-dependence curve: categories, or 20 quantile-bounded points."""
    present = values.dropna()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        counts = present.astype(str).value_counts()
        keep = set(counts.index[:_PD_GRID])
        categories = sorted({v for v in present.unique() if str(v) in keep}, key=str)
        return categories, "categorical"
    uniques = np.unique(present.to_numpy())
    if uniques.size <= _PD_GRID:
        return [u.item() for u in uniques], "numeric"
    low, high = np.quantile(present.to_numpy(dtype=float), [0.05, 0.95])
    return [float(v) for v in np.linspace(low, high, _PD_GRID)], "numeric"


def _partial_dependence(
    ctx: AuditContext,
    frame: pd.DataFrame,
    column: str,
    labels: list[str],
    segments: list[np.ndarray],
    top: dict[str, list[str]],
) -> list[DependenceCurve]:
    """Average model output at each grid value, per group; one batched call per feature."""
    model = ctx.model
    assert model is not None
    if ctx.task == "multiclass":
        return []
    if ctx.task == "binary" and model.has_proba and ctx.classes is not None:
        pos = list(ctx.classes).index(ctx.positive_label)

        def outputs(f: pd.DataFrame) -> np.ndarray:
            out = model.predict_proba(f)
            assert out is not None
            return out[:, pos]

        response = f"probability of {ctx.positive_label!s}"
    elif ctx.task == "regression":

        def outputs(f: pd.DataFrame) -> np.ndarray:
            return np.asarray(model.predict(f), dtype=float)

        response = "prediction"
    else:
        return []
    features = list(dict.fromkeys(f for group_top in top.values() for f in group_top))
    curves: list[DependenceCurve] = []
    n = len(frame)
    for feature in features:
        grid, kind = _grid(frame[feature])
        if not grid:
            continue
        copies = []
        for value in grid:
            copy = frame.copy(deep=False)
            copy[feature] = constant_column(
                frame[feature], value, categorical=kind == "categorical"
            )
            copies.append(copy)
        out = np.concatenate(stacked_outputs(outputs, copies)).reshape(len(grid), n)
        curves.append(
            DependenceCurve(
                attribute=column,
                feature=feature,
                kind=kind,
                response=response,
                grid=tuple(v if isinstance(v, str) else clean(float(v), 6) for v in grid),
                groups={
                    label: tuple(clean(float(v), 4) for v in out[:, seg].mean(axis=1))
                    for label, seg in zip(labels, segments, strict=True)
                },
                top_for=tuple(label for label in labels if feature in top[label]),
            )
        )
    return curves
