"""Competence: is the model good overall, for every group, and are its probabilities honest?

``performance.overall`` — accuracy, balanced accuracy, precision, recall, F1, ROC AUC, Brier
score and ECE (binary); accuracy, balanced accuracy, macro F1 (multiclass); MAE, RMSE, R²
(regression), each with a bootstrap interval, against optional policy targets.
``performance.group_gap`` — the same metrics per group and intersection, and the worst-group
gap with an interval. ``performance.calibration`` — reliability data and ECE per group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from trustscan import stats
from trustscan.checks.base import Check, worst_status
from trustscan.checks.not_judged import groups_not_judged
from trustscan.checks.performance import CALIBRATION, GROUP_GAP, OVERALL
from trustscan.checks.performance.shared import (
    GroupMetrics,
    Prepared,
    group_metrics,
    method_text,
    overall_metrics,
    prepare,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import finite as jsonable
from trustscan.policy import Policy
from trustscan.stats.group_performance import group_reliability
from trustscan.stats.performance import METRICS, reliability_table
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

NO_TARGET = "no target column (--target): performance needs the true outcome"

GAP_METRICS: dict[str, tuple[str, ...]] = {
    "binary": ("balanced_accuracy", "roc_auc"),
    "multiclass": ("balanced_accuracy",),
    "regression": ("mae",),
}
"""Default metrics whose worst-group gap gates (``performance.gap_metrics`` overrides).
MAE and RMSE gaps are in units of the target's standard deviation."""

ERROR_METRICS = ("mae", "rmse")
"""Regression errors: their gaps are divided by the target's standard deviation."""


# ---------------------------------------------------------------------------------------------
# performance.overall


class PerformanceOverallCheck(Check):
    spec: ClassVar[CheckSpec] = OVERALL

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        prepared = prepare(ctx)
        if prepared is None:
            return self.skip(NO_TARGET)
        resamples = policy.stats.bootstrap_resamples
        confidence = policy.stats.confidence
        result = overall_metrics(ctx, policy, prepared)
        method = method_text(result, resamples)
        table: list[dict[str, Any]] = []
        evidence: list[Evidence] = []
        for name, value in result.estimate.items():
            low, high = result.interval(name, confidence)
            table.append(
                {
                    "metric": name,
                    "label": METRICS[name].label,
                    "estimate": jsonable(value),
                    "ci_low": low,
                    "ci_high": high,
                    "higher_is_better": METRICS[name].higher_is_better,
                }
            )
            evidence.append(
                Evidence(name, jsonable(value), low, high, confidence, n=result.n, method=method)
            )

        findings: list[Finding] = []
        targets = (
            ("roc_auc", policy.performance.min_auc),
            ("accuracy", policy.performance.min_accuracy),
        )
        for name, target in targets:
            if target is None:
                continue
            row = next((r for r in table if r["metric"] == name), None)
            if row is None or row["estimate"] is None:
                findings.append(
                    self.finding(
                        Status.WARN,
                        f"The policy sets a {METRICS[name].label} target of {target:.3f}, but "
                        f"{METRICS[name].label} cannot be computed here (it needs "
                        f"{'scores' if name == 'roc_auc' else 'class predictions'}).",
                        subject=f"{name} target",
                        severity=Severity.MEDIUM,
                    )
                )
                continue
            low = row["ci_low"] if row["ci_low"] is not None else row["estimate"]
            missed = low < target
            findings.append(
                self.finding(
                    Status.FAIL if missed else Status.PASS,
                    f"{METRICS[name].label} is {row['estimate']:.3f} "
                    f"({confidence:.0%} CI {_ci(row)}, n = {result.n:,}); the target is "
                    f"{target:.3f}"
                    + (", and the interval's lower bound is below it." if missed else ", met."),
                    subject=f"{name} target",
                    evidence=(
                        Evidence(
                            name,
                            row["estimate"],
                            row["ci_low"],
                            row["ci_high"],
                            confidence,
                            n=result.n,
                            threshold=target,
                            method=method,
                        ),
                    ),
                    remediation="Improve the model or lower the target with a recorded reason."
                    if missed
                    else None,
                    severity=self.default_severity if missed else Severity.INFO,
                )
            )
        findings += self._floors(table, policy, confidence, result.n, method, prepared.data.task)
        status = worst_status([f.status for f in findings])
        headline = ", ".join(
            f"{r['label']} {r['estimate']:.3f}" for r in table[:6] if r["estimate"] is not None
        )
        findings.insert(
            0,
            self.finding(
                Status.PASS,
                f"On {result.n:,} labelled rows: {headline}.",
                subject="all rows",
                evidence=tuple(evidence),
                severity=Severity.INFO,
                title="Performance on the audited rows",
            ),
        )
        if status is Status.FAIL:
            summary = "performance below a policy target: " + "; ".join(
                f.message for f in findings if f.status is Status.FAIL
            )
        elif status is Status.WARN:
            summary = "barely better than chance: " + "; ".join(
                f.message for f in findings if f.status is Status.WARN
            )
        else:
            summary = f"{headline} (n = {result.n:,})."
        metrics = {
            "task": prepared.data.task,
            "n": result.n,
            "confidence": confidence,
            "method": method,
            "metrics": table,
            "dropped_missing_target": int(ctx.n_rows - prepared.n_rows),
        }
        return self.result(status, summary, tuple(findings), metrics)

    def _floors(
        self,
        table: list[dict[str, Any]],
        policy: Policy,
        confidence: float,
        n: int,
        method: str,
        task: str,
    ) -> list[Finding]:
        p = policy.performance
        floors = (
            ("roc_auc", p.roc_auc_floor),
            # Chance is 1/k for k classes: the floor is for binary classifiers only.
            ("balanced_accuracy", p.balanced_accuracy_floor if task == "binary" else None),
            ("r2", p.r2_floor),
        )
        return _floor_findings(self, table, floors, confidence, n, method)


