"""The shared run loop of the binary and multiclass fairness checks: every grouping, every
outcome (the decisions, or each class one-vs-rest), every compared rate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.checks.base import Check
from trustscan.checks.fairness.comparison import (
    BELOW,
    JUDGED,
    Comparison,
    Settings,
    compare_rates,
    exclusions,
    judge_family,
    reported_only,
)
from trustscan.checks.fairness.findings import comparison_findings
from trustscan.checks.fairness.phrasing import METRIC_TITLES, favourable_text, group_phrase
from trustscan.checks.fairness.rows import comparison_columns, described_rates, row_base, row_status
from trustscan.checks.fairness.section import RateSpec, Section
from trustscan.context import AuditContext
from trustscan.stats import GroupCodes, GroupCounts


@dataclass(frozen=True)
class _Outcome:
    """One yes/no outcome compared across groups: the decisions, or one class one-vs-rest."""

    label: str | None
    """Class label for a multiclass one-vs-rest outcome, else None."""
    selected: np.ndarray
    y_true: np.ndarray | None


def _outcomes(ctx: AuditContext) -> list[_Outcome]:
    if ctx.task == "binary":
        decisions = ctx.decisions
        assert decisions is not None
        # Favourable orientation throughout: "selected" is the decision that benefits the
        # person and the true outcome counts when it is the favourable one, so a higher rate
        # is always better for the group (for high_risk = 1, the low-risk decision).
        return [_Outcome(None, decisions, ctx.y_true_favourable)]
    classes = ctx.classes
    if classes is None:
        values = pd.Series(ctx.predictions)
        if ctx.y_true is not None:
            values = pd.concat([values, pd.Series(ctx.y_true)])
        classes = tuple(sorted(values.dropna().unique().tolist(), key=str))
    pred = pd.Series(ctx.predictions).astype(str).to_numpy()
    truth = None if ctx.y_true is None else pd.Series(ctx.y_true).astype(str).to_numpy()
    return [
        _Outcome(str(c), pred == str(c), None if truth is None else truth == str(c))
        for c in classes
    ]


def run_rates(
    check: Check,
    ctx: AuditContext,
    spec: RateSpec,
    cfg: Settings,
    indicators: dict[str, np.ndarray] | None = None,
    *,
    gated: bool = True,
) -> Section:
    """Compare ``spec.compared`` rates for every grouping and outcome.

    ``indicators`` adds further yes/no outcomes compared like a selection rate under their
    own metric name (the LL144 scoring rate). With ``gated=False`` they are compared in a
    Holm family of their own and reported in one informational finding, never warned or
    failed, so a pair already judged on its decisions is not counted twice.
    """
    singles, crosses = ctx.groupings.singles, ctx.groupings.intersections
    total = ctx.n_rows
    method = f"percentile bootstrap, {cfg.resamples} resamples of the group counts"
    out = Section()
    outcomes = _outcomes(ctx)
    for grouping in singles + crosses:
        family: list[tuple[_Outcome, GroupCounts, GroupCounts | None, list[Comparison]]] = []
        for outcome in outcomes:
            y_true = outcome.y_true if spec.needs_target else None
            counts = ctx.group_counts(grouping, outcome.selected, y_true)
            boot = _bootstrap(ctx, check, grouping, outcome, counts, cfg)
            comparisons = [
                compare_rates(m, counts, boot, grouping, total, cfg) for m in spec.compared
            ]
            for name, indicator in (indicators or {}).items():
                extra = ctx.group_counts(grouping, indicator)
                extra_boot = _bootstrap(ctx, check, grouping, outcome, extra, cfg, name)
                comp = compare_rates("selection_rate", extra, extra_boot, grouping, total, cfg)
                comparisons.append(dataclasses.replace(comp, metric=name))
            family.append((outcome, counts, boot, comparisons))
        n_main = len(spec.compared)
        main = [c for *_, comps in family for c in (comps if gated else comps[:n_main])]
        judged = iter(judge_family(main, cfg))
        side = iter(
            [] if gated else judge_family([c for *_, cs in family for c in cs[n_main:]], cfg)
        )
        for outcome, counts, boot, comps in family:
            comparisons = [next(judged) for _ in (comps if gated else comps[:n_main])]
            reported = [] if gated else [reported_only(next(side)) for _ in comps[n_main:]]
            for comp in comparisons:
                out.add(
                    grouping,
                    comparison_findings(
                        check, comp, grouping, cfg, outcome.label, method, favourable_text(ctx)
                    ),
                )
                out.lowest.extend(_lowest(comp, grouping, outcome.label))
            for comp in reported:
                out.reported.extend(
                    (comp, grouping, i) for i, s in enumerate(comp.status) if s == BELOW
                )
            table = out.tables["intersections" if grouping.is_intersection else "groups"]
            described = described_rates(counts, boot, spec, cfg)
            group_excluded = exclusions(grouping, counts.n, counts.n, total, cfg)
            for i in range(grouping.n_groups):
                row = row_base(grouping, i, counts.n, total, outcome.label, group_excluded[i])
                row.update({k: v[i] for k, v in described.items()})
                statuses = []
                for comp in comparisons + reported:
                    row.update(comparison_columns(comp, i))
                    row[f"{comp.metric}_reference"] = (
                        grouping.labels[comp.reference] if comp.reference is not None else None
                    )
                    if comp in comparisons:
                        statuses.append(comp.status[i])
                row["status"] = row_status(statuses)
                table.append(row)
    return out


def _lowest(
    c: Comparison, grouping: GroupCodes, outcome_label: str | None
) -> list[tuple[bool, float, str]]:
    """The lowest judged ratio of a comparison, with who it is about."""
    judged = np.array([s in JUDGED for s in c.status]) & np.isfinite(c.ratio)
    if c.reference is None or not judged.any():
        return []
    worst = int(np.argmin(np.where(judged, c.ratio, np.inf)))
    where = f" (class {outcome_label!r})" if outcome_label is not None else ""
    return [
        (
            grouping.is_intersection,
            float(c.ratio[worst]),
            f"{group_phrase(grouping, worst)} vs {group_phrase(grouping, c.reference)}, "
            f"{METRIC_TITLES[c.metric]}{where}",
        )
    ]


def _bootstrap(
    ctx: AuditContext,
    check: Check,
    grouping: GroupCodes,
    outcome: _Outcome,
    counts: GroupCounts,
    cfg: Settings,
    tag: str = "",
) -> GroupCounts | None:
    if cfg.resamples < 1:
        return None
    rng = ctx.rng(f"{check.id}:{grouping.name}:{outcome.label}:{tag}")
    return stats.bootstrap_counts(counts, resamples=cfg.resamples, rng=rng)
