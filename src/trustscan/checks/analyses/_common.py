"""What the analyses share: when they can run, the no-evidence summary, the held-out split."""

from __future__ import annotations

import numpy as np

from trustscan.checks.fairness.comparison import Settings
from trustscan.context import AuditContext
from trustscan.stats.sampling import dense_codes, stratified_indices


def skip_reason(ctx: AuditContext, what: str, *, needs_target: bool) -> str | None:
    """Why an analysis of binary decisions by sensitive group cannot run (None when it can)."""
    if ctx.sensitive.shape[1] == 0:
        return "No sensitive column declared; pass --sensitive to audit fairness."
    if needs_target and ctx.y_true is None:
        return f"No target column; {what} needs the true outcomes (--target)."
    if ctx.task != "binary":
        return f"{what[:1].upper()}{what[1:]} covers binary tasks; this task is {ctx.task}."
    return None


def no_evidence_summary(cfg: Settings) -> str:
    return (
        "Insufficient evidence: no sensitive feature has two groups large enough to compare "
        f"(n >= {cfg.min_size} and share >= {cfg.min_share:.0%})."
    )


def sample_and_split(
    ctx: AuditContext, purpose: str, strata: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of a search/fit half and a held-out half of a sample of at most ``size``
    rows, both stratified on ``strata`` (e.g. group × label) and deterministic per seed."""
    rng = ctx.rng(purpose)
    codes = dense_codes(strata)
    sample = stratified_indices(codes, size, rng)
    first = sample[stratified_indices(codes[sample], sample.size // 2, rng)]
    return first, np.setdiff1d(sample, first, assume_unique=True)