def _floor_findings(
    check: Check,
    table: list[dict[str, Any]],
    floors: tuple[tuple[str, float | None], ...],
    confidence: float,
    n: int,
    method: str,
) -> list[Finding]:
    """A warning for each metric whose interval's lower bound is below its floor."""
    out = []
    for name, floor in floors:
        row = next((r for r in table if r["metric"] == name), None)
        if floor is None or row is None or row["estimate"] is None:
            continue
        low = row["ci_low"] if row["ci_low"] is not None else row["estimate"]
        if low >= floor:
            continue
        label = METRICS[name].label
        out.append(
            check.finding(
                Status.WARN,
                f"{label} is {row['estimate']:.3f} ({confidence:.0%} CI {_ci(row)}, n = {n:,}): "
                f"its lower bound is below the floor of {floor:g} "
                f"(performance.{name}_floor), so the model may be little better than chance.",
                subject=f"{name} floor",
                evidence=(
                    Evidence(
                        name,
                        row["estimate"],
                        row["ci_low"],
                        row["ci_high"],
                        confidence,
                        n=n,
                        threshold=floor,
                        method=method,
                    ),
                ),
                remediation="Check the model is fit for the decision it supports (and the "
                "target and inputs are the ones it was trained on) before relying on it.",
                severity=Severity.MEDIUM,
            )
        )
    return out


def _ci(row: dict[str, Any]) -> str:
    if row.get("ci_low") is None or row.get("ci_high") is None:
        return "n/a"
    return f"{row['ci_low']:.3f}–{row['ci_high']:.3f}"


# ---------------------------------------------------------------------------------------------
# performance.group_gap


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

        group_rows: list[dict[str, Any]] = []
        excluded: list[tuple[str, str, int, str]] = []
        gaps: list[Gap] = []
        findings: list[Finding] = []
        for gm in per_grouping:
            for g, (metric_set, why) in enumerate(zip(gm.sets, gm.excluded, strict=True)):
                row: dict[str, Any] = {
                    "grouping": gm.grouping.name,
                    "group": gm.grouping.labels[g],
                    "n": metric_set.n,
                    "share": metric_set.n / max(prepared.n_rows, 1),
                    "judged": why is None,
                    "excluded_reason": why,
                }
                for name in names:
                    low, high = metric_set.interval(name, confidence)
                    row[name] = jsonable(metric_set.estimate.get(name))
                    row[f"{name}_ci"] = [low, high]
                group_rows.append(row)
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
        metrics = {
            "confidence": confidence,
            "group_gap_max": limit,
            "gated_metrics": gated,
            "gap_units": {
                m: "target standard deviations" if m in ERROR_METRICS else "metric units"
                for m in gated
            },
            "groups": group_rows,
            "gaps": [
                {
                    "grouping": g.grouping,
                    "metric": g.metric,
                    "best_group": g.best,
                    "worst_group": g.worst,
                    "best_value": jsonable(g.best_value),
                    "worst_value": jsonable(g.worst_value),
                    "gap": jsonable(g.gap),
                    "ci_low": g.ci_low,
                    "ci_high": g.ci_high,
                    "status": g.status.value,
                    "comparisons": g.comparisons,
                }
                for g in gaps
            ],
        }
        return self.result(status, summary, tuple(findings), metrics)

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


# ---------------------------------------------------------------------------------------------
# performance.calibration


