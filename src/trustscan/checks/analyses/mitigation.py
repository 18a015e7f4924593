"""``fairness.mitigation_preview``: what group-specific thresholds would buy, and cost.

When ``fairness.selection_rate`` or ``fairness.error_rates`` fails, this check fits
group thresholds as fairlearn's ``ThresholdOptimizer`` does (``stats.thresholds``) on the
model's cached scores (no re-prediction) for
demographic parity and for equalized odds on one half of a stratified sample, and measures
on the other, held-out half the lowest impact ratio, TPR/FPR ratios and accuracy before and
after, with intervals. It is a preview of the trade-off, never a recommendation: thresholds
that differ by group use the protected attribute at decision time.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from trustscan import stats
from trustscan.checks.analyses import CAVEAT, MITIGATION_PREVIEW
from trustscan.checks.analyses._common import sample_and_split, skip_reason
from trustscan.checks.analyses.measured import MitigationPreview, MitigationVariant
from trustscan.checks.base import Check
from trustscan.checks.fairness.comparison import JUDGED, Settings, compare_rates, settings
from trustscan.checks.fairness.measured import FairnessRates
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import number as _fmt
from trustscan.numbers.json_safe import pair as _pair
from trustscan.numbers.json_safe import scalar as _json
from trustscan.policy import Policy
from trustscan.stats.groups import GroupCodes
from trustscan.stats.intervals import normal_quantile, wilson_interval
from trustscan.stats.thresholds import apply_rules, fit_rules
from trustscan.types import CheckResult, Evidence, Status, measured_as

CONSTRAINTS = ("demographic_parity", "equalized_odds")
_RATES = ("selection_rate", "true_positive_rate", "false_positive_rate")


def failing_feature(earlier: tuple[CheckResult, ...]) -> tuple[str, str] | None:
    """The sensitive feature (single, not an intersection) of the lowest failing ratio in
    the selection-rate or error-rate check, and the check's id."""
    worst: tuple[float, str, str] | None = None
    for result in earlier:
        if result.check_id not in ("fairness.selection_rate", "fairness.error_rates"):
            continue
        if result.status is not Status.FAIL:
            continue
        for group in measured_as(result, FairnessRates).groups:
            for metric in _RATES:
                rate = group.rate(metric)
                if rate.status == "fail" and rate.ratio is not None:
                    candidate = (rate.ratio, str(group.grouping), result.check_id)
                    worst = candidate if worst is None or candidate < worst else worst
    return None if worst is None else (worst[1], worst[2])


SCORE_LEVELS = 1000
"""Quantile levels of the fitted rows' scores the thresholds are placed on (see
``score_levels``)."""


def score_levels(
    scores: np.ndarray, fit: np.ndarray, levels: int = SCORE_LEVELS, rows: np.ndarray | None = None
) -> np.ndarray:
    """Each score's (or only the ``rows``' scores') quantile level (``0..levels-1``) among
    the ``fit`` rows' scores.

    ThresholdOptimizer walks every distinct score of every group (25,000 on a full sample);
    on levels it walks at most ``levels``. The map is monotone, so a threshold on levels is
    a threshold on scores, placed to within one level: at most ``1 / levels`` of the fitted
    rows (0.1%) lie between it and the threshold the exact scores would give.
    """
    edges = np.unique(np.quantile(scores[fit], np.linspace(0, 1, levels + 1)[1:-1]))
    chosen = scores if rows is None else scores[rows]
    return np.searchsorted(edges, chosen, side="right").astype(float)


def group_thresholds(
    scores: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    fit: np.ndarray,
    held: np.ndarray,
    constraint: str,
    seed: int,
    levels: int | None = SCORE_LEVELS,
) -> np.ndarray:
    """Decisions on ``held`` rows from group-specific thresholds fitted on ``fit`` rows
    (fairlearn's ThresholdOptimizer algorithm, maximising accuracy under ``constraint``; see
    ``stats.thresholds``), on the scores' quantile levels (``levels``; None = the exact
    scores)."""
    # Only the sampled rows' scores are mapped to levels (not every row of the data set).
    x_fit, x_held = (
        (scores[part] if levels is None else score_levels(scores, fit, levels, part))
        for part in (fit, held)
    )
    rules = fit_rules(x_fit, y[fit].astype(int), groups[fit], constraint)
    return apply_rules(rules, x_held, groups[held], seed)


