"""The HTML report's view model: a ``Report`` in, plain dicts, lists and strings out.

The template only loops and prints what this module prepares. Every section renders any
check generically from its status, summary, findings and metrics (lists of rows become tables),
and adds richer charts when it recognises a check's metric keys; a check that did not run says
why. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustscan.checks import registry
from trustscan.checks.leakage.measured import ProxyFeatures
from trustscan.report import charts
from trustscan.report.formatting import (
    STATUS_RANK,
    badge,
    describe_evidence,
    fmt,
    generic_tables,
)
from trustscan.report.html import renderers, summary
from trustscan.report.html.governance import consequence_view, traceability_view
from trustscan.report.html.methodology import methodology_view
from trustscan.report.html.renderers import Extras, RenderContext
from trustscan.report.html.sections import (
    OTHER,
    SECTIONS,
    registered_checks,
    section_of,
)
from trustscan.report.ranking import fold_by_subject
from trustscan.report.text import headline_line, incomplete_line
from trustscan.serialize import to_jsonable
from trustscan.types import CheckResult, Dimension, Finding, Report, Status, measured_as

MAX_OPEN_FINDINGS = 6
"""Problem findings shown in full per check; the rest are listed under "more findings"."""


DIMENSION_HELP = {
    "ethics": "fairness and sensitive inference",
    "integrity": "data quality and compatibility",
    "openness": "explainability and documentation",
    "accountability": "provenance and consequence scan",
    "competence": "accuracy, per-group performance, calibration",
    "consistency": "determinism, robustness, drift from baseline",
}


# --------------------------------------------------------------------------- check blocks


def finding_view(finding: Finding) -> dict[str, Any]:
    return {
        "badge": badge(finding.status.value),
        "severity": finding.severity.label,
        "title": finding.title,
        "message": finding.message,
        "subject": finding.subject or "",
        # Titles such as "gap: gender = female" already name their subject.
        "subject_shown": ""
        if not finding.subject or finding.subject in finding.title
        else finding.subject,
        "evidence": [describe_evidence(e) for e in finding.evidence],
        "remediation": finding.remediation or "",
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason or "",
    }


def check_view(result: CheckResult, ctx: RenderContext) -> dict[str, Any]:
    try:
        extras = renderers.render(result, ctx)
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError):
        # A check's metrics changed shape: plain tables beat a report that fails to render.
        extras = Extras()
    ordered = sorted(
        result.findings, key=lambda f: (-STATUS_RANK[f.status.value], -int(f.severity))
    )
    problems = [f for f in ordered if f.status is not Status.PASS]
    # One card per group: a check comparing several rates names the others on the worst one.
    shown = fold_by_subject(problems)
    passes = [f for f in ordered if f.status is Status.PASS]
    # Remediation and method text usually repeat across a check's findings: say each once.
    remediations = list(dict.fromkeys(f.remediation for f in problems if f.remediation))
    methods = list(dict.fromkeys(e.method for f in result.findings for e in f.evidence if e.method))
    return {
        "id": result.check_id,
        "anchor": "check-" + "".join(c if c.isalnum() else "-" for c in result.check_id),
        "title": result.title,
        "badge": badge(result.status.value),
        "dimension": result.dimension.value,
        "severity": result.severity.label,
        "summary": result.summary,
        "error": result.error or "",
        "duration": f"{result.duration_s:.2f} s",
        "findings": [
            {**finding_view(f), "also": list(also)} for f, also in shown[:MAX_OPEN_FINDINGS]
        ],
        # Folded findings keep their full text in the collapsed list.
        "more_findings": [
            finding_view(f)
            for f in problems
            if f not in {kept for kept, _ in shown[:MAX_OPEN_FINDINGS]}
        ],
        "passes": [finding_view(f) for f in passes],
        "remediations": remediations,
        "methods": methods,
        "charts": extras.charts,
        "tables": extras.tables + generic_tables(result.metrics, extras.consumed),
    }


def not_run_reason(check_id: str, policy: Mapping[str, Any], registered: set[str]) -> str:
    def matches(pattern: str) -> bool:
        return check_id == pattern or (pattern.endswith(".") and check_id.startswith(pattern))

    only = [str(p) for p in policy.get("only", ()) or ()]
    skip = [str(p) for p in policy.get("skip", ()) or ()]
    if only and not any(matches(p) for p in only):
        return "not selected: the policy's `only` list leaves it out"
    if any(matches(p) for p in skip):
        return "excluded by the policy's `skip` list"
    if check_id not in registered:
        return "not available in this trustscan version"
    return "did not run in this audit"


def _registered_ids() -> set[str]:
    return {c.id for c in registry.SPECS}


def sections_view(report: Report, ctx: RenderContext) -> list[dict[str, Any]]:
    registered = _registered_ids()
    placed: dict[str, list[CheckResult]] = {}
    for result in report.results:
        placed.setdefault(section_of(result.check_id), []).append(result)
    out = []
    specs = list(SECTIONS)
    if placed.get(OTHER.id) or registered_checks(OTHER.id):
        specs.append(OTHER)
    for spec in specs:
        results = placed.get(spec.id, [])
        present = {r.check_id for r in results}
        missing = [
            {
                "id": c,
                "reason": not_run_reason(c, report.policy, registered),
                "badge": badge("skip"),
            }
            for c in registered_checks(spec.id)
            if c not in present
        ]
        ran = [r for r in results if r.status not in (Status.SKIP,)]
        statuses = [r.status for r in ran]
        worst = max(statuses, key=lambda s: s.rank).value if statuses else "skip"
        view: dict[str, Any] = {
            "id": spec.id,
            "title": spec.title,
            "intro": spec.intro,
            "badge": badge(worst),
            "checks": [check_view(r, ctx) for r in results],
            "missing": missing,
            "empty_reason": "",
            "extra": {},
        }
        if not ran:
            skipped = [f"{r.check_id}: {r.summary}" for r in results if r.status is Status.SKIP]
            view["empty_reason"] = (
                "No check of this section produced a result, so this report makes no claim "
                "about it. " + ("Skipped: " + "; ".join(skipped) + "." if skipped else "")
            ).strip()
        if spec.id == "traceability":
            view["extra"] = traceability_view(report)
        if spec.id == "consequences":
            view["extra"] = consequence_view(report)
        out.append(view)
    return out


# --------------------------------------------------------------------------- special sections


# --------------------------------------------------------------------------- summary


def scores_view(report: Report, ctx: RenderContext) -> dict[str, Any]:
    by_dimension = {s.dimension: s for s in report.scores}
    rows = []
    bars = []
    for dimension in Dimension:
        score = by_dimension.get(dimension)
        value = score.score if score is not None else None
        judged = [c for c in (score.contributions if score else ()) if c.get("score") is not None]
        total = len(score.contributions) if score else 0
        if value is None:
            band, tone = "not assessed", "skip"
        elif value >= 80:
            band, tone = "good", "pass"
        elif value >= 50:
            band, tone = "concerns", "warn"
        else:
            band, tone = "poor", "fail"
        coverage = f"{len(judged)} of {total}" if total else "none ran"
        note = f"{value:.0f} · {band}" if value is not None else "not assessed"
        bars.append(
            charts.Bar(
                dimension.value.capitalize(),
                value if value is not None else 100.0,
                tone=tone,
                note=note,
                hatched=value is None,
            )
        )
        rows.append(
            {
                "dimension": dimension.value.capitalize(),
                "score": "n/a" if value is None else f"{value:.0f}",
                "band": band,
                "badge": {
                    **badge(tone if tone in ("pass", "warn", "fail") else "skip"),
                    "word": band.capitalize(),
                },
                "coverage": coverage,
                "checks": ", ".join(
                    str(c.get("check_id")) for c in (score.contributions if score else ())
                )
                or "none ran",
                "covers": DIMENSION_HELP.get(dimension.value, ""),
            }
        )
    chart = charts.bar_chart(
        bars,
        title="Trust scores by dimension (0–100)",
        description="Scores out of 100 for the six trust dimensions: "
        + "; ".join(f"{r['dimension']} {r['score']} ({r['band']})" for r in rows)
        + ". Hatched bars were not assessed.",
        domain=(0.0, 100.0),
        tick_format=".0f",
        plot_width=230.0,
        caption="0–100; 80 and above reads as good, below 50 as poor. Hatched: no check of "
        "that dimension produced a judgement.",
        ident=ctx.chart_id(),
    )
    return {"chart": chart, "rows": rows}


def verdict_sentence(report: Report) -> str:
    counts = {s: sum(1 for r in report.results if r.status is s) for s in Status}
    parts = [
        f"{counts[Status.FAIL]} failed" if counts[Status.FAIL] else "",
        f"{counts[Status.ERROR]} could not run (error)" if counts[Status.ERROR] else "",
        f"{counts[Status.WARN]} raised warnings" if counts[Status.WARN] else "",
        f"{counts[Status.PASS]} passed" if counts[Status.PASS] else "",
        f"{counts[Status.SKIP]} skipped" if counts[Status.SKIP] else "",
    ]
    listed = ", ".join(p for p in parts if p) or "no check ran"
    outcome = {
        Status.PASS: "passes the policy",
        Status.WARN: "passes the policy with warnings",
        Status.FAIL: "fails the policy",
    }.get(report.verdict, report.verdict.value)
    if report.incomplete:
        outcome += " (incomplete audit)"
    return f"This model {outcome}. Of {len(report.results)} checks, {listed}."


# --------------------------------------------------------------------------- the whole report


def build(report: Report) -> dict[str, Any]:
    """The complete view model of the HTML report."""
    ctx = RenderContext(policy=report.policy, used_proxies=used_proxies(report))
    inputs = to_jsonable(report.inputs)
    findings, more_findings = summary.top_findings(report)
    scores = scores_view(report, ctx)
    sections = sections_view(report, ctx)
    counts = {s.value: sum(1 for r in report.results if r.status is s) for s in Status}
    model = inputs.get("model_path") or "predictions only (logged decisions)"
    return {
        "title": "Trust audit report",
        "model_name": _basename(inputs.get("model_path")) or "Logged decisions",
        "verdict": badge(report.verdict.value),
        "verdict_sentence": verdict_sentence(report),
        "headline": headline_line(report),
        "incomplete": incomplete_line(report),
        "fail_on": report.fail_on,
        "created_at": report.created_at.replace("T", " ").replace("Z", " UTC"),
        "tool_version": report.tool_version,
        "facts": [
            ("Model", model),
            (
                "Data",
                f"{inputs.get('data_path')} ({fmt(inputs.get('n_rows'))} rows, {fmt(inputs.get('n_columns'))} columns)",
            ),
            ("Task", f"{inputs.get('task')}, mode: {inputs.get('mode')}"),
            ("Target", inputs.get("target") or "none given"),
            (
                "Favourable decision",
                inputs.get("outcome_statement") or inputs.get("favourable_label") or "—",
            ),
            ("Positive class", inputs.get("positive_label") or "—"),
            *(
                [("Score direction", inputs["score_statement"])]
                if inputs.get("score_statement")
                else []
            ),
            (
                "Sensitive attributes",
                fmt(inputs.get("sensitive")) if inputs.get("sensitive") else "none given",
            ),
            ("Model inputs", fmt(inputs.get("features"))),
        ],
        "counts": [
            {"badge": badge(s), "count": counts[s]}
            for s in ("fail", "error", "warn", "pass", "skip")
        ],
        "scores": scores,
        "score_tiles": summary.score_tiles(scores["rows"]),
        "top_findings": findings,
        "more_findings": more_findings,
        "sections": sections,
        "methodology": methodology_view(report),
        "notes": list(report.notes),
        "policy_sha256": report.policy_sha256,
        "duration": f"{report.duration_s:.1f} s",
    }


def used_proxies(report: Report) -> dict[str, str]:
    """Inputs leakage.proxy_features found standing in for a sensitive attribute."""
    result = report.result("leakage.proxy_features")
    if result is None:
        return {}
    found: dict[str, str] = {}
    for row in measured_as(result, ProxyFeatures).features:
        if row.used_proxy and row.feature is not None:
            found.setdefault(row.feature, str(row.attribute))
    return found


def _basename(path: Any) -> str:
    if not path:
        return ""
    text = str(path).replace("\\", "/")
    return text.rsplit("/", 1)[-1]
