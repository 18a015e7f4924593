"""Regression fairness by differences of group means, on a scale the reader can judge.

Two comparisons use it:

- ``mean_signed_error`` (``fairness.error_rates``): the mean of prediction − truth per group,
  i.e. how much the model over-predicts (positive) or under-predicts (negative) for the
  group. The reference is the group whose mean signed error is closest to zero (ties: the
  larger group), so a planted over-prediction is reported against the group the model is
  right about.
- ``mean_prediction`` (``fairness.selection_rate``): the mean prediction per group, against
  the group with the highest mean.

A gap is the difference of the two means, with a normal (Welch standard error) interval and
a Welch t-test, Holm-corrected across the groups of a grouping. It is judged in standard
deviations (of the target for signed errors, of the predictions for predictions), so the
rule does not depend on units or on a log scale: beyond the policy's gap and significant
fails, beyond it without significance warns (insufficient evidence), within it passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from trustscan import stats
from trustscan.checks.base import Check
from trustscan.checks.fairness.comparison import Settings, exclusions
from trustscan.checks.fairness.phrasing import capital, format_p, group_phrase
from trustscan.checks.fairness.rows import row_base
from trustscan.checks.fairness.section import Section
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import pair as _pair
from trustscan.numbers.json_safe import scalar as _json
from trustscan.types import Evidence, ScoreInput, Scoring, Severity, Status


@dataclass(frozen=True)
class GapRule:
    """What one mean-difference comparison measures and how it is judged."""

    metric: str
    """``mean_signed_error`` or ``mean_prediction``."""
    reference: str
    """``closest_to_zero`` or ``highest``."""
    scale: float
    """Standard deviation the gaps are expressed in."""
    scale_name: str
    """What ``scale`` is the standard deviation of, for messages."""
    gap_max: float
    """Largest acceptable gap, in ``scale`` units."""
    policy_key: str


def _reference(mean: np.ndarray, n: np.ndarray, eligible: np.ndarray, rule: str) -> int | None:
    if not eligible.any():
        return None
    key = -np.abs(mean) if rule == "closest_to_zero" else mean
    key = np.where(eligible, key, -np.inf)
    best = np.flatnonzero(key == key.max())
    return int(best[np.argmax(n[best])])


def _signed(value: float, digits: int = 3) -> str:
    return f"{value:+.{digits}g}"


def _error_phrase(mean: float, low: float, high: float, confidence: float) -> str:
    """'too high by 0.098 on average (95% CI 0.07 to 0.13)'."""
    direction = "too high" if mean > 0 else "too low"
    if mean < 0:  # the interval of the size of an under-prediction
        low, high = -high, -low
    return (
        f"{direction} by {abs(mean):.3g} on average ({confidence:.0%} CI {low:.3g} to {high:.3g})"
    )


def mean_gaps(
    check: Check, ctx: AuditContext, cfg: Settings, values: np.ndarray, rule: GapRule
) -> Section:
    """Compare the group means of ``values`` with the reference group's (see the module)."""
    out = Section()
    total = ctx.n_rows
    z = stats.normal_quantile(cfg.confidence)
    scale = rule.scale if math.isfinite(rule.scale) and rule.scale > 0 else float("nan")
    for grouping in ctx.groupings.singles + ctx.groupings.intersections:
        mom = stats.group_moments(grouping, values)
        mean, n = mom.mean, mom.n
        low, high = stats.mean_interval(mom, confidence=cfg.confidence)
        excluded = exclusions(grouping, n, n, total, cfg)
        eligible = np.array([r is None for r in excluded]) & np.isfinite(mean)
        ref = _reference(mean, n, eligible, rule.reference)
        g = grouping.n_groups
        nan = np.full(g, np.nan)
        diff = diff_low = diff_high = std = p = p_adj = nan
        status = ["excluded" if r else "n/a" for r in excluded]
        if ref is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                diff = mean - mean[ref]
                se = np.sqrt(mom.variance / n + mom.variance[ref] / n[ref])
                std = diff / scale
            diff_low, diff_high = diff - z * se, diff + z * se
            compared = eligible.copy()
            compared[ref] = False
            p = np.where(compared, stats.welch_ttest(mom, ref), np.nan)
            p_adj = stats.holm(p)
            for i in range(g):
                if i == ref:
                    status[i] = "reference"
                elif compared[i] and math.isfinite(p[i]):
                    beyond = bool(abs(std[i]) >= rule.gap_max) if math.isfinite(std[i]) else False
                    significant = p_adj[i] < cfg.alpha
                    status[i] = "fail" if beyond and significant else "warn" if beyond else "pass"
        m = rule.metric
        for i in range(g):
            row = row_base(grouping, i, n, total, None, excluded[i])
            row.update(
                {
                    m: _json(float(mean[i])),
                    f"{m}_ci": _pair(low[i], high[i]),
                    f"{m}_reference": grouping.labels[ref] if ref is not None else None,
                    f"{m}_difference": _json(float(diff[i])),
                    f"{m}_difference_ci": _pair(diff_low[i], diff_high[i]),
                    f"{m}_difference_in_sd": _json(float(std[i])),
                    f"{m}_p_value": _json(float(p[i])),
                    f"{m}_p_value_adjusted": _json(float(p_adj[i])),
                    f"{m}_test": "Welch t-test" if math.isfinite(p[i]) else None,
                    f"{m}_status": status[i],
                    "status": status[i],
                }
            )
            out.tables["intersections" if grouping.is_intersection else "groups"].append(row)
            if status[i] not in ("warn", "fail") or ref is None:
                continue
            arrays = (mean, low, high, diff, diff_low, diff_high, std, p_adj, n)
            out.add(grouping, [_finding(check, cfg, rule, grouping, i, ref, arrays, status[i])])
    return out


