"""``performance.group_gap``: the competence metrics per group and intersection, and the
worst-group gap with an interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from trustscan import stats
from trustscan.checks.base import Check, worst_status
from trustscan.checks.not_judged import groups_not_judged
from trustscan.checks.performance import GROUP_GAP
from trustscan.checks.performance.measured import GroupGap, GroupGaps, GroupPerformance
from trustscan.checks.performance.shared import (
    ERROR_METRICS,
    GAP_METRICS,
    NO_TARGET,
    GroupMetrics,
    Prepared,
    group_metrics,
    prepare,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import finite as jsonable
from trustscan.policy import Policy
from trustscan.stats.performance import METRICS
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status


@dataclass(frozen=True)
class Gap:
    grouping: str
    metric: str
    best: str
    worst: str
    best_value: float
    worst_value: float
    n_best: int
    n_worst: int
    gap: float
    ci_low: float | None
    ci_high: float | None
    status: Status
    comparisons: int
    """Pairs × metrics the interval is adjusted for."""


def worst_gap(
    gm: GroupMetrics,
    metric: str,
    confidence: float,
    scale: float,
    limit: float,
    *,
    n_metrics: int = 1,
) -> Gap | None:
    """Gap between the best and the worst judged group, oriented so that positive = worse.

    The pair is picked *because* it is furthest apart, so its interval must cover every pair
    at once: a normal interval from the bootstrap standard error, Bonferroni-adjusted for all
    ``k(k-1)/2`` pairs of judged groups times ``n_metrics`` gated metrics.
    """
    judged = [
        g
        for g, (s, why) in enumerate(zip(gm.sets, gm.excluded, strict=True))
        if why is None and math.isfinite(s.estimate.get(metric, math.nan))
    ]
    if len(judged) < 2:
        return None
    sign = 1.0 if METRICS[metric].higher_is_better else -1.0
    values = {g: sign * gm.sets[g].estimate[metric] for g in judged}
    oriented = np.array([values.get(g, math.nan) for g in range(len(gm.sets))])
    best = stats.reference_group(oriented, np.array([s.n for s in gm.sets]), ~np.isnan(oriented))
    assert best is not None
    # Two different groups even when all are tied ("1.000 for a vs 1.000 for a" says nothing).
    worst = min((g for g in judged if g != best), key=lambda g: values[g])
    gap = (values[best] - values[worst]) / scale
    low = high = None
    b_reps, w_reps = gm.sets[best].replicates.get(metric), gm.sets[worst].replicates.get(metric)
    comparisons = len(judged) * (len(judged) - 1) // 2 * n_metrics
    if b_reps is not None and w_reps is not None:
        se = float(np.std((b_reps - w_reps) / scale, ddof=1))
        z = stats.normal_quantile(1.0 - (1.0 - confidence) / comparisons)
        low, high = jsonable(gap - z * se), jsonable(gap + z * se)
    if gap <= limit:
        status = Status.PASS
    elif low is None:
        status = Status.WARN  # over the limit with no interval at all: cannot be decided
    elif low > 0:
        status = Status.FAIL
    else:
        status = Status.PASS  # the interval includes 0: no evidence of a gap, not a warning
    return Gap(
        gm.grouping.name,
        metric,
        gm.grouping.labels[best],
        gm.grouping.labels[worst],
        gm.sets[best].estimate[metric],
        gm.sets[worst].estimate[metric],
        gm.sets[best].n,
        gm.sets[worst].n,
        gap,
        low,
        high,
        status,
        comparisons,
    )


class PerformanceGroupGapCheck(Check):
    spec: ClassVar[CheckSpec] = GROUP_GAP

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        prepared = prepare(ctx)
        if prepared is None:
            return self.skip(NO_TARGET)
        if not ctx.sensitive_names:
            return self.skip("no sensitive columns (--sensitive): there are no groups to compare")
        confidence = policy.stats.confidence
        limit = policy.performance.group_gap_max
        task = prepared.data.task
        names = prepared.data.metric_names()
        gated = [m for m in (policy.performance.gap_metrics or GAP_METRICS[task]) if m in names]
        per_grouping = group_metrics(ctx, policy, prepared)

        group_rows: list[GroupPerformance] = []
        excluded: list[tuple[str, str, int, str]] = []
        gaps: list[Gap] = []
        findings: list[Finding] = []
        for gm in per_grouping:
            for g, (metric_set, why) in enumerate(zip(gm.sets, gm.excluded, strict=True)):
                group_rows.append(
                    GroupPerformance(
                        grouping=gm.grouping.name,
                        group=gm.grouping.labels[g],
                        n=metric_set.n,
                        share=metric_set.n / max(prepared.n_rows, 1),
                        judged=why is None,
                        excluded_reason=why,
                        values={name: jsonable(metric_set.estimate.get(name)) for name in names},
                        intervals={name: metric_set.interval(name, confidence) for name in names},
                    )
                )
                if why is not None:
                    excluded.append((gm.grouping.name, gm.grouping.labels[g], metric_set.n, why))
            found = [
                gap
                for m in gated
                if (
                    gap := worst_gap(
                        gm, m, confidence, _scale(m, prepared), limit, n_metrics=len(gated)
                    )
                )
            ]
            gaps.extend(found)
            if found:
                findings.append(self._grouping_finding(gm.grouping.name, found, confidence, limit))
        note = groups_not_judged(self, excluded)
        status = worst_status([f.status for f in findings])
        if note is not None:
            findings.append(note)
        failing = [g for g in gaps if g.status is not Status.PASS]
        if not gaps:
            status = Status.SKIP
            summary = "no grouping has two groups large enough to compare (insufficient evidence)"
        elif failing:
            top = max(failing, key=lambda g: g.gap)
            summary = (
                f"{len(failing)} gap(s) over {limit:g}; largest: {METRICS[top.metric].label} "
                f"{top.best_value:.3f} for {top.grouping} = {top.best} vs {top.worst_value:.3f} "
                f"for {top.worst}"
            )
        elif any(g.gap > limit for g in gaps):
            top = max(gaps, key=lambda g: g.gap)
            summary = (
                f"no gap over {limit:g} is distinguishable from 0; largest: "
                f"{METRICS[top.metric].label} {top.gap:.3f} between {top.grouping} = {top.best} "
                f"and {top.worst} ({policy.stats.confidence:.0%} CI {top.ci_low:.3f} to "
                f"{top.ci_high:.3f})"
            )
        else:
            summary = f"every judged group is within {limit:g} of the best on {', '.join(gated)}"
        measured = GroupGaps(
            confidence=confidence,
            group_gap_max=limit,
            gated_metrics=tuple(gated),
            gap_units={
                m: "target standard deviations" if m in ERROR_METRICS else "metric units"
                for m in gated
            },
            groups=tuple(group_rows),
            gaps=tuple(
                GroupGap(
                    grouping=g.grouping,
                    metric=g.metric,
                    best_group=g.best,
                    worst_group=g.worst,
                    best_value=jsonable(g.best_value),
                    worst_value=jsonable(g.worst_value),
                    gap=jsonable(g.gap),
                    ci_low=g.ci_low,
                    ci_high=g.ci_high,
                    status=g.status.value,
                    comparisons=g.comparisons,
                )
                for g in gaps
            ),
        )
        return self.result(status, summary, tuple(findings), measured=measured)

    def _grouping_finding(
        self, name: str, gaps: list[Gap], confidence: float, limit: float
    ) -> Finding:
        status = worst_status([g.status for g in gaps])
        parts = []
        evidence = []
        for g in gaps:
            label = METRICS[g.metric].label
            ci = (
                "no interval"
                if g.ci_low is None
                else f"{confidence:.0%} CI {g.ci_low:.3f} to {g.ci_high:.3f}"
            )
            unit = " target SDs" if g.metric in ERROR_METRICS else ""
            parts.append(
                f"{label}: {g.best_value:.3f} for {g.best} (n = {g.n_best:,}) vs "
                f"{g.worst_value:.3f} for {g.worst} (n = {g.n_worst:,}), gap {g.gap:.3f}{unit} "
                f"({ci})"
            )
            evidence.append(
                Evidence(
                    f"{g.metric}_gap",
                    jsonable(g.gap),
                    g.ci_low,
                    g.ci_high,
                    confidence,
                    n=g.n_worst,
                    threshold=limit,
                    method=f"best ({g.best}) minus worst ({g.worst}) group; bootstrap "
                    f"standard error, Bonferroni-adjusted for {g.comparisons} comparisons",
                )
            )
        if status is Status.FAIL:
            verdict = f" The model is measurably worse for some {name} groups (gap over {limit:g}, interval excludes 0)."
        elif status is Status.WARN:
            verdict = (
                f" A gap exceeds {limit:g} and no interval could be computed (bootstrap off, "
                "or too few rows to resample): insufficient evidence to decide."
            )
        elif any(g.gap > limit for g in gaps):
            verdict = (
                f" A gap over {limit:g} has an interval that includes 0: no evidence of a real gap."
            )
        else:
            verdict = f" Every gap is within {limit:g}."
        return self.finding(
            status,
            f"By {name}: " + "; ".join(parts) + "." + verdict,
            subject=name,
            evidence=tuple(evidence),
            remediation=(
                "Look at the worse-served group's data quality and size; collect more labelled "
                "examples or evaluate and tune per group."
            )
            if status is not Status.PASS
            else None,
            severity=self.default_severity
            if status is Status.FAIL
            else Severity.MEDIUM
            if status is Status.WARN
            else Severity.INFO,
        )


def _scale(metric: str, prepared: Prepared) -> float:
    return prepared.target_sd if metric in ERROR_METRICS else 1.0
