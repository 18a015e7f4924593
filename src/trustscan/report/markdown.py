"""Markdown: a compact summary for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

Verdict, the six dimension scores with coverage, the checks that need attention with one-line
reasons, waived findings and notes. Every user-supplied string (column names, group labels,
file names, messages) is escaped, so a hostile value cannot inject markup.
"""

from __future__ import annotations

import re

from trustscan.report.text import (
    STATUS_ORDER,
    headline_line,
    incomplete_line,
    short_path,
    waived_findings,
)
from trustscan.scoring import gate_fails, overall
from trustscan.types import Report, Status

_ICON = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.SKIP: "⏭️",
    Status.ERROR: "💥",
}
_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def escape(text: str) -> str:
    """Plain text safe inside Markdown (and the HTML GitHub allows in it), on one line."""
    text = " ".join(_CONTROL.sub(" ", str(text)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def render(report: Report) -> str:
    inputs = report.inputs
    gate = "fails" if gate_fails(report.verdict, report.fail_on) else "passes"
    best = overall(report.scores)
    incomplete = incomplete_line(report)
    lines = [
        f"## trustscan: {_ICON[report.verdict]} {report.verdict.value.upper()} "
        f"{'(incomplete audit) ' if incomplete else ''}(gate {gate}, fail on `{report.fail_on}`)",
        "",
        f"**{escape(headline_line(report))}**",
        "",
    ]
    if incomplete:
        lines += [f"{_ICON[Status.ERROR]} {escape(incomplete)}", ""]
    for line in (inputs.outcome_statement, inputs.score_statement):
        if line:
            lines += [escape(line), ""]
    grade = (
        f"**{best['grade']}** ({best['score']:.0f}, weakest dimension: {best['dimension']})"
        if best["grade"]
        else "**n/a** (no dimension could be scored)"
    )
    model = escape(short_path(inputs.model_path)) if inputs.model_path else "logged decisions"
    lines += [
        f"Overall grade {grade} · model {model} · data {escape(short_path(inputs.data_path))} "
        f"({inputs.n_rows:,} rows) · policy `{report.policy_sha256[:12]}`",
        "",
        "| Dimension | Score | Coverage |",
        "| --- | ---: | ---: |",
    ]
    for score in report.scores:
        value = "n/a" if score.score is None else f"{score.score:.0f}"
        if score.capped_by:
            value += " (capped: critical failure)"
        lines.append(f"| {score.dimension.value} | {value} | {score.coverage:.0%} |")
    attention = sorted(
        (r for r in report.results if r.status is not Status.PASS),
        key=lambda r: STATUS_ORDER.index(r.status),
    )
    lines.append("")
    if attention:
        lines += ["| Status | Check | Why |", "| --- | --- | --- |"]
        lines += [
            f"| {_ICON[r.status]} {r.status.value} | `{r.check_id}` | {escape(r.summary)} |"
            for r in attention
        ]
    else:
        lines.append(f"All {len(report.results)} checks passed.")
    waived = waived_findings(report)
    if waived:
        lines += ["", f"**Waived ({len(waived)})**, still reported:"]
        for f in waived:
            subject = f" {escape(f.subject)}:" if f.subject else ""
            lines.append(f"- `{f.check_id}`{subject} {escape(f.waiver_reason or '')}")
    if report.notes:
        lines += ["", "<details><summary>Notes</summary>", ""]
        lines += [f"- {escape(note)}" for note in report.notes]
        lines += ["", "</details>"]
    passed = sum(1 for r in report.results if r.status is Status.PASS)
    lines += [
        "",
        f"<sub>{passed}/{len(report.results)} checks passed · trustscan "
        f"{escape(report.tool_version)} · seed {report.seed}</sub>",
    ]
    return "\n".join(lines) + "\n"
