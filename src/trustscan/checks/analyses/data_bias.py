"""``fairness.data_bias``: the gap already in the labels, and whether the model widens it.

A model trained on historical decisions learns their gaps. This check measures the gap in
the *labels* per group (the same impact-ratio rules as ``fairness.selection_rate``:
threshold, significance with Holm correction, the one-person check, small groups not
judged), reports SageMaker Clarify's pre-training label metrics, and compares the model's
selection-rate gap with the label gap on the same people (``stats.label_bias``).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from trustscan import stats
from trustscan.checks.analyses import DATA_BIAS
from trustscan.checks.analyses._common import no_evidence_summary, skip_reason
from trustscan.checks.analyses.measured import DataBias, LabelBiasRow
from trustscan.checks.base import Check, worst_status
from trustscan.checks.fairness.comparison import (
    JUDGED,
    Comparison,
    Settings,
    compare_rates,
    settings,
)
from trustscan.checks.fairness.phrasing import capital, format_p, group_phrase
from trustscan.checks.fairness.rows import row_status
from trustscan.checks.measured import number, span
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import scalar as _json
from trustscan.policy import Policy
from trustscan.stats.groups import GroupCodes
from trustscan.stats.label_bias import (
    Amplification,
    LabelDistances,
    amplification,
    label_distances,
)
from trustscan.types import CheckResult, Evidence, Finding, ScoreInput, Scoring, Severity, Status

_DISTANCES = (
    "class_imbalance",
    "positive_proportion_difference",
    "kl_divergence",
    "js_divergence",
    "lp_norm",
    "total_variation",
    "ks_distance",
)


def _amplification_status(
    comparison: Comparison, amp: Amplification, limit: float, alpha: float
) -> tuple[list[str], np.ndarray]:
    """Per group: fail when the model widens the label gap by more than ``limit`` and the
    change is significant (Holm across the grouping's groups), warn when it is only larger."""
    compared = np.array([s in JUDGED for s in comparison.status])
    p_adj = stats.holm(np.where(compared, amp.p_value, np.nan))
    status = []
    for i, label_status in enumerate(comparison.status):
        if not compared[i] or not math.isfinite(amp.change[i]):
            status.append(label_status if label_status in ("reference", "excluded") else "n/a")
        elif amp.change[i] <= limit:
            status.append("pass")
        elif p_adj[i] < alpha:
            status.append("fail")
        else:
            status.append("warn")
    return status, p_adj


class DataBiasCheck(Check):
    spec: ClassVar[CheckSpec] = DATA_BIAS

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        reason = skip_reason(ctx, "label bias", needs_target=True)
        if reason is not None:
            return self.skip(reason)
        # Both favourable: the label gap and the decision gap point the same way.
        decisions, labels = ctx.decisions, ctx.y_true_favourable
        assert decisions is not None and labels is not None
        cfg = settings(policy, policy.fairness.impact_ratio_min)
        limit = policy.fairness.amplification_max
        rows: list[LabelBiasRow] = []
        findings: list[Finding] = []
        label_ratios: list[float] = []
        for grouping in ctx.groupings.singles:
            counts = stats.group_counts(grouping, decisions, labels)
            boot = (
                stats.bootstrap_counts(
                    counts, resamples=cfg.resamples, rng=ctx.rng(f"{self.id}:{grouping.name}")
                )
                if cfg.resamples
                else None
            )
            label = compare_rates("base_rate", counts, boot, grouping, ctx.n_rows, cfg)
            distances = label_distances(label.numerator, counts.n)
            selection = stats.rate(counts, "selection_rate")
            if label.reference is None:
                amp, amp_status, amp_p = None, list(label.status), np.full(counts.n_groups, np.nan)
            else:
                amp = amplification(counts, label.reference, confidence=cfg.confidence)
                amp_status, amp_p = _amplification_status(label, amp, limit, cfg.alpha)
            for i in range(grouping.n_groups):
                rows.append(
                    self._row(
                        grouping, i, counts.n, ctx.n_rows, label, selection, distances,
                        amp, amp_status[i], amp_p[i],
                    )
                )  # fmt: skip
                if label.status[i] in JUDGED and math.isfinite(label.ratio[i]):
                    label_ratios.append(float(label.ratio[i]))
            findings += self._label_findings(grouping, label, cfg)
            if amp is not None and label.reference is not None:
                findings += self._amp_findings(grouping, label, amp, amp_status, amp_p, cfg, limit)
        return self._finish(rows, findings, label_ratios, cfg, limit)

    # -- rows -------------------------------------------------------------------------------

    @staticmethod
    def _row(
        grouping: GroupCodes,
        i: int,
        n: np.ndarray,
        total: int,
        label: Comparison,
        selection: np.ndarray,
        distances: LabelDistances,
        amp: Amplification | None,
        amp_status: str,
        amp_p: float,
    ) -> LabelBiasRow:
        ref = label.reference
        model_ratio = (
            float(stats.safe_divide(selection[i], selection[ref])) if ref is not None else math.nan
        )

        def distance(name: str) -> float | None:
            return number(float(getattr(distances, name)[i]))

        def gap(values: np.ndarray | None) -> float | None:
            return None if values is None else number(float(values[i]))

        # A label gap warns (the data carries it); only amplification fails.
        label_row = "warn" if label.status[i] == "fail" else label.status[i]
        return LabelBiasRow(
            feature=grouping.name,
            group=grouping.labels[i],
            n=int(n[i]),
            share=number(float(n[i] / total)) if total else None,
            gated=label.excluded[i] is None,
            excluded_reason=label.excluded[i],
            reference=grouping.labels[ref] if ref is not None else None,
            label_rate=number(float(label.rate[i])),
            label_rate_ci=span(label.rate_low[i], label.rate_high[i]),
            label_ratio=number(float(label.ratio[i])),
            label_ratio_ci=span(label.katz_low[i], label.katz_high[i]),
            label_p_value_adjusted=number(float(label.p_adjusted[i])),
            label_test=label.test[i],
            label_status=label.status[i],
            selection_rate=number(float(selection[i])),
            model_ratio=number(model_ratio),
            class_imbalance=distance("class_imbalance"),
            positive_proportion_difference=distance("positive_proportion_difference"),
            kl_divergence=distance("kl_divergence"),
            js_divergence=distance("js_divergence"),
            lp_norm=distance("lp_norm"),
            total_variation=distance("total_variation"),
            ks_distance=distance("ks_distance"),
            label_gap=gap(None if amp is None else amp.label_gap),
            model_gap=gap(None if amp is None else amp.model_gap),
            amplification=gap(None if amp is None else amp.change),
            amplification_ci=None if amp is None else span(amp.low[i], amp.high[i]),
            amplification_p_value_adjusted=None if amp is None else number(float(amp_p)),
            amplification_status=amp_status,
            status=row_status([label_row, amp_status]),
        )

    # -- findings ---------------------------------------------------------------------------

    def _label_findings(self, grouping: GroupCodes, c: Comparison, cfg: Settings) -> list[Finding]:
        ref = c.reference
        out: list[Finding] = []
        if ref is None:
            return out
        for i, status in enumerate(c.status):
            if status not in ("warn", "fail"):
                continue
            p = float(c.p_adjusted[i])
            message = (
                f"In the labels, {group_phrase(grouping, i)} have the favourable outcome at "
                f"{c.ratio[i]:.0%} of the rate of {group_phrase(grouping, ref)} ({c.rate[i]:.1%} vs "
                f"{c.rate[ref]:.1%}, {cfg.confidence:.0%} CI of the ratio "
                f"{c.katz_low[i]:.2f}–{c.katz_high[i]:.2f}, {format_p(p)}, "
                f"n = {int(c.denominator[i]):,} / {int(c.denominator[ref]):,})."
            )
            if status == "fail":
                message += (
                    " A model trained on these labels learns this gap unless something corrects "
                    "it. A warning, not a failure: the data carries it; the model's own gap is "
                    "judged by fairness.selection_rate and the amplification test."
                )
            else:
                message += (
                    f" Insufficient evidence: below {cfg.threshold:.2f} but not significant or "
                    "not robust to one person."
                )
            out.append(
                self._gap_finding(
                    "warn",
                    status == "fail",
                    message,
                    grouping,
                    i,
                    "Label gap",
                    ("label_ratio", c.ratio[i], c.katz_low[i], c.katz_high[i], p),
                    int(c.denominator[i]),
                    cfg,
                    cfg.threshold,
                    f"positive-label share over {grouping.labels[ref]}'s; Katz interval; "
                    f"{c.test[i]}, Holm-adjusted",
                    "Audit how the labels were produced (past decisions, proxies for merit); "
                    "re-weight, re-label or collect outcome data that does not encode the "
                    "past gap.",
                )
            )
        return out

    def _amp_findings(
        self,
        grouping: GroupCodes,
        c: Comparison,
        amp: Amplification,
        status: list[str],
        p_adj: np.ndarray,
        cfg: Settings,
        limit: float,
    ) -> list[Finding]:
        ref = c.reference
        assert ref is not None
        out: list[Finding] = []
        for i, s in enumerate(status):
            if s not in ("warn", "fail"):
                continue
            p = float(p_adj[i])
            message = (
                f"The model widens the gap between {group_phrase(grouping, i)} and "
                f"{group_phrase(grouping, ref)}: {100 * amp.model_gap[i]:.1f} points in its selections "
                f"against {100 * amp.label_gap[i]:.1f} in the labels "
                f"(+{100 * amp.change[i]:.1f} points, {cfg.confidence:.0%} CI "
                f"{100 * amp.low[i]:+.1f} to {100 * amp.high[i]:+.1f}, {format_p(p)}; "
                f"limit {100 * limit:.0f} points)."
            )
            if s == "warn":
                message += " Not statistically significant: insufficient evidence."
            out.append(
                self._gap_finding(
                    s,
                    s == "fail",
                    message,
                    grouping,
                    i,
                    "Model amplifies the label gap",
                    ("gap_amplification", amp.change[i], amp.low[i], amp.high[i], p),
                    int(c.denominator[i]),
                    cfg,
                    limit,
                    "selection-rate gap minus label gap on the same rows; Wald test from the "
                    "confusion counts, Holm-adjusted",
                    "The model adds to the historical gap: look for proxies "
                    "(leakage.proxy_features, explain.disparity_drivers), remove them and "
                    "re-train.",
                )
            )
        return out

    def _gap_finding(
        self,
        status: str,
        significant: bool,
        message: str,
        grouping: GroupCodes,
        i: int,
        what: str,
        estimate: tuple[str, float, float, float, float],
        n: int,
        cfg: Settings,
        threshold: float,
        method: str,
        remediation: str,
    ) -> Finding:
        metric, value, low, high, p = estimate
        subject = f"{grouping.name} = {grouping.labels[i]}"
        value_j, low_j, high_j, p_j = (_json(float(v)) for v in (value, low, high, p))
        return self.finding(
            Status(status),
            message,
            subject=subject,
            title=f"{what}: {subject}",
            severity=self.default_severity if significant else Severity.MEDIUM,
            evidence=(
                Evidence(metric, value_j, low_j, high_j, cfg.confidence, p_j, n, threshold, method),
            ),
            remediation=remediation,
        )

    # -- result -----------------------------------------------------------------------------

    def _finish(
        self,
        rows: list[LabelBiasRow],
        findings: list[Finding],
        label_ratios: list[float],
        cfg: Settings,
        limit: float,
    ) -> CheckResult:
        status = worst_status([f.status for f in findings])
        label_gaps = sum(
            f.title.startswith("Label gap") and f.severity is self.default_severity
            for f in findings
        )
        amp_fails = sum(
            f.status is Status.FAIL and f.title.startswith("Model amplifies") for f in findings
        )
        judged = any(r.label_status in JUDGED for r in rows)
        lowest = f" Lowest label ratio {min(label_ratios):.2f}." if label_ratios else ""
        parts = []
        if amp_fails:
            parts.append(
                f"the model widens {amp_fails} group gap(s) by more than {100 * limit:.0f} points"
            )
        if label_gaps:
            parts.append(
                f"{label_gaps} significant gap(s) below {cfg.threshold:.2f} already in the labels"
            )
        if not judged:
            status = Status.WARN
            summary = no_evidence_summary(cfg)
        elif parts:
            summary = capital("; ".join(parts)) + "." + lowest
        elif status is Status.WARN:
            summary = "Label or amplification gaps without enough evidence to decide." + lowest
        else:
            summary = (
                f"No significant label gap below {cfg.threshold:.2f}, and the model does not "
                f"widen any gap by more than {100 * limit:.0f} points." + lowest
            )
        measured = DataBias(
            threshold=cfg.threshold,
            amplification_max=limit,
            alpha=cfg.alpha,
            confidence=cfg.confidence,
            groups=tuple(rows),
            distance_metrics=_DISTANCES,
            methods={
                "label_ratio": "positive-label share over the most-favoured group's; Katz "
                "interval; z-test or Fisher's exact test, Holm-corrected",
                "distances": "each group against all other rows (SageMaker Clarify "
                "pre-training metrics), in nats",
                "amplification": "selection-rate gap minus label gap to the same reference "
                "group, on the same rows; Wald interval and test from the confusion counts",
            },
        )
        red = (cfg.threshold - 0.4) / 0.6  # the threshold scores 40, as in fairness.*
        scoring = Scoring(
            score_input=ScoreInput(min(label_ratios), 1.0, red) if label_ratios else None,
            insufficient_evidence=status is Status.WARN and not label_ratios,
        )
        return self.result(status, summary, tuple(findings), scoring=scoring, measured=measured)
