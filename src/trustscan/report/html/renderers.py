"""Finds the richer view a check's declaration names (``CheckSpec.renderer``).

The renderers live with the HTML report, one module per check family (``report/html/``);
a check without one is shown generically (status, findings, metrics as tables).
"""

from __future__ import annotations

from trustscan.checks import registry
from trustscan.checks.spec import load_attribute
from trustscan.report.html.extras import Extras, RenderContext, Renderer, rows_of
from trustscan.types import CheckResult


def render(result: CheckResult, ctx: RenderContext) -> Extras:
    """The richer view the check's declaration names (empty for the generic view)."""
    spec = registry.spec_by_id(result.check_id)
    if spec is None or spec.renderer is None or not result.metrics:
        return Extras()
    renderer: Renderer = load_attribute(spec.renderer)
    return renderer(result, ctx)


__all__ = ["Extras", "RenderContext", "Renderer", "render", "rows_of"]
