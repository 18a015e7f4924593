"""Small plain-text helpers shared by the text formatters (JUnit, Markdown, SARIF, terminal)."""

from __future__ import annotations

from trustscan.headline import lead_in
from trustscan.types import Finding, Report, Status

STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.WARN, Status.SKIP, Status.PASS)
"""Order in which results are listed: what needs attention first."""


def finding_line(finding: Finding) -> str:
    """One line: status, subject, message, fix, waiver."""
    subject = f"{finding.subject}: " if finding.subject else ""
    fix = f" Fix: {finding.remediation}" if finding.remediation else ""
    waived = f" [waived: {finding.waiver_reason}]" if finding.waived else ""
    return " ".join(
        f"[{finding.status.value.upper()}] {subject}{finding.message}{fix}{waived}".split()
    )


def incomplete_line(report: Report) -> str | None:
    """'Incomplete audit: ...' when checks errored (the verdict then fails), else None."""
    if not report.incomplete:
        return None
    listed = ", ".join(report.incomplete)
    return (
        f"Incomplete audit: {len(report.incomplete)} check(s) could not run ({listed}); "
        "what they cover is not judged, so the audit cannot vouch for the model."
    )


def headline_line(report: Report) -> str:
    """The headline as every text format prints it (see ``trustscan.headline``)."""
    return lead_in(report.headline)


def waived_findings(report: Report) -> list[Finding]:
    return [f for r in report.results for f in r.findings if f.waived]


def short_path(path: str | None) -> str:
    """The file name only: reports are shared, absolute home paths are noise."""
    if not path:
        return ""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
