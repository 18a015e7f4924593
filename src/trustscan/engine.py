"""Run the selected checks in registry order, isolating crashes, and time each one."""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Callable, Sequence

from trustscan.checks import ALL_CHECKS, Check
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult, Status

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``(check_id, index, total)`` before each check runs."""


def select_checks(policy: Policy, checks: Sequence[type[Check]] = ALL_CHECKS) -> list[type[Check]]:
    return [c for c in checks if policy.selects(c.id)]


def run_checks(
    ctx: AuditContext,
    policy: Policy,
    *,
    checks: Sequence[type[Check]] = ALL_CHECKS,
    debug: bool = False,
    progress: ProgressCallback | None = None,
) -> tuple[CheckResult, ...]:
    """Run every check the policy selects; a crashing check becomes an ``ERROR`` result.

    With ``debug`` the exception propagates instead, so its traceback can be read.
    """
    selected = select_checks(policy, checks)
    results: list[CheckResult] = []
    for index, check_class in enumerate(selected):
        if progress is not None:
            progress(check_class.id, index, len(selected))
        check = check_class()
        started = time.perf_counter()
        # Out of core, the counts-only checks read every row's counts; the others the sample.
        view = ctx if check_class.counts_only else ctx.row_context
        try:
            result = check.run_after(view, policy, tuple(results))
            if (
                view.n_rows < ctx.n_rows
                and check_class.reads_rows
                and result.status is not Status.SKIP
            ):
                result = on_sample(result, view.n_rows, ctx.n_rows, ctx.sample_how or "")
        except Exception as exc:
            if debug:
                raise
            result = check.result(
                Status.ERROR,
                f"the check crashed: {type(exc).__name__}: {exc}".splitlines()[0],
            )
            result = dataclasses.replace(
                result, error="".join(traceback.format_exception_only(type(exc), exc)).strip()
            )
        results.append(dataclasses.replace(result, duration_s=time.perf_counter() - started))
    return tuple(results)


def on_sample(result: CheckResult, size: int, total: int, how: str) -> CheckResult:
    """State on a result that it was measured on a row sample, with its size and draw."""
    statement = f"Measured on a sample of {size:,} of {total:,} rows ({how})."
    metrics = {**result.metrics, "sample": {"rows": size, "of": total, "how": how}}
    return dataclasses.replace(result, summary=f"{result.summary} {statement}", metrics=metrics)
