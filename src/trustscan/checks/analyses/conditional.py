"""``fairness.conditional_disparity``: is the gap still there within each stratum?

An overall selection-rate gap can vanish or reverse once a legitimate stratum is held fixed
(Berkeley admissions: women applied to the departments that admitted fewer people), and a
gap can also hide inside strata. Given ``--condition COL`` this check shows, per group,
the unconditional ratio and demographic disparity beside the conditional ones
(``stats.conditional``), judges the conditional (Mantel–Haenszel) ratio with the four-fifths
rules, and says whether conditioning removes, reverses, reveals or keeps the gap.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from trustscan import stats
from trustscan.checks.analyses import CONDITIONAL_DISPARITY
from trustscan.checks.analyses._common import no_evidence_summary, skip_reason
from trustscan.checks.analyses.measured import ConditionalDisparity, ConditionalRow
from trustscan.checks.base import Check, worst_status
from trustscan.checks.fairness.comparison import (
    JUDGED,
    Comparison,
    Settings,
    compare_rates,
    settings,
)
from trustscan.checks.fairness.phrasing import capital, format_p, group_phrase
from trustscan.checks.measured import Interval, span
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import scalar as _json
from trustscan.policy import Policy
from trustscan.sensitive.groups import group_column
from trustscan.stats.conditional import (
    bootstrap_cells,
    cochran_mantel_haenszel,
    conditional_demographic_disparity,
    demographic_disparity,
    mantel_haenszel_ratio,
    stratified_cells,
)
from trustscan.stats.groups import GroupCodes
from trustscan.types import CheckResult, Evidence, Finding, ScoreInput, Scoring, Severity, Status

_EFFECT_WORDS = {
    "reversed": "reverses",
    "removed": "removes",
    "revealed": "reveals",
    "persists": "does not remove",
}


def _effect(unconditional: float, conditional: float, status: str, threshold: float) -> str:
    """What conditioning does to a group's gap."""
    below = math.isfinite(unconditional) and unconditional < threshold
    if status == "pass":
        if below:
            return "reversed" if conditional > 1 else "removed"
        return "none"
    if status in ("warn", "fail"):
        return "persists" if below else "revealed"
    return "n/a"


def _dd_with_interval(
    cells: np.ndarray, boot: np.ndarray | None, confidence: float
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """DD and CDD per group with percentile intervals from resampled cells."""
    nan = np.full(cells.shape[0], np.nan)
    dd = demographic_disparity(cells.sum(axis=1))
    cdd, _ = conditional_demographic_disparity(cells)
    if boot is None:
        return {"dd": (dd, nan, nan), "cdd": (cdd, nan, nan)}
    dd_low, dd_high = stats.percentile_interval(
        demographic_disparity(boot.sum(axis=-2)), confidence=confidence
    )
    cdd_low, cdd_high = stats.percentile_interval(
        conditional_demographic_disparity(boot)[0], confidence=confidence
    )
    return {"dd": (dd, dd_low, dd_high), "cdd": (cdd, cdd_low, cdd_high)}


def _spread(
    dd: dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]],
    outcome: str,
    key: str,
    i: int,
) -> tuple[float | None, Interval | None]:
    """Group ``i``'s ``dd`` or ``cdd`` of ``outcome`` with its interval (None without it)."""
    if outcome not in dd:
        return None, None
    value, low, high = dd[outcome][key]
    return _json(float(value[i])), span(low[i], high[i])


