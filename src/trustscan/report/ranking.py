"""The findings every summary leads with: problems worst first, each said once.

Shared by the HTML report's summary and the terminal, so both list the same findings in the
same order. A check that compares several rates (selection rate and scoring rate, say) raises
one finding per rate for the same group; a reader needs the group once, with its worst
finding first and the others named beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustscan.types import CheckResult, Finding, Report, Status

PROBLEMS = (Status.FAIL, Status.ERROR, Status.WARN)


@dataclass(frozen=True)
class RankedFinding:
    """One problem finding, with the titles of the same check's other findings about the same
    subject folded into it."""

    result: CheckResult
    finding: Finding
    also: tuple[str, ...] = ()
    """Titles of the folded findings (same check, same subject), worst first."""


def _problems(result: CheckResult) -> list[Finding]:
    found = [f for f in result.findings if f.status in PROBLEMS and not f.waived]
    if not found and result.status in PROBLEMS:
        # A check that failed without a finding (a crash, a summary-only result) still counts.
        found = [
            Finding(result.check_id, result.status, result.severity, result.title, result.summary)
        ]
    found.sort(key=lambda f: (-f.status.rank, -int(f.severity)))
    return found


def fold_by_subject(findings: Iterable[Finding]) -> list[tuple[Finding, tuple[str, ...]]]:
    """Findings in their order, each subject once: later findings about a subject already
    seen are folded into the first (their titles listed beside it). Findings without a
    subject are never folded."""
    firsts: dict[str, int] = {}
    out: list[tuple[Finding, tuple[str, ...]]] = []
    for finding in findings:
        key = finding.subject or ""
        if key and key in firsts:
            kept, also = out[firsts[key]]
            out[firsts[key]] = (kept, (*also, finding.title))
            continue
        if key:
            firsts[key] = len(out)
        out.append((finding, ()))
    return out


def _folded(result: CheckResult) -> list[RankedFinding]:
    """The check's problems with same-subject findings folded into the worst of them."""
    return [RankedFinding(result, f, also) for f, also in fold_by_subject(_problems(result))]


def ranked_findings(report: Report) -> list[RankedFinding]:
    """Problems, worst status first; within a status each check's worst finding before any
    check's second, so one check with many groups cannot crowd out the others; then
    severity, then registry order."""
    keyed: list[tuple[tuple[int, int, int, int], RankedFinding]] = []
    for order, result in enumerate(report.results):
        for rank, item in enumerate(_folded(result)):
            f = item.finding
            keyed.append(((-f.status.rank, rank, -int(f.severity), order), item))
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]


__all__ = ["RankedFinding", "fold_by_subject", "ranked_findings"]
