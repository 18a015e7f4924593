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

    @property
    def default_filename(self) -> str:
        return f"report.{self.value}"


def render(output_format: OutputFormat, report: Report) -> str:
    """Render ``report`` in ``output_format``; every format is handled explicitly."""
    if output_format is OutputFormat.JSON:
        from trustscan.report import json_format

        return json_format.render(report)
    if output_format is OutputFormat.HTML:
        from trustscan.report import html

        return html.render(report)
    assert_never(output_format)


__all__ = ["OutputFormat", "render"]