class PerformanceCalibrationCheck(Check):
    spec: ClassVar[CheckSpec] = CALIBRATION

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        prepared = prepare(ctx)
        if prepared is None:
            return self.skip(NO_TARGET)
        data = prepared.data
        if data.task != "binary":
            return self.skip(f"calibration needs a binary classifier; this task is {data.task}")
        if data.score is None or not data.probabilities:
            return self.skip(
                "calibration needs probability scores in [0, 1] for the positive class"
            )
        score = data.score
        assert score is not None
        confidence = policy.stats.confidence
        limit = policy.performance.max_ece
        # The ECE and Brier score of the other competence checks' bootstrap: same rows, same
        # metrics, so they are computed once.
        overall = overall_metrics(ctx, policy, prepared)
        per_grouping = group_metrics(ctx, policy, prepared) if ctx.sensitive_names else []

        low, high = overall.interval("ece", confidence)
        rows: list[dict[str, Any]] = [
            {
                "grouping": None,
                "group": "all rows",
                "n": overall.n,
                "judged": True,
                "excluded_reason": None,
                "ece": jsonable(overall.estimate["ece"]),
                "ece_ci": [low, high],
                "brier": jsonable(overall.estimate["brier"]),
            }
        ]
        curves: list[dict[str, Any]] = [
            {
                "grouping": None,
                "group": "all rows",
                "bins": reliability_table(data.y, score, weight=data.weight),
            }
        ]
        over: list[tuple[str, float, float | None, float | None, int]] = []
        if low is not None and low > limit:
            over.append(("all rows", overall.estimate["ece"], low, high, overall.n))
        excluded: list[tuple[str, str, int, str]] = []
        for gm in per_grouping:
            codes = gm.grouping.codes[prepared.rows]
            tables = group_reliability(data, codes, gm.grouping.n_groups)
            for g, (metric_set, why) in enumerate(zip(gm.sets, gm.excluded, strict=True)):
                label = gm.grouping.labels[g]
                g_low, g_high = metric_set.interval("ece", confidence)
                rows.append(
                    {
                        "grouping": gm.grouping.name,
                        "group": label,
                        "n": metric_set.n,
                        "judged": why is None,
                        "excluded_reason": why,
                        "ece": jsonable(metric_set.estimate.get("ece")),
                        "ece_ci": [g_low, g_high],
                        "brier": jsonable(metric_set.estimate.get("brier")),
                    }
                )
                curves.append(
                    {
                        "grouping": gm.grouping.name,
                        "group": label,
                        "bins": tables[g],
                    }
                )
                if why is not None:
                    excluded.append((gm.grouping.name, label, metric_set.n, why))
                elif g_low is not None and g_low > limit:
                    over.append(
                        (
                            f"{gm.grouping.name} = {label}",
                            metric_set.estimate["ece"],
                            g_low,
                            g_high,
                            metric_set.n,
                        )
                    )

        findings: list[Finding] = []
        for subject, ece, e_low, e_high, n in over:
            findings.append(
                self.finding(
                    Status.WARN,
                    f"Scores are miscalibrated for {subject}: expected calibration error {ece:.3f} "
                    f"({confidence:.0%} CI {e_low:.3f}–{e_high:.3f}, n = {n:,}), above the "
                    f"{limit:g} limit; a predicted probability there does not mean what it says.",
                    subject=subject,
                    evidence=(
                        Evidence(
                            "ece",
                            jsonable(ece),
                            e_low,
                            e_high,
                            confidence,
                            n=n,
                            threshold=limit,
                            method="percentile bootstrap",
                        ),
                    ),
                    remediation="Recalibrate the scores (Platt or isotonic), per group if needed.",
                )
            )
        judged = [r for r in rows if r["judged"] and r["ece"] is not None]
        findings.insert(
            0,
            self.finding(
                Status.PASS,
                f"Expected calibration error {overall.estimate['ece']:.3f} overall"
                + (
                    f"; per judged group from {min(r['ece'] for r in judged):.3f} to "
                    f"{max(r['ece'] for r in judged):.3f}."
                    if len(judged) > 1
                    else "."
                ),
                subject="all rows",
                evidence=(
                    Evidence(
                        "ece",
                        jsonable(overall.estimate["ece"]),
                        low,
                        high,
                        confidence,
                        n=overall.n,
                        threshold=limit,
                        method="percentile bootstrap",
                    ),
                ),
                severity=Severity.INFO,
                title="Calibration",
            ),
        )
        note = groups_not_judged(self, excluded)
        if note is not None:
            findings.append(note)
        status = Status.WARN if over else Status.PASS
        summary = (
            f"ECE above {limit:g} for: {', '.join(o[0] for o in over)}"
            if over
            else f"ECE {overall.estimate['ece']:.3f} overall, no judged group above {limit:g}"
        )
        metrics = {
            "confidence": confidence,
            "bins": len(curves[0]["bins"]),
            "max_ece": limit,
            "ece": rows,
            "reliability": curves,
        }
        return self.result(status, summary, tuple(findings), metrics)
