"""Competence: overall performance, per-group gaps and calibration."""

from __future__ import annotations

from trustscan.numbers.json_safe import finite as _num
from trustscan.report import charts
from trustscan.report.formatting import (
    fmt,
    humanize,
    interval_of,
    table,
)
from trustscan.report.html.extras import (
    MAX_BARS,
    Extras,
    RenderContext,
    _describe,
    _domain_top,
    _grouping,
    _tone,
    _with_interval,
    rows_of,
)
from trustscan.types import CheckResult


def render_overall(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    rows = rows_of(result.metrics.get("metrics"))
    if not rows:
        return extras
    extras.tables.append(
        table(
            f"Performance on {fmt(result.metrics.get('n'))} labelled rows",
            [
                {
                    "metric": r.get("label") or humanize(str(r.get("metric"))),
                    "estimate": _with_interval(r.get("estimate"), *interval_of(r)),
                    "higher_is_better": r.get("higher_is_better"),
                }
                for r in rows
            ],
            headers={"estimate": "Estimate [CI]"},
        )
    )
    extras.consumed.add("metrics")
    return extras


def render_group_gap(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    m = result.metrics
    limit = _num(m.get("group_gap_max")) or ctx.threshold("performance", "group_gap_max", 0.05)
    gaps = [g for g in rows_of(m.get("gaps")) if _num(g.get("gap")) is not None]
    if gaps:
        bars = [
            charts.Bar(
                f"{humanize(str(g.get('metric')))} · {g.get('grouping')}",
                _num(g.get("gap")),
                *interval_of(g),
                tone=_tone(g.get("status")),
                note=f"{_with_interval(g.get('gap'), *interval_of(g))} · {g.get('worst_group')} vs "
                f"{g.get('best_group')}",
            )
            for g in sorted(gaps, key=lambda g: -(_num(g.get("gap")) or 0.0))[:MAX_BARS]
        ]
        extras.charts.append(
            charts.bar_chart(
                bars,
                title="Largest performance gap between groups",
                description=f"For each metric and grouping, the gap between the best and worst "
                f"judged group with its interval (limit {fmt(limit)}): " + _describe(bars),
                domain=(0.0, _domain_top([b.ci_high or b.value for b in bars], limit)),
                references=(charts.ReferenceLine(limit, f"limit {fmt(limit)}"),),
                caption="Gap between the best- and worst-served judged group, with its interval.",
                ident=ctx.chart_id(),
            )
        )
        extras.consumed.add("gaps")
    groups = rows_of(m.get("groups"))
    metrics = [k for k in m.get("gated_metrics") or () if isinstance(k, str)]
    if groups and metrics:
        extras.tables.append(
            table(
                "Performance by group [CI]",
                [
                    {
                        "grouping": _grouping(g),
                        "group": g.get("group"),
                        "n": g.get("n"),
                        **{k: _with_interval(g.get(k), *interval_of(g, k)) for k in metrics},
                        "judged": g.get("judged"),
                    }
                    for g in groups
                ],
                ["grouping", "group", "n", *metrics, "judged"],
                limit=60,
            )
        )
        extras.consumed.add("groups")
    return extras


def render_calibration(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    curves = rows_of(result.metrics.get("reliability"))
    series = []
    first_grouping = next((c.get("grouping") for c in curves if c.get("grouping")), None)
    for curve in curves:
        if curve.get("grouping") not in (None, first_grouping):
            continue
        points = tuple(
            (x, y)
            for b in rows_of(curve.get("bins"))
            if (x := _num(b.get("mean_predicted"))) is not None
            and (y := _num(b.get("observed_rate"))) is not None
        )
        if points:
            series.append(charts.Series(str(curve.get("group")), points))
    if series:
        series.append(charts.Series("perfect calibration", ((0.0, 0.0), (1.0, 1.0)), charts.MUTED))
        extras.charts.append(
            charts.line_chart(
                series,
                title="Calibration: predicted probability against observed rate",
                description="Reliability curves (mean predicted probability per bin against the "
                "observed positive rate); on the diagonal a score means what it says: "
                + "; ".join(
                    f"{s.name}: " + ", ".join(f"{fmt(x)}→{fmt(y)}" for x, y in s.points)
                    for s in series[:-1]
                ),
                x_label="mean predicted probability",
                caption="On the grey diagonal a predicted probability means what it says.",
                y_label="observed positive rate",
                ident=ctx.chart_id(),
            )
        )
        extras.consumed.add("reliability")
    ece = rows_of(result.metrics.get("ece"))
    if ece:
        extras.tables.append(
            table(
                "Expected calibration error by group",
                [
                    {
                        "grouping": _grouping(r),
                        "group": r.get("group"),
                        "n": r.get("n"),
                        "ece": _with_interval(r.get("ece"), *interval_of(r, "ece")),
                        "brier": r.get("brier"),
                        "judged": r.get("judged"),
                    }
                    for r in ece
                ],
                headers={"ece": "ECE [CI]", "brier": "Brier score"},
            )
        )
        extras.consumed.add("ece")
    return extras
