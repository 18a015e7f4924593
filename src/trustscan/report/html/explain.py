"""Explainability: importance, group importance, partial dependence, counterfactual flips, drivers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trustscan.checks.explain.measured import (
    Counterfactual,
    DependenceCurve,
    DisparityDrivers,
    GroupImportance,
    ImpactRatio,
    Importance,
)
from trustscan.report import charts
from trustscan.report.formatting import (
    fmt,
    humanize,
    is_number,
    pct,
    table,
)
from trustscan.report.html.extras import (
    MAX_BARS,
    MAX_PD_CHARTS,
    Extras,
    RenderContext,
    _describe,
    _domain_top,
    _with_interval,
)
from trustscan.types import CheckResult, measured_as


def render_importance(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    measured = measured_as(result, Importance)
    rows = [r for r in measured.rows if r.mean is not None]
    if not rows:
        return extras
    ranked = sorted(rows, key=lambda r: -(r.mean or 0.0))
    scoring = measured.scoring or "score"
    bars = []
    for r in ranked[:MAX_BARS]:
        feature = str(r.feature)
        proxy_for = ctx.used_proxies.get(feature)
        note = _with_interval(r.mean, *r.ci)
        bars.append(
            charts.Bar(
                feature,
                max(r.mean or 0.0, 0.0),
                *r.ci,
                tone="warn" if proxy_for else "neutral",
                note=note + (f" · proxy for {proxy_for}" if proxy_for else ""),
            )
        )
    extras.charts.append(
        charts.bar_chart(
            bars,
            title="Which inputs drive the model (permutation importance)",
            description=f"Drop in {humanize(scoring)} when each input is shuffled, with its "
            "interval; larger means the model relies on it more: " + _describe(bars),
            domain=(0.0, _domain_top([b.ci_high or b.value for b in bars])),
            tick_format=".3g",
            caption=f"How much {humanize(scoring)} drops when an input is shuffled; longer bars "
            "matter more. Orange: a used proxy for a sensitive attribute (see Sensitive "
            "inference).",
            ident=ctx.chart_id(),
        )
    )
    extras.tables.append(
        table(
            "Feature importance",
            [
                {
                    "feature": r.feature,
                    "importance": _with_interval(r.mean, *r.ci),
                    "std": r.std,
                    "native": r.native,
                }
                for r in ranked
            ],
            headers={
                "importance": f"Drop in {humanize(scoring)} [CI]",
                "native": f"Model's own ({measured.native_method or 'n/a'})",
            },
        )
    )
    extras.consumed.add("importance")
    return extras


def render_group_importance(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    measured = measured_as(result, GroupImportance)
    for attribute, detail in measured.attributes.items():
        features = detail.features
        labels: list[str] = []
        for f in features:
            for label in f.groups:
                if label not in labels:
                    labels.append(label)
        if not features or not labels:
            continue
        extras.tables.append(
            table(
                f"Importance of each input within each {attribute} group",
                [
                    {
                        "feature": f.feature,
                        **{
                            label: _with_interval(g.mean, *g.ci)
                            if (g := f.groups.get(label)) is not None
                            else "—"
                            for label in labels
                        },
                    }
                    for f in features
                ],
                ["feature", *labels],
                headers={label: label for label in labels},
            )
        )
    extras.consumed.add("group_importance")
    extras.charts += partial_dependence(measured.curves, ctx)
    if extras.charts:
        extras.consumed.add("partial_dependence")
    return extras


def partial_dependence(curves: Sequence[DependenceCurve], ctx: RenderContext) -> list[charts.Chart]:
    """Small line charts: one per (attribute, feature), a line per group."""
    out = []
    for curve in curves[:MAX_PD_CHARTS]:
        grid = curve.grid
        if not grid or not curve.groups:
            continue
        numeric = all(is_number(x) for x in grid)
        xs = [float(x) for x in grid] if numeric else [float(i) for i in range(len(grid))]
        series = [
            charts.Series(
                label,
                tuple((x, y) for x, y in zip(xs, values, strict=False) if y is not None),
            )
            for label, values in curve.groups.items()
        ]
        series = [s for s in series if s.points]
        if not series:
            continue
        feature, attribute = curve.feature, curve.attribute
        response = curve.response or "average score"
        labels = {float(i): str(v) for i, v in enumerate(grid)}

        def x_format(
            value: float, numeric: bool = numeric, labels: dict[float, str] = labels
        ) -> str:
            return f"{value:.3g}" if numeric else labels.get(round(value), "")

        out.append(
            charts.line_chart(
                series,
                title=f"Partial dependence on {feature}"
                + (f", by {attribute}" if attribute else ""),
                description=f"Average {response} as {feature} is set to each value, per "
                f"{attribute or 'group'}: "
                + "; ".join(
                    f"{s.name} from {fmt(s.points[0][1])} to {fmt(s.points[-1][1])}" for s in series
                ),
                x_label=str(feature),
                caption="Lines far apart mean the input affects groups differently.",
                y_label=response,
                x_format=x_format,
                ident=ctx.chart_id(),
            )
        )
    return out


def render_counterfactual(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    attributes = measured_as(result, Counterfactual).attributes
    if not attributes:
        return extras
    rows, group_rows = [], []
    for attribute, detail in attributes.items():
        carriers = detail.encoded_as
        rows.append(
            {
                "attribute": attribute,
                "model_input": detail.input,
                "encoded_as": ", ".join(carriers) if carriers else "—",
                "rows_tested": detail.sample_size,
                "flip_rate": _with_interval(detail.flip_rate, *detail.ci, show=pct)
                if detail.input
                else "not an input: nothing to flip",
            }
        )
        for g in detail.groups:
            group_rows.append(
                {
                    "attribute": attribute,
                    "group": g.group,
                    "changed_to": {label: t.to_row() for label, t in g.to.items()},
                    "n": g.n,
                    "flip_rate": _with_interval(g.flip_rate, *g.ci, show=pct),
                    "mean_score_shift": g.mean_score_shift,
                    "judged": g.judged,
                }
            )
    extras.tables.append(
        table(
            "Flip test: share of decisions that change when only the sensitive attribute changes",
            rows,
            headers={"flip_rate": "Decisions flipped [CI]", "model_input": "Model input"},
        )
    )
    if group_rows:
        extras.tables.append(
            table("Flip test by group", group_rows, headers={"flip_rate": "Flipped [CI]"})
        )
    extras.consumed.add("attributes")
    return extras


def render_disparity_drivers(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    drivers = measured_as(result, DisparityDrivers).attributes
    if not drivers:
        return extras
    threshold = ctx.threshold("fairness", "impact_ratio_min", 0.8)
    summary_rows: list[dict[str, Any]] = []
    for attribute, detail in drivers.items():
        if not detail.analysed:
            summary_rows.append(
                {"attribute": attribute, "impact_ratio": "—", "note": detail.reason}
            )
            continue
        before = detail.before or ImpactRatio()
        summary_rows.append(
            {
                "attribute": attribute,
                "impact_ratio": _with_interval(before.ratio, *before.ci),
                "lowest_group": before.lowest_group,
                "highest_group": before.highest_group,
                "rows": detail.sample_size,
            }
        )
        ranking = [r for r in detail.ranking if r.after_ratio is not None]
        if not ranking:
            continue
        ratio = before.ratio
        bars = [
            charts.Bar(
                str(r.feature),
                r.after_ratio,
                r.after_ci_low,
                r.after_ci_high,
                tone="pass" if (r.after_ratio or 0) >= threshold else "neutral",
                note=f"ratio {_with_interval(r.after_ratio, r.after_ci_low, r.after_ci_high)}"
                + (
                    f" · closes {pct(r.gap_closed, 0)} of the gap"
                    if r.gap_closed is not None
                    else ""
                ),
            )
            for r in ranking[:MAX_BARS]
        ]
        references = [charts.ReferenceLine(threshold, f"4/5 rule {fmt(threshold)}")]
        if ratio is not None:
            references.append(charts.ReferenceLine(ratio, f"now {fmt(ratio)}", dashed=False))
        extras.charts.append(
            charts.bar_chart(
                bars,
                title=f"Impact ratio for {attribute} if each input were neutralised",
                description=f"The {attribute} impact ratio is {fmt(ratio)} now; each bar is the ratio "
                "after resampling that one input from the pooled distribution (the further right, the "
                "more of the gap the input explains): " + _describe(bars),
                domain=(0.0, max(1.0, _domain_top([b.ci_high for b in bars]))),
                references=references,
                dots=True,
                caption="Each dot is the impact ratio if that one input carried no group "
                "information; inputs far to the right of 'now' explain the gap.",
                ident=ctx.chart_id(),
            )
        )
    if summary_rows:
        extras.tables.insert(
            0,
            table(
                "Gap analysed per attribute",
                summary_rows,
                headers={"impact_ratio": "Impact ratio [CI]"},
            ),
        )
    extras.consumed.add("drivers")
    return extras
