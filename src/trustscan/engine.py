"""Run the selected checks in registry order (after the checks each one needs), isolating
crashes, and time each one."""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Callable, Sequence

from trustscan.checks import registry
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult, Status

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``(check_id, index, total)`` before each check runs."""


def select_checks(policy: Policy, checks: Sequence[CheckSpec] | None = None) -> list[CheckSpec]:
    """The registered checks (or ``checks``) the policy selects, in the order they run."""
    chosen = [c for c in (registry.SPECS if checks is None else checks) if policy.selects(c.id)]
    return list(registry.run_order(chosen))


def run_checks(
    ctx: AuditContext,
    policy: Policy,
    *,
    checks: Sequence[CheckSpec] | None = None,
    debug: bool = False,
    progress: ProgressCallback | None = None,
) -> tuple[CheckResult, ...]:
    """Run every check the policy selects; a crashing check becomes an ``ERROR`` result.

    With ``debug`` the exception propagates instead, so its traceback can be read.
    """
    selected = select_checks(policy, checks)
    results: list[CheckResult] = []
    for index, spec in enumerate(selected):
        if progress is not None:
            progress(spec.id, index, len(selected))
        check = spec.load()()
        started = time.perf_counter()
        # Out of core, the counts-only checks read every row's counts; the others the sample.
        view = ctx if spec.counts_only else ctx.row_context
        try:
            needed = tuple(r for r in results if spec.needs_check(_spec_of(r, selected)))
            result = check.run_after(view, policy, needed)
            if view.n_rows < ctx.n_rows and spec.reads_rows and result.status is not Status.SKIP:
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


def _spec_of(result: CheckResult, selected: Sequence[CheckSpec]) -> CheckSpec:
    return next(s for s in selected if s.id == result.check_id)
