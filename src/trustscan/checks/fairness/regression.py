"""Regression fairness: group means of predictions or absolute errors compared by ratio,
and the difference-based comparisons of ``regression_gaps`` wired into the two checks.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from trustscan import stats
from trustscan.checks.base import Check, worst_status
from trustscan.checks.fairness import regression_gaps as gaps
from trustscan.checks.fairness.comparison import Settings, exclusions
from trustscan.checks.fairness.findings import small_group_finding
from trustscan.checks.fairness.measured import FairnessRates
from trustscan.checks.fairness.phrasing import capital, format_p, group_phrase
from trustscan.checks.fairness.rows import row_base, row_status, summary_metrics
from trustscan.checks.fairness.section import RateSpec, Section
from trustscan.context import AuditContext
from trustscan.numbers.display import number as _num
from trustscan.numbers.json_safe import pair as _pair
from trustscan.numbers.json_safe import scalar as _json
from trustscan.policy import Policy
from trustscan.types import CheckResult, Evidence, ScoreInput, Severity, Status


def run_regression(
    check: Check,
    ctx: AuditContext,
    cfg: Settings,
    values: np.ndarray,
    metric: str,
    *,
    higher_is_favoured: bool,
    with_ks: bool,
) -> Section:
    """Compare a per-row numeric value (prediction, absolute error) across groups by its mean.

    Predictions: the highest mean is the reference and the ratio is mean / highest. Errors:
    the lowest mean error is the reference and the ratio is lowest / mean, so below the
    threshold always means "worse off". Absolute errors also get the RMSE per group.
    """
    singles, crosses = ctx.groupings.singles, ctx.groupings.intersections
    total = ctx.n_rows
    out = Section()
    positive = bool(np.nanmin(values) >= 0) if values.size else False
    if not positive:
        out.not_judged = (
            f"Ratios of group means need non-negative values ({metric.replace('_', ' ')} "
            "goes below 0); the group means, differences and distribution distances are "
            "reported, not judged."
        )
    for grouping in singles + crosses:
        mom = stats.group_moments(grouping, values)
        mean = mom.mean
        excluded = exclusions(grouping, mom.n, mom.n, total, cfg)
        eligible = np.array([r is None for r in excluded]) & np.isfinite(mean)
        mean_low, mean_high = stats.mean_interval(mom, confidence=cfg.confidence)
        # For absolute errors, the mean of their squares gives the RMSE.
        squares = None if higher_is_favoured else stats.group_moments(grouping, values**2)
        ks, ks_p = (
            stats.ks_against_rest(grouping.codes, values, grouping.n_groups)
            if with_ks
            else (None, None)
        )
        reference = stats.reference_group(mean if higher_is_favoured else -mean, mom.n, eligible)
        g = grouping.n_groups
        nan = np.full(g, np.nan)
        ratio = low = high = p = p_adj = nan
        status = ["excluded" if r else "n/a" for r in excluded]
        if reference is not None and positive and mean[reference] > 0:
            ratio, low, high = stats.ratio_of_means_interval(
                mom, reference, confidence=cfg.confidence
            )
            if not higher_is_favoured:  # errors: best (lowest) error over the group's
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio, low, high = 1.0 / ratio, 1.0 / high, 1.0 / low
            compared = eligible.copy()
            compared[reference] = False
            p = np.where(compared, stats.welch_ttest(mom, reference), np.nan)
            p_adj = stats.holm(p)
            for i in range(g):
                if i == reference:
                    status[i] = "reference"
                elif compared[i]:
                    below = ratio[i] < cfg.threshold
                    status[i] = (
                        "fail" if below and p_adj[i] < cfg.alpha else "warn" if below else "pass"
                    )
            judged = [ratio[i] for i in range(g) if compared[i]]
            if judged:
                worst = int(np.argmin(np.where(compared, ratio, np.inf)))
                out.lowest.append(
                    (
                        grouping.is_intersection,
                        float(min(judged)),
                        f"{group_phrase(grouping, worst)} vs {group_phrase(grouping, reference)}",
                    )
                )
        diff = mean - mean[reference] if reference is not None else nan
        for i in range(g):
            row = row_base(grouping, i, mom.n, total, None, excluded[i])
            row.update(
                {
                    metric: _json(float(mean[i])),
                    f"{metric}_ci": _pair(mean_low[i], mean_high[i]),
                    f"{metric}_reference": grouping.labels[reference]
                    if reference is not None
                    else None,
                    f"{metric}_ratio": _json(float(ratio[i])),
                    f"{metric}_ratio_ci": _pair(low[i], high[i]),
                    f"{metric}_difference": _json(float(diff[i])),
                    f"{metric}_p_value": _json(float(p[i])),
                    f"{metric}_p_value_adjusted": _json(float(p_adj[i])),
                    f"{metric}_test": "Welch t-test" if math.isfinite(p[i]) else None,
                    f"{metric}_status": status[i],
                    "status": status[i],
                }
            )
            if ks is not None and ks_p is not None:
                row["ks_distance"] = _json(float(ks[i]))
                row["ks_p_value"] = _json(float(ks_p[i]))
            if squares is not None:
                # The mean of squares comes from centred sums: a group with no error can land a
                # hair below 0, whose root would be NaN (reported as missing).
                row["root_mean_squared_error"] = _json(
                    float(np.sqrt(np.maximum(squares.mean[i], 0.0)))
                )
            out.tables["intersections" if grouping.is_intersection else "groups"].append(row)
            if status[i] in ("warn", "fail") and reference is not None:
                word = "mean prediction" if higher_is_favoured else "mean absolute error"
                message = capital(
                    f"{group_phrase(grouping, i)} have a {word} of {mean[i]:.4g} against "
                    f"{mean[reference]:.4g} for {group_phrase(grouping, reference)} (ratio {ratio[i]:.2f}, "
                    f"{cfg.confidence:.0%} CI {_num(low[i])}–{_num(high[i])}, "
                    f"{format_p(float(p_adj[i]))}, n = {int(mom.n[i]):,} / "
                    f"{int(mom.n[reference]):,})."
                )
                if status[i] == "warn":
                    message += " Not statistically significant: insufficient evidence."
                evidence = Evidence(
                    f"{metric}_ratio", _json(float(ratio[i])), _json(float(low[i])),
                    _json(float(high[i])), cfg.confidence, _json(float(p_adj[i])),
                    int(mom.n[i]), cfg.threshold,
                    "delta-method log-ratio interval; Welch t-test, Holm-adjusted",
                )  # fmt: skip
                failed = status[i] == "fail"
                out.add(grouping, [check.finding(
                    Status.FAIL if failed else Status.WARN,
                    message,
                    subject=f"{grouping.name} = {grouping.labels[i]}",
                    evidence=(evidence,),
                    severity=check.default_severity if failed else Severity.MEDIUM,
                )])  # fmt: skip
    return out


def prediction_differences(
    check: Check, ctx: AuditContext, cfg: Settings, policy: Policy
) -> CheckResult:
    """Regression: group mean predictions compared by difference, in SDs of the predictions
    (ratios of means mean nothing on a log scale or for values that can be negative)."""
    values = np.asarray(ctx.predictions, dtype=float)
    rule = gaps.GapRule(
        metric="mean_prediction",
        reference="highest",
        scale=float(np.nanstd(values, ddof=1)) if values.size > 1 else float("nan"),
        scale_name="the predictions",
        gap_max=policy.fairness.prediction_gap_max,
        policy_key="fairness.prediction_gap_max",
    )
    section = gaps.mean_gaps(check, ctx, cfg, values, rule)
    # Rows were appended single attributes first, then intersections: the groupings' order.
    rows = iter(section.tables["groups"] + section.tables["intersections"])
    for grouping in ctx.groupings.singles + ctx.groupings.intersections:
        ks, ks_p = stats.ks_against_rest(grouping.codes, values, grouping.n_groups)
        for i in range(grouping.n_groups):
            row = next(rows)
            row["ks_distance"], row["ks_p_value"] = _json(float(ks[i])), _json(float(ks_p[i]))
    status, summary = gaps.gap_summary(section, rule)
    findings = list(section.findings)
    small = small_group_finding(check, section.tables["groups"] + section.tables["intersections"])
    if small is not None:
        findings.append(small)
    metrics = summary_metrics(ctx, cfg, RateSpec((rule.metric,), (), False), section.tables)
    metrics["threshold"] = rule.gap_max
    metrics["prediction_sd"] = _json(rule.scale)
    metrics["methods"] = {
        "difference": "difference of group means to the highest; normal interval with the "
        "Welch standard error; Welch t-test, Holm-corrected; judged in SDs of the predictions",
        "ks": "two-sample Kolmogorov-Smirnov distance of each group against the rest",
    }
    return check.result(
        status,
        summary,
        tuple(findings),
        scoring=gaps.gap_scoring(section, rule, status),
        measured=FairnessRates.from_metrics(metrics),
    )


def with_signed_errors(
    check: Check, ctx: AuditContext, cfg: Settings, policy: Policy, y: np.ndarray,
    mae: CheckResult,
) -> CheckResult:  # fmt: skip
    """Add the per-group signed error (over/under-prediction) to the regression error check:
    its findings lead, its columns join the group rows, the worse status and score win."""
    residual = np.asarray(ctx.predictions, dtype=float) - y
    rule = gaps.GapRule(
        metric="mean_signed_error",
        reference="closest_to_zero",
        scale=float(np.nanstd(y, ddof=1)) if np.isfinite(y).sum() > 1 else float("nan"),
        scale_name="the target",
        gap_max=policy.fairness.signed_error_gap_max,
        policy_key="fairness.signed_error_gap_max",
    )
    signed = gaps.mean_gaps(check, ctx, cfg, residual, rule)
    status, summary = gaps.gap_summary(signed, rule)
    metrics = dict(mae.metrics)
    for key in ("groups", "intersections"):
        rows = [dict(r) for r in metrics[key]]
        for row, extra in zip(rows, signed.tables[key], strict=True):
            row.update({k: v for k, v in extra.items() if k.startswith(rule.metric)})
            row["status"] = row_status([row["status"], extra["status"]])
        metrics[key] = rows
    metrics["compared"] = [rule.metric, *metrics["compared"]]
    metrics["signed_error_gap_max_sd"] = rule.gap_max
    metrics["target_sd"] = _json(rule.scale)
    signed_scoring = gaps.gap_scoring(signed, rule, status)

    def score(inputs: ScoreInput | None) -> float:
        return 101.0 if inputs is None else inputs.points()

    # The worse of the two measured values scores the check; it judged if either part did.
    scoring = mae.scoring
    if score(signed_scoring.score_input) < score(scoring.score_input):
        scoring = dataclasses.replace(scoring, score_input=signed_scoring.score_input)
    if not signed_scoring.insufficient_evidence:
        scoring = dataclasses.replace(scoring, insufficient_evidence=False)
    findings = [*signed.findings, *mae.findings]
    if signed.quiet:
        listed = "; ".join(f.subject or "" for f in signed.quiet[:10])
        findings.append(
            check.finding(
                Status.SKIP,
                f"{len(signed.quiet)} intersectional signed-error gap(s) beyond "
                f"{rule.gap_max:g} SD are not statistically significant, so they are reported "
                f"in the intersections table rather than judged: {listed}.",
                subject="intersections",
                severity=Severity.INFO,
                title="Intersectional signed-error gaps without enough evidence",
            )
        )
    worst = worst_status([status, mae.status])
    return dataclasses.replace(
        mae,
        status=worst,
        summary=f"Signed error: {summary} Absolute error: {mae.summary}",
        findings=tuple(findings),
        scoring=scoring,
        measured=FairnessRates.from_metrics(metrics),
    )
