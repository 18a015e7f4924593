"""Deeper fairness analyses: label bias, conditional disparity, mitigation preview, slices."""

from __future__ import annotations

from trustscan.checks.analyses.measured import (
    ConditionalDisparity,
    DataBias,
    MitigationPreview,
    SliceSearch,
)
from trustscan.checks.measured import Interval
from trustscan.report.formatting import (
    fmt,
    fmt_p,
    humanize,
    pct,
    table,
)
from trustscan.report.html.extras import (
    Extras,
    RenderContext,
    _with_interval,
)
from trustscan.types import CheckResult, measured_as

_NO_INTERVAL: Interval = (None, None)


def _ci(pair: Interval | None) -> Interval:
    return pair or _NO_INTERVAL


def _grouping(feature: str | None) -> str:
    return "all rows" if feature is None else feature


def render_data_bias(result: CheckResult, ctx: RenderContext) -> Extras:
    """The label gap beside the model's gap per group, then Clarify's label distances."""
    extras = Extras()
    rows = measured_as(result, DataBias).groups
    if not rows:
        return extras
    extras.tables.append(
        table(
            "Historical gap (labels) vs model gap (decisions), by group",
            [
                {
                    "grouping": _grouping(r.feature),
                    "group": r.group,
                    "n": r.n,
                    "label_rate": _with_interval(r.label_rate, *_ci(r.label_rate_ci), show=pct),
                    "label_ratio": _with_interval(r.label_ratio, *_ci(r.label_ratio_ci)),
                    "selection_rate": pct(r.selection_rate),
                    "model_ratio": fmt(r.model_ratio),
                    "amplification": _with_interval(
                        r.amplification, *_ci(r.amplification_ci), show=pct
                    ),
                    "status": r.status,
                }
                for r in rows
            ],
            headers={
                "label_rate": "Favourable labels [CI]",
                "label_ratio": "Label ratio [CI]",
                "selection_rate": "Model selection rate",
                "model_ratio": "Model ratio",
                "amplification": "Gap widened by [CI]",
            },
        )
    )
    extras.tables.append(
        table(
            "Label distribution of each group against the rest (pre-training metrics)",
            [
                {
                    "grouping": _grouping(r.feature),
                    "group": r.group,
                    "class_imbalance": r.class_imbalance,
                    "positive_proportion_difference": r.positive_proportion_difference,
                    "kl_divergence": r.kl_divergence,
                    "js_divergence": r.js_divergence,
                    "total_variation": r.total_variation,
                }
                for r in rows
            ],
            headers={
                "positive_proportion_difference": "DPL",
                "kl_divergence": "KL (nats)",
                "js_divergence": "JS (nats)",
                "total_variation": "TV = KS",
            },
        )
    )
    extras.consumed.update({"groups", "distance_metrics"})
    return extras


def render_conditional_disparity(result: CheckResult, ctx: RenderContext) -> Extras:
    """Unconditional and within-stratum gaps side by side, with what conditioning does."""
    extras = Extras()
    measured = measured_as(result, ConditionalDisparity)
    rows = measured.groups
    if not rows:
        return extras
    condition = measured.condition or "the stratum"
    labels = any(r.stored("cdd_labels") for r in rows)
    extras.tables.append(
        table(
            f"Gap overall vs within the same {condition}",
            [
                {
                    "grouping": _grouping(r.feature),
                    "group": r.group,
                    "n": r.n,
                    "ratio": _with_interval(r.ratio, *_ci(r.ratio_ci)),
                    "conditional_ratio": _with_interval(
                        r.conditional_ratio, *_ci(r.conditional_ratio_ci)
                    ),
                    "cmh_p": fmt_p(r.cmh_p_value_adjusted),
                    "dd": _with_interval(r.dd, *_ci(r.dd_ci)),
                    "cdd": _with_interval(r.cdd, *_ci(r.cdd_ci)),
                    **({"cdd_labels": fmt(r.cdd_labels)} if labels else {}),
                    "effect": r.effect,
                    "status": r.status,
                }
                for r in rows
            ],
            headers={
                "ratio": "Ratio overall [CI]",
                "conditional_ratio": f"Ratio within {condition} [CI]",
                "cmh_p": "CMH p (Holm)",
                "dd": "DD [CI]",
                "cdd": "CDD [CI]",
                "cdd_labels": "CDD of labels",
                "effect": "Conditioning",
            },
        )
    )
    extras.consumed.update({"groups", "strata"})
    return extras


def render_mitigation_preview(result: CheckResult, ctx: RenderContext) -> Extras:
    """Before / after group-specific thresholds on the held-out rows, one row per variant."""
    extras = Extras()
    measured = measured_as(result, MitigationPreview)
    rows = measured.variants
    if not rows:
        return extras
    extras.tables.append(
        table(
            f"Preview on {fmt(measured.held_out_rows)} held-out rows, by {measured.feature} "
            "(not a recommendation: see the caveat)",
            [
                {
                    "variant": r.variant,
                    "selection_rate_ratio": _with_interval(
                        r.selection_rate_ratio, *_ci(r.selection_rate_ratio_ci)
                    ),
                    "true_positive_rate_ratio": _with_interval(
                        r.true_positive_rate_ratio, *_ci(r.true_positive_rate_ratio_ci)
                    ),
                    "false_positive_rate_ratio": _with_interval(
                        r.false_positive_rate_ratio, *_ci(r.false_positive_rate_ratio_ci)
                    ),
                    "accuracy": _with_interval(r.accuracy, *_ci(r.accuracy_ci), show=pct),
                    "accuracy_change": _with_interval(
                        r.accuracy_change, *_ci(r.accuracy_change_ci), show=pct
                    ),
                    "balanced_accuracy": pct(r.balanced_accuracy),
                }
                for r in rows
            ],
            headers={
                "selection_rate_ratio": "Impact ratio [CI]",
                "true_positive_rate_ratio": "TPR ratio [CI]",
                "false_positive_rate_ratio": "FPR ratio [CI]",
                "accuracy": "Accuracy [CI]",
                "accuracy_change": "Accuracy change [CI]",
            },
        )
    )
    extras.consumed.update({"variants"})
    return extras


def render_slice_search(result: CheckResult, ctx: RenderContext) -> Extras:
    """Discovered subgroups with their held-out effect, interval and adjusted p-values."""
    extras = Extras()
    rows = measured_as(result, SliceSearch).slices
    if not rows:
        return extras
    extras.tables.append(
        table(
            "Discovered subgroups (held-out numbers; confirmed first)",
            [
                {
                    "group": f"{r.feature} = {r.group}",
                    "slice": r.slice,
                    "metric": humanize(str(r.metric)),
                    "rate": f"{pct(r.rate)} vs {pct(r.rest_rate)}",
                    "difference": _with_interval(r.difference, *_ci(r.difference_ci), show=pct),
                    "ratio": fmt(r.ratio),
                    "q": fmt_p(r.q_value_search),
                    "p": fmt_p(r.p_value_held_out_adjusted),
                    "status": r.status,
                }
                for r in rows
            ],
            headers={
                "slice": "Where",
                "rate": "Group vs others there",
                "difference": "Difference [CI]",
                "q": "BH q (search)",
                "p": "Held-out p (Holm)",
            },
            limit=10,
        )
    )
    extras.consumed.add("slices")
    return extras
