"""Sensitive inference: how well the output reveals an attribute, and which inputs are proxies."""

from __future__ import annotations

from trustscan.checks.leakage.measured import OutputInference, ProxyFeatures
from trustscan.report import charts
from trustscan.report.formatting import (
    STATUS_LABEL,
    badge,
    fmt,
    table,
)
from trustscan.report.html.extras import (
    MAX_BARS,
    Extras,
    RenderContext,
    _describe,
    _tone,
    _with_interval,
)
from trustscan.types import CheckResult, measured_as


def render_output_inference(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    measured = measured_as(result, OutputInference)
    rows = measured.attributes
    if not rows:
        return extras
    warn = ctx.threshold("leakage", "auc_warn", 0.65)
    fail = ctx.threshold("leakage", "auc_fail", 0.75)
    bars = []
    for r in rows:
        low, high = r.ci
        status = r.status
        word = f" · {badge(status)['word'].lower()}" if status in STATUS_LABEL else ""
        bars.append(
            charts.Bar(
                str(r.attribute),
                r.auc,
                low,
                high,
                _tone(status),
                f"AUC {_with_interval(r.auc, low, high)} · n={fmt(r.n)}{word}",
            )
        )
    output = measured.output or "output"
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
                    "attribute": r.attribute,
                    "category": r.category,
                    "auc": _with_interval(r.auc, *r.ci),
                    "ks_advantage": r.ks_advantage,
                    "n": r.n,
                    "legal_basis": r.justification,
                    "status": r.status,
                }
                for r in rows
            ],
            headers={"auc": "AUC [CI]", "ks_advantage": "KS advantage"},
        )
    )
    groups = measured.groups
    if groups:
        extras.tables.append(
            table(
                "Per group: how well the output singles out each group",
                [
                    {
                        "attribute": g.attribute,
                        "group": g.group,
                        "n": g.n,
                        "auc": _with_interval(g.auc, *g.ci),
                        "ks_advantage": g.ks_advantage,
                        "higher_output": g.higher_output,
                        "enough_rows": not g.insufficient_evidence,
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
    measured = measured_as(result, ProxyFeatures)
    rows = measured.features
    if not rows:
        return extras
    used = [r for r in rows if r.used_proxy or r.associated][:MAX_BARS]
    if used:
        bars = [
            charts.Bar(
                f"{r.feature} → {r.attribute}",
                r.auc,
                *r.ci,
                tone="fail" if r.used_proxy else "warn",
                note=f"AUC {_with_interval(r.auc, *r.ci)} · NMI {fmt(r.nmi)} · "
                + ("used proxy" if r.used_proxy else "associated, little influence"),
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
                    "feature": r.feature,
                    "attribute": r.attribute,
                    "auc": _with_interval(r.auc, *r.ci),
                    "nmi": r.nmi,
                    "influence": r.influence,
                    "associated": r.associated,
                    "influential": r.influential,
                    "used_proxy": r.used_proxy,
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
    probes = measured.probes
    if probes:
        extras.tables.append(
            table(
                "Can all inputs together recover the attribute? (probe model)",
                [
                    {
                        "attribute": p.attribute,
                        "auc": _with_interval(p.auc, *p.ci),
                        "n": p.n,
                        "features": p.features,
                        "status": p.status,
                        "method": p.method,
                    }
                    for p in probes
                ],
                headers={"auc": "AUC [CI]", "features": "Inputs used"},
            )
        )
    extras.consumed |= {"features", "probes"}
    return extras