def _finding(
    check: Check,
    cfg: Settings,
    rule: GapRule,
    grouping: Any,
    i: int,
    ref: int,
    arrays: tuple[np.ndarray, ...],
    status: str,
) -> Any:
    mean, low, high, diff, diff_low, diff_high, std, p_adj, n = arrays
    who, ref_who = group_phrase(grouping, i), group_phrase(grouping, ref)
    c = cfg.confidence
    if rule.metric == "mean_signed_error":
        lead = (
            f"Predictions for {who} are {_error_phrase(mean[i], low[i], high[i], c)}; for "
            f"{ref_who} they are {_error_phrase(mean[ref], low[ref], high[ref], c)}"
        )
        gap = "a signed-error gap"
    else:
        lead = (
            f"{who} have a mean prediction of {mean[i]:.4g} ({c:.0%} CI {low[i]:.4g} to "
            f"{high[i]:.4g}) against {mean[ref]:.4g} for {ref_who}"
        )
        gap = "a difference"
    sentence = capital(
        f"{lead}: {gap} of {_signed(float(diff[i]))} ({cfg.confidence:.0%} CI "
        f"{diff_low[i]:.3g} to {diff_high[i]:.3g}; {abs(std[i]):.2f} standard deviations of "
        f"{rule.scale_name}; Welch t-test, {format_p(float(p_adj[i]))}; n = {int(n[i]):,} / "
        f"{int(n[ref]):,})."
    )
    if status == "fail":
        detail = (
            f" That is beyond {rule.policy_key} = {rule.gap_max:g} standard deviations and "
            f"statistically significant (Holm-corrected, α = {cfg.alpha})."
        )
        remediation = (
            "Check the target and features for this group (label quality, missing inputs), "
            "re-weight or re-train, and re-audit; a systematic over- or under-prediction for "
            "one group is a biased estimate, not noise."
        )
    else:
        detail = (
            f" Beyond {rule.gap_max:g} standard deviations but not statistically significant "
            f"at α = {cfg.alpha} (Holm-corrected): insufficient evidence."
        )
        remediation = "Collect more labelled outcomes for these groups before relying on the model."
    evidence = Evidence(
        f"{rule.metric}_difference",
        _json(float(diff[i])),
        _json(float(diff_low[i])),
        _json(float(diff_high[i])),
        cfg.confidence,
        _json(float(p_adj[i])),
        int(n[i]),
        _json(rule.gap_max * rule.scale),
        f"difference of group means to {grouping.labels[ref]} ({rule.reference.replace('_', ' ')}"
        "); normal interval with the Welch standard error; Welch t-test, Holm-adjusted",
    )
    failed = status == "fail"
    return check.finding(
        Status.FAIL if failed else Status.WARN,
        sentence + detail,
        subject=f"{grouping.name} = {grouping.labels[i]}",
        evidence=(evidence,),
        remediation=remediation,
        severity=check.default_severity if failed else Severity.MEDIUM,
        title=f"{capital(rule.metric.replace('_', ' '))} gap: {grouping.name} = "
        f"{grouping.labels[i]}",
    )


def gap_summary(section: Section, rule: GapRule) -> tuple[Status, str]:
    """Status and one line: the largest gap of a single attribute first."""
    judged = [f for f in section.findings if f.status in (Status.FAIL, Status.WARN)]
    rows = [
        r
        for r in section.tables["groups"] + section.tables["intersections"]
        if r.get(f"{rule.metric}_status") in ("pass", "warn", "fail")
    ]
    what = rule.metric.replace("_", " ")
    if not rows:
        return Status.WARN, (
            f"Insufficient evidence: no sensitive feature has two groups large enough to compare "
            f"the {what}."
        )
    singles = [r for r in rows if " × " not in r["feature"]] or rows
    worst = max(singles, key=lambda r: abs(r.get(f"{rule.metric}_difference_in_sd") or 0.0))
    largest = (
        f"largest: {worst['feature']} = {worst['group']}, {_signed(worst[f'{rule.metric}_difference'] or 0.0)} "
        f"vs {worst[f'{rule.metric}_reference']} "
        f"({abs(worst[f'{rule.metric}_difference_in_sd'] or 0.0):.2f} SD)"
    )
    fails = len({f.subject for f in judged if f.status is Status.FAIL})
    if fails:
        return Status.FAIL, (
            f"{fails} group(s) with a significant {what} gap beyond {rule.gap_max:g} SD; {largest}."
        )
    if judged:
        return Status.WARN, (
            f"{len(judged)} {what} gap(s) beyond {rule.gap_max:g} SD without enough evidence "
            f"to decide; {largest}."
        )
    return Status.PASS, f"No significant {what} gap beyond {rule.gap_max:g} SD; {largest}."


def gap_scoring(section: Section, rule: GapRule, status: Status) -> Scoring:
    """Scored by the largest judged gap in SDs; the policy gap scores 40."""
    gaps = [
        abs(float(r[f"{rule.metric}_difference_in_sd"]))
        for r in section.tables["groups"]
        if r.get(f"{rule.metric}_status") in ("pass", "warn", "fail")
        and r.get(f"{rule.metric}_difference_in_sd") is not None
    ]
    return Scoring(
        score_input=ScoreInput(max(gaps), 0.0, rule.gap_max / 0.6)
        if gaps and rule.gap_max > 0
        else None,
        insufficient_evidence=status is Status.WARN and not gaps,
    )
