"""Sensitive inference: how well the output reveals an attribute, and which inputs are proxies."""

from __future__ import annotations

from trustscan.numbers.json_safe import finite as _num
from trustscan.report import charts
from trustscan.report.formatting import (
    STATUS_LABEL,
    badge,
    fmt,
    interval_of,
    table,
)
from trustscan.report.html.extras import (
    MAX_BARS,
    Extras,
    RenderContext,
    _describe,
    _tone,
    _with_interval,
    rows_of,
)
from trustscan.types import CheckResult


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
