"""HTML output: ``presenter`` builds a plain view model; the jinja2 templates only loop and
print. The result is one self-contained file: CSS inline, charts as inline SVG, no scripts,
no fonts or images from anywhere."""

from __future__ import annotations

from typing import Any

import jinja2

from trustscan.report.html import presenter
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
    return presenter.build(report)


def render(report: Report) -> str:
    return _environment().get_template(TEMPLATE_NAME).render(**view_model(report))