def _one_outcome_groups(grouping: GroupCodes, y: np.ndarray, fit: np.ndarray) -> list[str]:
    """Labels of the groups whose fitted rows are all favourable or all not (an outcome set
    by the group itself, such as an age band as target and age as attribute)."""
    codes = grouping.codes[fit]
    present = codes >= 0
    rows = np.bincount(codes[present], minlength=len(grouping.labels))
    favourable = np.bincount(
        codes[present], weights=y[fit][present].astype(float), minlength=len(grouping.labels)
    )
    one_sided = (rows > 0) & ((favourable == 0) | (favourable == rows))
    return [str(grouping.labels[g]) for g in np.flatnonzero(one_sided)]


@dataclass(frozen=True)
class _Lowest:
    """A rate's lowest judged ratio among the groups, its Katz interval, the pair compared."""

    ratio: float | None = None
    ci: tuple[float | None, float | None] = (None, None)
    groups: str | None = None


def _lowest(metric: str, counts: stats.GroupCounts, grouping: GroupCodes, cfg: Settings) -> _Lowest:
    c = compare_rates(metric, counts, None, grouping, int(counts.n.sum()), cfg)
    judged = np.array([s in JUDGED for s in c.status]) & np.isfinite(c.ratio)
    if c.reference is None or not judged.any():
        return _Lowest()
    worst = int(np.argmin(np.where(judged, c.ratio, np.inf)))
    low, high = _pair(c.katz_low[worst], c.katz_high[worst])
    return _Lowest(
        _json(float(c.ratio[worst])),
        (low, high),
        f"{grouping.labels[worst]} vs {grouping.labels[c.reference]}",
    )


def _outcome(
    name: str,
    decisions: np.ndarray,
    y: np.ndarray,
    grouping: GroupCodes,
    before: np.ndarray | None,
    cfg: Settings,
) -> MitigationVariant:
    """Lowest ratios and accuracy of one set of held-out decisions."""
    counts = stats.group_counts(grouping, decisions, y)
    selection, tpr, fpr = (_lowest(metric, counts, grouping, cfg) for metric in _RATES)
    correct = decisions == y
    n = int(correct.size)
    positives, negatives = y, ~y
    change: float | None = None
    change_ci: tuple[float | None, float | None] | None = None
    if before is not None:
        # Paired: the same people before and after, so the change has a small variance.
        diff = correct.astype(float) - (before == y).astype(float)
        half = normal_quantile(cfg.confidence) * float(diff.std(ddof=1)) / math.sqrt(n)
        change = float(diff.mean())
        change_ci = (change - half, change + half)
    return MitigationVariant(
        variant=name,
        selection_rate_ratio=selection.ratio,
        selection_rate_ratio_ci=selection.ci,
        selection_rate_group=selection.groups,
        true_positive_rate_ratio=tpr.ratio,
        true_positive_rate_ratio_ci=tpr.ci,
        true_positive_rate_group=tpr.groups,
        false_positive_rate_ratio=fpr.ratio,
        false_positive_rate_ratio_ci=fpr.ci,
        false_positive_rate_group=fpr.groups,
        accuracy=float(correct.mean()),
        accuracy_ci=wilson_interval(int(correct.sum()), n, confidence=cfg.confidence),
        balanced_accuracy=_json(
            float((decisions[positives].mean() + (~decisions[negatives]).mean()) / 2)
        ),
        selected_share=float(decisions.mean()),
        accuracy_change=change,
        accuracy_change_ci=change_ci,
    )


