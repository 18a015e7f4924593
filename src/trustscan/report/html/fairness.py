"""The fairness checks: per-group rates with intervals, the four-fifths line, one table per attribute."""

from __future__ import annotations

from collections.abc import Sequence

from trustscan.checks.fairness.measured import FairnessRates, GroupRates
from trustscan.report import charts
from trustscan.report.formatting import (
    STATUS_LABEL,
    badge,
    fmt,
    humanize,
    key_value_table,
    pct,
)
from trustscan.report.html.extras import (
    Extras,
    RenderContext,
    _describe,
    _domain_top,
    _tone,
)
from trustscan.report.html.group_table import exclusion_label, group_tables
from trustscan.types import CheckResult, measured_as


def render_fairness(result: CheckResult, ctx: RenderContext) -> Extras:
    """Per-group rates with intervals, the four-fifths line, and intersections, read from
    the typed rows (``FairnessRates``)."""
    measured = measured_as(result, FairnessRates)
    extras = Extras()
    singles, inters = list(measured.groups), list(measured.intersections)
    if not measured.compared or not (singles or inters):
        return extras
    threshold = measured.threshold or ctx.threshold("fairness", "impact_ratio_min", 0.8)
    # Charts for the gated rates only (intersections under the first); every metric, gated,
    # reported or described, is a column of one compact table per attribute.
    for index, metric in enumerate(measured.compared):
        by_grouping: dict[str, list[GroupRates]] = {}
        for row in singles + (inters if index == 0 else []):
            by_grouping.setdefault(row.grouping or "all rows", []).append(row)
        for grouping, members in by_grouping.items():
            chart = _rate_chart(metric, grouping, members, threshold, ctx)
            if chart is not None:
                extras.charts.append(chart)
    extras.tables.extend(
        group_tables(
            singles + inters,
            gated=measured.compared,
            reported=measured.reported,
            described=measured.described,
            confidence=measured.confidence or 0.95,
        )
    )
    if measured.methods:
        extras.tables.append(
            key_value_table(
                "How these numbers were computed",
                [(humanize(k), v) for k, v in measured.methods.items()],
            )
        )
    extras.consumed |= {"groups", "intersections", "compared", "described", "reported", "methods"}
    return extras


def _rate_chart(
    metric: str,
    grouping: str,
    members: Sequence[GroupRates],
    threshold: float,
    ctx: RenderContext,
) -> charts.Chart | None:
    bars: list[charts.Bar] = []
    reference_rate: float | None = None
    reference_group = ""
    for row in members:
        estimate = row.rate(metric)
        rate = estimate.value
        if rate is None:
            continue
        low, high = estimate.ci or (None, None)
        status = estimate.status or row.status
        judged = row.gated and not estimate.excluded_reason
        if status == "reference":
            reference_rate, reference_group = rate, row.group
        ratio = estimate.ratio
        words = []
        if status == "reference":
            words.append("reference")
        elif ratio is not None:
            words.append(f"ratio {ratio:.2f}")
        if status in STATUS_LABEL:
            words.append(badge(str(status))["word"].lower())
        if not judged:
            reason = estimate.excluded_reason or row.excluded_reason
            words.append(exclusion_label(reason) if reason else "not judged")
        note = f"{pct(rate)} [{pct(low, 0)}–{pct(high, 0)}] n={fmt(row.n)}"
        if words:
            note += " · " + ", ".join(words)
        bars.append(
            charts.Bar(
                row.group,
                rate,
                low,
                high,
                "skip" if not judged else ("reference" if status == "reference" else _tone(status)),
                note,
                hatched=not judged,
            )
        )
    if not bars:
        return None
    if reference_rate is None:
        reference_rate = max(b.value or 0.0 for b in bars)
        reference_group = next(b.label for b in bars if b.value == reference_rate)
    line = reference_rate * threshold
    kind = "intersection" if "×" in grouping else "attribute"
    description = (
        f"{humanize(metric)} for each {grouping} group ({kind}) with its interval: "
        + _describe(bars)
        + f". The line marks {threshold:.0%} of the reference group's rate "
        f"({reference_group}, {pct(reference_rate)}): {pct(line)}; groups below it fail the "
        "four-fifths rule when the evidence is sufficient."
    )
    return charts.bar_chart(
        bars,
        title=f"{humanize(metric)} by {grouping}",
        description=description,
        domain=(0.0, _domain_top([b.ci_high or b.value for b in bars])),
        references=(charts.ReferenceLine(line, f"4/5 of {reference_group}: {pct(line)}"),),
        tick_format=".0%",
        plot_width=420.0,
        caption="Bars are rates, whiskers their intervals; the dashed line is four-fifths of the "
        "reference group's rate (hollow bar). Hatched bars: excluded from judgement (the note "
        "says why).",
        ident=ctx.chart_id(),
    )
