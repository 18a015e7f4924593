"""Traceability and the consequence scan: their sections show the details."""

from __future__ import annotations

from trustscan.report.html.extras import (
    Extras,
    RenderContext,
)
from trustscan.types import CheckResult


def render_provenance(result: CheckResult, ctx: RenderContext) -> Extras:
    """The traceability section already shows hashes and the environment."""
    return Extras(consumed={"sha256", "files", "versions", "platform", "command_line"})


def render_consequence_scan(result: CheckResult, ctx: RenderContext) -> Extras:
    """The Consequence Scan section already shows the entries and the uncovered findings."""
    return Extras(consumed={"uncovered", "consequences"})
