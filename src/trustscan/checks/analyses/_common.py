"""What the analyses share: when they can run, and the no-evidence summary."""

from __future__ import annotations

from trustscan.checks.fairness import _Settings
from trustscan.context import AuditContext


def skip_reason(ctx: AuditContext, what: str, *, needs_target: bool) -> str | None:
    """Why an analysis of binary decisions by sensitive group cannot run (None when it can)."""
    if ctx.sensitive.shape[1] == 0:
        return "No sensitive column declared; pass --sensitive to audit fairness."
    if needs_target and ctx.y_true is None:
        return f"No target column; {what} needs the true outcomes (--target)."
    if ctx.task != "binary":
        return f"{what[:1].upper()}{what[1:]} covers binary tasks; this task is {ctx.task}."
    return None


def no_evidence_summary(cfg: _Settings) -> str:
    return (
        "Insufficient evidence: no sensitive feature has two groups large enough to compare "
        f"(n >= {cfg.min_size} and share >= {cfg.min_share:.0%})."
    )
