"""Competence: overall performance, per-group gaps and calibration."""

from __future__ import annotations

from trustscan.checks.performance.measured import Calibration, GroupGaps, Overall
from trustscan.report import charts
from trustscan.report.formatting import (
    fmt,
    humanize,
    table,
)
from trustscan.report.html.extras import (
    MAX_BARS,
    Extras,
    RenderContext,
    _describe,
    _domain_top,
    _tone,
    _with_interval,
)
from trustscan.types import CheckResult, measured_as


def render_overall(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    measured = measured_as(result, Overall)
    if not measured.estimates:
        return extras
    extras.tables.append(
        table(
            f"Performance on {fmt(measured.n)} labelled rows",
            [
                {
                    "metric": e.label or humanize(str(e.metric)),
                    "estimate": _with_interval(e.estimate, e.ci_low, e.ci_high),
                    "higher_is_better": e.higher_is_better,
                }
                for e in measured.estimates
            ],
            headers={"estimate": "Estimate [CI]"},
        )
    )
    extras.consumed.add("metrics")
    return extras


def render_group_gap(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    measured = measured_as(result, GroupGaps)
    limit = measured.group_gap_max or ctx.threshold("performance", "group_gap_max", 0.05)
    gaps = [g for g in measured.gaps if g.gap is not None]
    if gaps:
        bars = [
            charts.Bar(
                f"{humanize(str(g.metric))} · {g.grouping}",
                g.gap,
                g.ci_low,
                g.ci_high,
                tone=_tone(g.status),
                note=f"{_with_interval(g.gap, g.ci_low, g.ci_high)} · {g.worst_group} vs "
                f"{g.best_group}",
            )
            for g in sorted(gaps, key=lambda g: -(g.gap or 0.0))[:MAX_BARS]
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
    metrics = measured.gated_metrics
    if measured.groups and metrics:
        extras.tables.append(
            table(
                "Performance by group [CI]",
                [
                    {
                        "grouping": g.grouping or "all rows",
                        "group": g.group,
                        "n": g.n,
                        **{
                            k: _with_interval(
                                g.values.get(k), *(g.intervals.get(k) or (None, None))
                            )
                            for k in metrics
                        },
                        "judged": g.judged,
                    }
                    for g in measured.groups
                ],
                ["grouping", "group", "n", *metrics, "judged"],
                limit=60,
            )
        )
        extras.consumed.add("groups")
    return extras


def render_calibration(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    measured = measured_as(result, Calibration)
    series = []
    first_grouping = next((c.grouping for c in measured.reliability if c.grouping), None)
    for curve in measured.reliability:
        if curve.grouping not in (None, first_grouping):
            continue
        points = tuple(
            (b.mean_predicted, b.observed_rate)
            for b in curve.bins
            if b.mean_predicted is not None and b.observed_rate is not None
        )
        if points:
            series.append(charts.Series(curve.group, points))
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
    if measured.ece:
        extras.tables.append(
            table(
                "Expected calibration error by group",
                [
                    {
                        "grouping": r.grouping or "all rows",
                        "group": r.group,
                        "n": r.n,
                        "ece": _with_interval(r.ece, *(r.ece_ci or (None, None))),
                        "brier": r.brier,
                        "judged": r.judged,
                    }
                    for r in measured.ece
                ],
                headers={"ece": "ECE [CI]", "brier": "Brier score"},
            )
        )
        extras.consumed.add("ece")
    return extras
