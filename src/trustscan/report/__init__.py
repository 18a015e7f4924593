"""Output formats. Each formatter turns a ``Report`` into text and never does I/O itself."""

from __future__ import annotations

import enum
import sys

from trustscan.types import Report

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover
    from typing_extensions import assert_never


class OutputFormat(str, enum.Enum):
    JSON = "json"
    HTML = "html"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    SARIF = "sarif"

    @property
    def default_filename(self) -> str:
        """File name used by ``--out DIR``."""
        return _DEFAULT_FILENAMES.get(self, f"report.{self.value}")


_DEFAULT_FILENAMES = {
    OutputFormat.JUNIT: "junit.xml",
    OutputFormat.MARKDOWN: "summary.md",
    OutputFormat.SARIF: "report.sarif",
}


def render(output_format: OutputFormat, report: Report) -> str:
    """Render ``report`` in ``output_format``; every format is handled explicitly."""
    if output_format is OutputFormat.JSON:
        from trustscan.report import json_format

        return json_format.render(report)
    if output_format is OutputFormat.HTML:
        from trustscan.report import html

        return html.render(report)
    if output_format is OutputFormat.JUNIT:
        from trustscan.report import junit

        return junit.render(report)
    if output_format is OutputFormat.MARKDOWN:
        from trustscan.report import markdown

        return markdown.render(report)
    if output_format is OutputFormat.SARIF:
        from trustscan.report import sarif

        return sarif.render(report)
    assert_never(output_format)


__all__ = ["OutputFormat", "render"]
