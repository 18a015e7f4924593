"""What a governance reviewer sees before scrolling: the verdict, the headline harm and the six
dimension scores as one strip of tiles; then the top findings, each group said once.

The view is plain dicts and strings; the template prints them above the fold (a test measures
that they fit in the first 800 px of a 1280-wide window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trustscan.report.formatting import badge, describe_evidence
from trustscan.report.ranking import RankedFinding, ranked_findings
from trustscan.types import Report

MAX_TOP_FINDINGS = 6


def anchor(check_id: str) -> str:
    """The id of a check's block in the report."""
    return "check-" + "".join(c if c.isalnum() else "-" for c in check_id)


def score_tiles(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The six dimension scores as tiles: name, score, band word with its status icon."""
    return [
        {
            "dimension": row["dimension"],
            "score": row["score"],
            "badge": row["badge"],
            "covers": row["covers"],
            "coverage": row["coverage"],
        }
        for row in rows
    ]


def _top_view(item: RankedFinding) -> dict[str, Any]:
    finding = item.finding
    return {
        "badge": badge(finding.status.value),
        "severity": finding.severity.label,
        "title": finding.title,
        "message": finding.message,
        "subject_shown": ""
        if not finding.subject or finding.subject in finding.title
        else finding.subject,
        "also": list(item.also),
        "evidence": [describe_evidence(e) for e in finding.evidence[:1]],
        "remediation": finding.remediation or "",
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason or "",
        "check_id": item.result.check_id,
        "check_title": item.result.title,
        "anchor": anchor(item.result.check_id),
    }


def top_findings(report: Report) -> tuple[list[dict[str, Any]], int]:
    """The top findings shown in the summary and how many more problems the sections list."""
    ranked = ranked_findings(report)
    return [_top_view(item) for item in ranked[:MAX_TOP_FINDINGS]], max(
        0, len(ranked) - MAX_TOP_FINDINGS
    )


__all__ = ["MAX_TOP_FINDINGS", "anchor", "score_tiles", "top_findings"]