class ConditionalDisparityCheck(Check):
    spec: ClassVar[CheckSpec] = CONDITIONAL_DISPARITY

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        reason = skip_reason(ctx, "conditional disparity", needs_target=False)
        if reason is not None:
            return self.skip(reason)
        if ctx.condition_name is None:
            return self.skip(
                "No stratum given; pass --condition COL (e.g. the department applied to) to "
                "see the gaps within strata."
            )
        decisions = ctx.decisions
        assert decisions is not None
        cfg = settings(policy, policy.fairness.impact_ratio_min)
        strata = group_column(ctx.condition_name, ctx.data[ctx.condition_name])
        rows: list[ConditionalRow] = []
        findings: list[Finding] = []
        for grouping in ctx.groupings.singles:
            counts = stats.group_counts(grouping, decisions)
            comparison = compare_rates("selection_rate", counts, None, grouping, ctx.n_rows, cfg)
            outcomes = {"decisions": decisions, "labels": ctx.y_true_favourable}
            dd: dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
            cells = np.zeros((grouping.n_groups, strata.n_groups, 2), dtype=np.int64)
            for name, outcome in outcomes.items():
                if outcome is None:
                    continue
                table = stratified_cells(
                    grouping.codes, grouping.n_groups, strata.codes, strata.n_groups, outcome
                )
                boot = (
                    bootstrap_cells(
                        table,
                        resamples=cfg.resamples,
                        rng=ctx.rng(f"{self.id}:{grouping.name}:{name}"),
                    )
                    if cfg.resamples
                    else None
                )
                dd[name] = _dd_with_interval(table, boot, cfg.confidence)
                if name == "decisions":
                    cells = table
            rows_g, findings_g = self._grouping(grouping, comparison, cells, dd, strata, cfg)
            rows += rows_g
            findings += findings_g
        return self._finish(strata, rows, findings, cfg)

    def _grouping(
        self,
        grouping: GroupCodes,
        c: Comparison,
        cells: np.ndarray,
        dd: dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]],
        strata: GroupCodes,
        cfg: Settings,
    ) -> tuple[list[ConditionalRow], list[Finding]]:
        g = grouping.n_groups
        ref = c.reference
        mh = np.full((g, 3), np.nan)
        p = np.full(g, np.nan)
        compared = np.array([s in JUDGED for s in c.status])
        if ref is not None:
            for k in np.flatnonzero(compared):
                mh[k] = mantel_haenszel_ratio(cells[k], cells[ref], confidence=cfg.confidence)
                p[k] = cochran_mantel_haenszel(cells[k], cells[ref])
        p_adj = stats.holm(p)
        rows, findings = [], []
        for i in range(g):
            if compared[i] and math.isfinite(mh[i, 0]):
                below = mh[i, 0] < cfg.threshold
                status = ("fail" if p_adj[i] < cfg.alpha else "warn") if below else "pass"
            else:
                status = c.status[i] if c.status[i] in ("reference", "excluded") else "n/a"
            effect = _effect(float(c.ratio[i]), float(mh[i, 0]), status, cfg.threshold)

            dd_value, dd_ci = _spread(dd, "decisions", "dd", i)
            cdd_value, cdd_ci = _spread(dd, "decisions", "cdd", i)
            dd_labels, dd_labels_ci = _spread(dd, "labels", "dd", i)
            cdd_labels, cdd_labels_ci = _spread(dd, "labels", "cdd", i)
            rows.append(
                ConditionalRow(
                    feature=grouping.name,
                    group=grouping.labels[i],
                    n=int(c.denominator[i]),
                    gated=c.excluded[i] is None,
                    excluded_reason=c.excluded[i],
                    reference=grouping.labels[ref] if ref is not None else None,
                    selection_rate=_json(float(c.rate[i])),
                    ratio=_json(float(c.ratio[i])),
                    ratio_ci=span(c.katz_low[i], c.katz_high[i]),
                    conditional_ratio=_json(float(mh[i, 0])),
                    conditional_ratio_ci=span(mh[i, 1], mh[i, 2]),
                    cmh_p_value_adjusted=_json(float(p_adj[i])),
                    status=status,
                    effect=effect,
                    dd=dd_value,
                    dd_ci=dd_ci,
                    cdd=cdd_value,
                    cdd_ci=cdd_ci,
                    dd_labels=dd_labels,
                    dd_labels_ci=dd_labels_ci,
                    cdd_labels=cdd_labels,
                    cdd_labels_ci=cdd_labels_ci,
                )
            )
            if ref is not None and effect in _EFFECT_WORDS:
                findings.append(self._finding(grouping, i, ref, c, mh[i], p_adj[i], status,
                                              effect, strata, cfg))  # fmt: skip
        return rows, findings

    def _finding(
        self,
        grouping: GroupCodes,
        i: int,
        ref: int,
        c: Comparison,
        mh: np.ndarray,
        p: float,
        status: str,
        effect: str,
        strata: GroupCodes,
        cfg: Settings,
    ) -> Finding:
        who, whom = group_phrase(grouping, i), group_phrase(grouping, ref)
        message = capital(
            f"{who} are selected at {c.ratio[i]:.2f} of the rate of {whom} overall, and at "
            f"{mh[0]:.2f} within the same {strata.name} (Mantel–Haenszel, "
            f"{cfg.confidence:.0%} CI {mh[1]:.2f}–{mh[2]:.2f}, Cochran–Mantel–Haenszel "
            f"{format_p(p)}, {strata.n_groups} strata): conditioning on {strata.name} "
            f"{_EFFECT_WORDS[effect]} the gap."
        )
        if status == "warn":
            message += " Below the threshold but not significant: insufficient evidence."
        if effect in ("reversed", "removed"):
            message += (
                f" That is only reassuring if {strata.name} is itself a fair, job-related "
                "stratum people were not steered into."
            )
        subject = f"{grouping.name} = {grouping.labels[i]}"
        return self.finding(
            Status(status),
            message,
            subject=subject,
            title=f"Gap within {strata.name}: {subject}",
            severity=self.default_severity
            if status == "fail"
            else Severity.MEDIUM
            if status == "warn"
            else Severity.INFO,
            evidence=(
                Evidence(
                    "conditional_ratio",
                    _json(float(mh[0])),
                    _json(float(mh[1])),
                    _json(float(mh[2])),
                    cfg.confidence,
                    _json(p),
                    int(c.denominator[i]),
                    cfg.threshold,
                    f"Mantel–Haenszel ratio over {strata.name} to {grouping.labels[ref]}; "
                    "Greenland–Robins interval; CMH test, Holm-adjusted",
                ),
            ),
            remediation=(
                f"Find where within {strata.name} the gap arises (explain.disparity_drivers), "
                "remove proxies and re-train."
                if status != "pass"
                else None
            ),
        )

    def _finish(
        self,
        strata: GroupCodes,
        rows: list[ConditionalRow],
        findings: list[Finding],
        cfg: Settings,
    ) -> CheckResult:
        judged = [r for r in rows if r.status in JUDGED]
        status = worst_status([Status(r.status) for r in judged])
        ratios = [r.conditional_ratio for r in judged if r.conditional_ratio is not None]
        lowest = f" Lowest conditional ratio {min(ratios):.2f}." if ratios else ""
        counted = {e: sum(r.effect == e for r in judged) for e in _EFFECT_WORDS}
        changes = [f"{_EFFECT_WORDS[e]} {k} gap(s)" for e, k in counted.items() if k]
        changed = f" Conditioning on {strata.name} {', '.join(changes)}." if changes else ""
        if not judged:
            status = Status.WARN
            summary = no_evidence_summary(cfg)
        elif status is Status.FAIL:
            fails = sum(r.status == "fail" for r in judged)
            summary = (
                f"{fails} significant gap(s) below {cfg.threshold:.2f} within the same "
                f"{strata.name}.{lowest}{changed}"
            )
        elif status is Status.WARN:
            summary = f"Gaps within {strata.name} without enough evidence.{lowest}{changed}"
        else:
            summary = (
                f"No significant gap below {cfg.threshold:.2f} within the same "
                f"{strata.name}.{lowest}{changed}"
            )
        measured = ConditionalDisparity(
            condition=strata.name,
            strata=tuple(strata.labels),
            threshold=cfg.threshold,
            alpha=cfg.alpha,
            confidence=cfg.confidence,
            groups=tuple(rows),
            methods={
                "conditional_ratio": "Mantel–Haenszel pooled selection-rate ratio to the "
                "most-favoured group; Greenland–Robins interval; Cochran–Mantel–Haenszel "
                "test without continuity correction, Holm-corrected",
                "dd": "share of the rejected minus share of the accepted (one group vs the "
                "rest); cdd: stratum-size-weighted mean of DD within strata; percentile "
                "bootstrap of the group × stratum × decision counts",
            },
        )
        red = (cfg.threshold - 0.4) / 0.6  # the threshold scores 40, as in fairness.*
        scoring = Scoring(
            score_input=ScoreInput(min(ratios), 1.0, red) if ratios else None,
            insufficient_evidence=not judged,
        )
        return self.result(status, summary, tuple(findings), scoring=scoring, measured=measured)
