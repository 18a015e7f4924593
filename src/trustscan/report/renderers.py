"""Richer views of checks whose metrics the report recognises: charts plus curated tables.

Each renderer reads only keys it knows, tolerates missing ones, and names the metrics it used
(``consumed``) so the generic tables skip them. Anything it does not use still reaches the
report through ``formatting.generic_tables``. A renderer that meets an unexpected shape raises
(KeyError/TypeError/ValueError) and the presenter falls back to the generic view.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks import registry
from trustscan.checks.fairness.measured import FairnessRates, GroupRates
from trustscan.checks.spec import load_attribute
from trustscan.numbers.json_safe import finite as _num
from trustscan.report import charts
from trustscan.report.formatting import (
    STATUS_LABEL,
    badge,
    fmt,
    fmt_p,
    humanize,
    interval_of,
    is_number,
    key_value_table,
    pct,
    table,
)
from trustscan.report.html.group_table import exclusion_label, group_tables
from trustscan.types import CheckResult

MAX_BARS = 15
MAX_PD_CHARTS = 4


@dataclass
class RenderContext:
    """State shared while presenting one report: policy values and unique chart ids."""

    policy: Mapping[str, Any]
    used_proxies: Mapping[str, str] = field(default_factory=dict)
    """Feature -> sensitive attribute it stands in for (from leakage.proxy_features)."""
    _next_id: int = 0

    def chart_id(self) -> str:
        self._next_id += 1
        return f"chart{self._next_id}"

    def threshold(self, section: str, key: str, default: float) -> float:
        family = self.policy.get(section)
        value = family.get(key) if isinstance(family, Mapping) else None
        number = _num(value)
        return default if number is None else number


@dataclass
class Extras:
    """What a richer renderer adds to a check's block."""

    charts: list[charts.Chart] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)


Renderer = Callable[[CheckResult, RenderContext], Extras]


# --------------------------------------------------------------------------- helpers


