"""Deeper fairness analyses: label bias, conditional disparity, mitigation preview, slices."""

from __future__ import annotations

from trustscan.numbers.json_safe import finite as _num
from trustscan.report.formatting import (
    fmt,
    fmt_p,
    humanize,
    interval_of,
    pct,
    table,
)
from trustscan.report.html.extras import (
    Extras,
    RenderContext,
    _grouping,
    _with_interval,
    rows_of,
)
from trustscan.types import CheckResult


def render_data_bias(result: CheckResult, ctx: RenderContext) -> Extras:
    """The label gap beside the model's gap per group, then Clarify's label distances."""
    extras = Extras()
    rows = rows_of(result.metrics.get("groups"))
    if not rows:
        return extras
    extras.tables.append(
        table(
            "Historical gap (labels) vs model gap (decisions), by group",
            [
                {
                    "grouping": _grouping(r),
                    "group": r.get("group"),
                    "n": r.get("n"),
                    "label_rate": _with_interval(
                        r.get("label_rate"), *interval_of(r, "label_rate"), show=pct
                    ),
                    "label_ratio": _with_interval(
                        r.get("label_ratio"), *interval_of(r, "label_ratio")
                    ),
                    "selection_rate": pct(r.get("selection_rate")),
                    "model_ratio": fmt(r.get("model_ratio")),
                    "amplification": _with_interval(
                        r.get("amplification"), *interval_of(r, "amplification"), show=pct
                    ),
                    "status": r.get("status"),
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
                    "grouping": _grouping(r),
                    "group": r.get("group"),
                    **{
                        k: r.get(k)
                        for k in (
                            "class_imbalance",
                            "positive_proportion_difference",
                            "kl_divergence",
                            "js_divergence",
                            "total_variation",
                        )
                    },
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
    rows = rows_of(result.metrics.get("groups"))
    if not rows:
        return extras
    condition = str(result.metrics.get("condition") or "the stratum")
    labels = any("cdd_labels" in r for r in rows)
    extras.tables.append(
        table(
            f"Gap overall vs within the same {condition}",
            [
                {
                    "grouping": _grouping(r),
                    "group": r.get("group"),
                    "n": r.get("n"),
                    "ratio": _with_interval(r.get("ratio"), *interval_of(r, "ratio")),
                    "conditional_ratio": _with_interval(
                        r.get("conditional_ratio"), *interval_of(r, "conditional_ratio")
                    ),
                    "cmh_p": fmt_p(_num(r.get("cmh_p_value_adjusted"))),
                    "dd": _with_interval(r.get("dd"), *interval_of(r, "dd")),
                    "cdd": _with_interval(r.get("cdd"), *interval_of(r, "cdd")),
                    **({"cdd_labels": fmt(r.get("cdd_labels"))} if labels else {}),
                    "effect": r.get("effect"),
                    "status": r.get("status"),
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
    m = result.metrics
    rows = rows_of(m.get("variants"))
    if not rows:
        return extras
    extras.tables.append(
        table(
            f"Preview on {fmt(m.get('held_out_rows'))} held-out rows, by {m.get('feature')} "
            "(not a recommendation: see the caveat)",
            [
                {
                    "variant": r.get("variant"),
                    **{
                        k: _with_interval(r.get(k), *interval_of(r, k))
                        for k in (
                            "selection_rate_ratio",
                            "true_positive_rate_ratio",
                            "false_positive_rate_ratio",
                        )
                    },
                    "accuracy": _with_interval(
                        r.get("accuracy"), *interval_of(r, "accuracy"), show=pct
                    ),
                    "accuracy_change": _with_interval(
                        r.get("accuracy_change"), *interval_of(r, "accuracy_change"), show=pct
                    ),
                    "balanced_accuracy": pct(r.get("balanced_accuracy")),
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
    rows = rows_of(result.metrics.get("slices"))
    if not rows:
        return extras
    extras.tables.append(
        table(
            "Discovered subgroups (held-out numbers; confirmed first)",
            [
                {
                    "group": f"{r.get('feature')} = {r.get('group')}",
                    "slice": r.get("slice"),
                    "metric": humanize(str(r.get("metric"))),
                    "rate": f"{pct(r.get('rate'))} vs {pct(r.get('rest_rate'))}",
                    "difference": _with_interval(
                        r.get("difference"), *interval_of(r, "difference"), show=pct
                    ),
                    "ratio": fmt(r.get("ratio")),
                    "q": fmt_p(_num(r.get("q_value_search"))),
                    "p": fmt_p(_num(r.get("p_value_held_out_adjusted"))),
                    "status": r.get("status"),
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