class MitigationPreviewCheck(Check):
    spec: ClassVar[CheckSpec] = MITIGATION_PREVIEW

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        return self.run_after(ctx, policy, ())

    def run_after(
        self, ctx: AuditContext, policy: Policy, earlier: tuple[CheckResult, ...]
    ) -> CheckResult:
        reason = skip_reason(ctx, "a mitigation preview", needs_target=True)
        if reason is not None:
            return self.skip(reason)
        if ctx.favourable_scores is None:
            return self.skip("No scores: a threshold preview needs predict_proba or --scores.")
        failing = failing_feature(earlier)
        if failing is None:
            return self.skip(
                "No failing selection-rate or error-rate check: there is no gap to preview "
                "a fix for."
            )
        feature, source = failing
        grouping = next(g for g in ctx.groupings.singles if g.name == feature)
        # All favourable-oriented: a 'selection' is the decision that benefits the person.
        y, decisions = ctx.y_true_favourable, ctx.decisions
        assert y is not None and decisions is not None
        scores = np.asarray(ctx.favourable_scores, dtype=float)
        cfg = settings(policy, policy.fairness.impact_ratio_min)
        fit, held = sample_and_split(
            ctx, self.id, grouping.codes * 2 + y, policy.fairness.analysis_sample_size
        )
        one_sided = _one_outcome_groups(grouping, y, fit)
        if one_sided:
            return self.skip(
                f"{feature} = {', '.join(one_sided)} has a single outcome among the rows "
                "thresholds would be fitted on: group thresholds need both outcomes in every "
                "group (as fairlearn's ThresholdOptimizer does), so there is no fix to preview."
            )
        held_grouping = dataclasses.replace(grouping, codes=grouping.codes[held])
        labels = np.asarray(grouping.labels, dtype=object)[grouping.codes]
        before = decisions[held]
        rows = [_outcome("current decisions", before, y[held], held_grouping, None, cfg)]
        for constraint in CONSTRAINTS:
            after = group_thresholds(scores, y, labels, fit, held, constraint, ctx.seed)
            rows.append(
                _outcome(constraint.replace("_", " "), after, y[held], held_grouping, before, cfg)
            )
        return self._finish(rows, feature, source, held.size, fit.size, cfg)

    def _finish(
        self,
        rows: list[MitigationVariant],
        feature: str,
        source: str,
        n_held: int,
        n_fit: int,
        cfg: Settings,
    ) -> CheckResult:
        current, parity, odds = rows

        def ratio(row: MitigationVariant) -> str:
            return _fmt(row.selection_rate_ratio)

        change = parity.accuracy_change
        low, high = parity.accuracy_change_ci or (None, None)
        cost = (
            f"accuracy {current.accuracy or 0:.1%} → {parity.accuracy or 0:.1%} "
            f"({100 * change:+.1f} points, {cfg.confidence:.0%} CI {100 * low:+.1f} to "
            f"{100 * high:+.1f})"
            if change is not None and low is not None and high is not None
            else "accuracy change n/a"
        )
        reaches = (
            parity.selection_rate_ratio is not None and parity.selection_rate_ratio >= cfg.threshold
        )
        message = (
            f"Preview on {n_held:,} held-out rows (thresholds fitted on {n_fit:,} others), "
            f"{feature}: demographic-parity thresholds move the lowest impact ratio from "
            f"{ratio(current)} to {ratio(parity)} "
            f"({'above' if reaches else 'still below'} {cfg.threshold:.2f}) at {cost}; "
            f"equalized-odds thresholds give an impact ratio of {ratio(odds)}, TPR ratio "
            f"{_fmt(odds.true_positive_rate_ratio)} and FPR ratio "
            f"{_fmt(odds.false_positive_rate_ratio)} at accuracy {odds.accuracy or 0:.1%}. "
            + CAVEAT
        )
        finding = self.finding(
            Status.WARN,
            message,
            subject=feature,
            title=f"Mitigation preview: {feature}",
            evidence=(
                Evidence(
                    "impact_ratio_after_parity_thresholds",
                    parity.selection_rate_ratio,
                    (parity.selection_rate_ratio_ci or (None, None))[0],
                    (parity.selection_rate_ratio_ci or (None, None))[1],
                    cfg.confidence,
                    n=n_held,
                    threshold=cfg.threshold,
                    method="ThresholdOptimizer's algorithm (as fairlearn) on the cached scores' "
                    f"{SCORE_LEVELS:,} quantile levels (thresholds within 0.1% of the fitted "
                    "rows of the exact ones); held-out split; Katz interval",
                ),
                Evidence(
                    "accuracy_change_with_parity_thresholds",
                    change,
                    low,
                    high,
                    cfg.confidence,
                    n=n_held,
                    method="paired difference on the held-out rows, Wald interval",
                ),
            ),
            remediation="Remove proxies or re-train with a fairness constraint rather than "
            "deploying group-specific thresholds; see the caveat.",
        )
        summary = (
            f"Preview ({source} fails on {feature}): parity thresholds move the impact ratio "
            f"{ratio(current)} → {ratio(parity)} at {cost}. Not a recommendation."
        )
        measured = MitigationPreview(
            feature=feature,
            triggered_by=source,
            held_out_rows=n_held,
            fit_rows=n_fit,
            threshold=cfg.threshold,
            confidence=cfg.confidence,
            variants=tuple(rows),
            caveat=CAVEAT,
        )
        return self.result(Status.WARN, summary, (finding,), measured=measured)