def rows_of(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        return value
    return []


def _tone(status: Any) -> str:
    return status if isinstance(status, str) and status in STATUS_LABEL else "neutral"


def _with_interval(value: Any, low: Any, high: Any, show: Callable[[Any], str] = fmt) -> str:
    if _num(value) is None:
        return "—"
    if _num(low) is None or _num(high) is None:
        return show(value)
    return f"{show(value)} [{show(low)}–{show(high)}]"


def _grouping(row: Mapping[str, Any]) -> str:
    value = row.get("feature", row.get("grouping", row.get("attribute")))
    return "all rows" if value is None else str(value)


def _by_grouping(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(_grouping(row), []).append(row)
    return grouped


def _describe(bars: Sequence[charts.Bar]) -> str:
    return "; ".join(f"{b.label}: {b.note}" for b in bars)


def _domain_top(values: Sequence[float | None], floor: float = 0.0) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return charts._nice_ceiling(max([floor, *finite]) or 1.0)


# --------------------------------------------------------------------------- fairness


def render_fairness(result: CheckResult, ctx: RenderContext) -> Extras:
    """Per-group rates with intervals, the four-fifths line, and intersections, read from
    the typed rows (``FairnessRates``)."""
    measured = FairnessRates.from_metrics(result.metrics)
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


# --------------------------------------------------------------------------- sensitive inference


def render_output_inference(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    rows = rows_of(result.metrics.get("attributes"))
    if not rows:
        return extras
    warn = ctx.threshold("leakage", "auc_warn", 0.65)
    fail = ctx.threshold("leakage", "auc_fail", 0.75)
    bars = []
    for r in rows:
        low, high = interval_of(r)
        status = r.get("status")
        word = f" · {badge(status)['word'].lower()}" if status in STATUS_LABEL else ""
        bars.append(
            charts.Bar(
                str(r.get("attribute")),
                _num(r.get("auc")),
                low,
                high,
                _tone(status),
                f"AUC {_with_interval(r.get('auc'), low, high)} · n={fmt(r.get('n'))}{word}",
            )
        )
    output = result.metrics.get("output") or "output"
    extras.charts.append(
        charts.bar_chart(
            bars,
            title=f"How well the model's {output} predicts each sensitive attribute",
            description=f"ROC AUC of the model's {output} for each sensitive attribute, with its "
            f"interval (0.5 reveals nothing, 1 identifies perfectly; warning at {fmt(warn)}, "
            f"failure when the lower bound reaches {fmt(fail)}): " + _describe(bars),
            domain=(0.5, 1.0),
            references=(
                charts.ReferenceLine(warn, f"warn {fmt(warn)}"),
                charts.ReferenceLine(fail, f"fail {fmt(fail)}", dashed=False),
            ),
            dots=True,
            caption="0.5 means the output reveals nothing about the attribute; 1 means it "
            "identifies it perfectly. Whiskers are intervals.",
            ident=ctx.chart_id(),
        )
    )
    extras.tables.append(
        table(
            "Output leakage by attribute",
            [
                {
                    "attribute": r.get("attribute"),
                    "category": r.get("category"),
                    "auc": _with_interval(r.get("auc"), *interval_of(r)),
                    "ks_advantage": r.get("ks_advantage"),
                    "n": r.get("n"),
                    "legal_basis": r.get("justification"),
                    "status": r.get("status"),
                }
                for r in rows
            ],
            headers={"auc": "AUC [CI]", "ks_advantage": "KS advantage"},
        )
    )
    groups = rows_of(result.metrics.get("groups"))
    if groups:
        extras.tables.append(
            table(
                "Per group: how well the output singles out each group",
                [
                    {
                        "attribute": g.get("attribute"),
                        "group": g.get("group"),
                        "n": g.get("n"),
                        "auc": _with_interval(g.get("auc"), *interval_of(g)),
                        "ks_advantage": g.get("ks_advantage"),
                        "higher_output": g.get("higher_output"),
                        "enough_rows": not g.get("insufficient_evidence"),
                    }
                    for g in groups
                ],
                headers={
                    "auc": "AUC [CI]",
                    "higher_output": "Scored higher",
                    "enough_rows": "Enough rows",
                },
            )
        )
    extras.consumed |= {"attributes", "groups"}
    return extras


def render_proxy_features(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    rows = rows_of(result.metrics.get("features"))
    if not rows:
        return extras
    used = [r for r in rows if r.get("used_proxy") or r.get("associated")][:MAX_BARS]
    if used:
        bars = [
            charts.Bar(
                f"{r.get('feature')} → {r.get('attribute')}",
                _num(r.get("auc")),
                *interval_of(r),
                tone="fail" if r.get("used_proxy") else "warn",
                note=f"AUC {_with_interval(r.get('auc'), *interval_of(r))} · NMI {fmt(r.get('nmi'))} · "
                + ("used proxy" if r.get("used_proxy") else "associated, little influence"),
            )
            for r in used
        ]
        warn = ctx.threshold("leakage", "auc_warn", 0.65)
        extras.charts.append(
            charts.bar_chart(
                bars,
                title="Inputs associated with a sensitive attribute",
                description="How well each associated input predicts a sensitive attribute on its "
                f"own (AUC; warning level {fmt(warn)}), and whether the model uses it: "
                + _describe(bars),
                domain=(0.5, 1.0),
                references=(charts.ReferenceLine(warn, f"associated {fmt(warn)}"),),
                dots=True,
                caption="Each dot is how well one input alone predicts the attribute; used "
                "proxies are both associated and influential in the model.",
                ident=ctx.chart_id(),
            )
        )
    extras.tables.append(
        table(
            "Every input against every sensitive attribute (used proxies first)",
            [
                {
                    "feature": r.get("feature"),
                    "attribute": r.get("attribute"),
                    "auc": _with_interval(r.get("auc"), *interval_of(r)),
                    "nmi": r.get("nmi"),
                    "influence": r.get("influence"),
                    "associated": r.get("associated"),
                    "influential": r.get("influential"),
                    "used_proxy": r.get("used_proxy"),
                }
                for r in rows
            ],
            headers={
                "auc": "AUC [CI]",
                "influence": "Decisions changed when permuted",
                "used_proxy": "Used proxy",
            },
            limit=60,
        )
    )
    probes = rows_of(result.metrics.get("probes"))
    if probes:
        extras.tables.append(
            table(
                "Can all inputs together recover the attribute? (probe model)",
                [
                    {
                        "attribute": p.get("attribute"),
                        "auc": _with_interval(p.get("auc"), *interval_of(p)),
                        "n": p.get("n"),
                        "features": p.get("features"),
                        "status": p.get("status"),
                        "method": p.get("method"),
                    }
                    for p in probes
                ],
                headers={"auc": "AUC [CI]", "features": "Inputs used"},
            )
        )
    extras.consumed |= {"features", "probes"}
    return extras


# --------------------------------------------------------------------------- explainability


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


# --------------------------------------------------------------------------- competence


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


# --------------------------------------------------------------------------- analyses


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


def render_provenance(result: CheckResult, ctx: RenderContext) -> Extras:
    """The traceability section already shows hashes and the environment."""
    return Extras(consumed={"sha256", "files", "versions", "platform", "command_line"})


def render_consequence_scan(result: CheckResult, ctx: RenderContext) -> Extras:
    """The Consequence Scan section already shows the entries and the uncovered findings."""
    return Extras(consumed={"uncovered", "consequences"})


def render(result: CheckResult, ctx: RenderContext) -> Extras:
    """The richer view the check's declaration names (empty for the generic view)."""
    spec = registry.spec_by_id(result.check_id)
    if spec is None or spec.renderer is None or not result.metrics:
        return Extras()
    renderer: Renderer = load_attribute(spec.renderer)
    return renderer(result, ctx)


__all__ = ["Extras", "RenderContext", "Renderer", "render"]
