"""Explainability: importance, group importance, partial dependence, counterfactual flips, drivers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustscan.numbers.json_safe import finite as _num
from trustscan.report import charts
from trustscan.report.formatting import (
    fmt,
    humanize,
    interval_of,
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
    rows_of,
)
from trustscan.types import CheckResult


def render_importance(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    rows = [r for r in rows_of(result.metrics.get("importance")) if _num(r.get("mean")) is not None]
    if not rows:
        return extras
    ranked = sorted(rows, key=lambda r: -(_num(r.get("mean")) or 0.0))
    scoring = str(result.metrics.get("scoring") or "score")
    bars = []
    for r in ranked[:MAX_BARS]:
        feature = str(r.get("feature"))
        proxy_for = ctx.used_proxies.get(feature)
        note = _with_interval(r.get("mean"), *interval_of(r))
        bars.append(
            charts.Bar(
                feature,
                max(_num(r.get("mean")) or 0.0, 0.0),
                *interval_of(r),
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
                    "feature": r.get("feature"),
                    "importance": _with_interval(r.get("mean"), *interval_of(r)),
                    "std": r.get("std"),
                    "native": r.get("native"),
                }
                for r in ranked
            ],
            headers={
                "importance": f"Drop in {humanize(scoring)} [CI]",
                "native": f"Model's own ({result.metrics.get('native_method') or 'n/a'})",
            },
        )
    )
    extras.consumed.add("importance")
    return extras


def render_group_importance(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    per_attribute = result.metrics.get("group_importance")
    if isinstance(per_attribute, Mapping):
        for attribute, detail in per_attribute.items():
            if not isinstance(detail, Mapping):
                continue
            features = rows_of(detail.get("features"))
            labels: list[str] = []
            for f in features:
                for label in f.get("groups") or {}:
                    if label not in labels:
                        labels.append(str(label))
            if not features or not labels:
                continue
            extras.tables.append(
                table(
                    f"Importance of each input within each {attribute} group",
                    [
                        {
                            "feature": f.get("feature"),
                            **{
                                label: _with_interval(
                                    g.get("mean"), g.get("ci_low"), g.get("ci_high")
                                )
                                if isinstance(g := (f.get("groups") or {}).get(label), Mapping)
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
    extras.charts += partial_dependence(result.metrics.get("partial_dependence"), ctx)
    if extras.charts:
        extras.consumed.add("partial_dependence")
    return extras


def partial_dependence(curves: Any, ctx: RenderContext) -> list[charts.Chart]:
    """Small line charts: one per (attribute, feature), a line per group."""
    out = []
    for curve in rows_of(curves)[:MAX_PD_CHARTS]:
        grid = curve.get("grid")
        groups = curve.get("groups")
        if not isinstance(grid, list) or not isinstance(groups, Mapping) or not grid:
            continue
        numeric = all(is_number(x) for x in grid)
        xs = [float(x) for x in grid] if numeric else [float(i) for i in range(len(grid))]
        series = [
            charts.Series(
                str(label),
                tuple((x, float(y)) for x, y in zip(xs, values, strict=False) if is_number(y)),
            )
            for label, values in groups.items()
            if isinstance(values, list)
        ]
        series = [s for s in series if s.points]
        if not series:
            continue
        feature, attribute = curve.get("feature"), curve.get("attribute")
        response = str(curve.get("response") or "average score")
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
    attributes = result.metrics.get("attributes")
    if not isinstance(attributes, Mapping) or not attributes:
        return extras
    rows, group_rows = [], []
    for attribute, detail in attributes.items():
        if not isinstance(detail, Mapping):
            continue
        carriers = detail.get("encoded_as") or []
        rows.append(
            {
                "attribute": attribute,
                "model_input": detail.get("input"),
                "encoded_as": ", ".join(str(c) for c in carriers) if carriers else "—",
                "rows_tested": detail.get("sample_size"),
                "flip_rate": _with_interval(detail.get("flip_rate"), *interval_of(detail), show=pct)
                if detail.get("input")
                else "not an input: nothing to flip",
            }
        )
        for g in rows_of(detail.get("groups")):
            group_rows.append(
                {
                    "attribute": attribute,
                    "group": g.get("group"),
                    "changed_to": g.get("to"),
                    "n": g.get("n"),
                    "flip_rate": _with_interval(g.get("flip_rate"), *interval_of(g), show=pct),
                    "mean_score_shift": g.get("mean_score_shift"),
                    "judged": g.get("judged"),
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
    drivers = result.metrics.get("drivers")
    if not isinstance(drivers, Mapping) or not drivers:
        return extras
    threshold = ctx.threshold("fairness", "impact_ratio_min", 0.8)
    summary_rows = []
    for attribute, detail in drivers.items():
        if not isinstance(detail, Mapping):
            continue
        if not detail.get("analysed"):
            summary_rows.append(
                {"attribute": attribute, "impact_ratio": "—", "note": detail.get("reason")}
            )
            continue
        before: Mapping[str, Any] = (
            detail["before"] if isinstance(detail.get("before"), Mapping) else {}
        )
        summary_rows.append(
            {
                "attribute": attribute,
                "impact_ratio": _with_interval(before.get("ratio"), *interval_of(before)),
                "lowest_group": before.get("lowest_group"),
                "highest_group": before.get("highest_group"),
                "rows": detail.get("sample_size"),
            }
        )
        ranking = [
            r for r in rows_of(detail.get("ranking")) if _num(r.get("after_ratio")) is not None
        ]
        if not ranking:
            continue
        ratio = _num(before.get("ratio"))
        bars = [
            charts.Bar(
                str(r.get("feature")),
                _num(r.get("after_ratio")),
                _num(r.get("after_ci_low")),
                _num(r.get("after_ci_high")),
                tone="pass" if (_num(r.get("after_ratio")) or 0) >= threshold else "neutral",
                note=f"ratio {_with_interval(r.get('after_ratio'), r.get('after_ci_low'), r.get('after_ci_high'))}"
                + (
                    f" · closes {pct(r.get('gap_closed'), 0)} of the gap"
                    if _num(r.get("gap_closed")) is not None
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
