"""HTML output: a presenter builds a plain view model; the jinja2 template only loops and prints."""

from __future__ import annotations

from typing import Any

import jinja2

from trustscan.report.json_format import to_jsonable
from trustscan.resources import resource_dir
from trustscan.types import Report

TEMPLATE_NAME = "report.html.j2"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        autoescape=True,  # every user-supplied string (columns, groups, paths) is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def view_model(report: Report) -> dict[str, Any]:
    """Everything the template prints, already formatted as strings and plain lists."""
    data = to_jsonable(report)
    return {
        "title": "trustscan audit report",
        "verdict": report.verdict.value,
        "created_at": report.created_at,
        "tool_version": report.tool_version,
        "inputs": data["inputs"],
        "notes": list(report.notes),
        "scores": [
            {
                "dimension": s.dimension.value.capitalize(),
                "score": "n/a" if s.score is None else f"{s.score:.0f}",
                "coverage": f"{s.coverage:.0%}",
            }
            for s in report.scores
        ],
        "results": [
            {
                "id": r.check_id,
                "title": r.title,
                "dimension": r.dimension.value,
                "status": r.status.value,
                "summary": r.summary,
                "findings": [
                    {"status": f.status.value, "message": f.message, "subject": f.subject or ""}
                    for f in r.findings
                ],
            }
            for r in report.results
        ],
        "policy_sha256": report.policy_sha256,
    }


def render(report: Report) -> str:
    return _environment().get_template(TEMPLATE_NAME).render(**view_model(report))
