"""Run the selected checks in registry order (after the checks each one needs), side by side
on several threads where that is safe, isolating crashes, and time each one."""

from __future__ import annotations

import dataclasses
import os
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

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


THREADS_ENV = "TRUSTSCAN_THREADS"
"""Checks run side by side on up to this many threads (default: one per core, at most 4)."""


def run_checks(
    ctx: AuditContext,
    policy: Policy,
    *,
    checks: Sequence[CheckSpec] | None = None,
    debug: bool = False,
    progress: ProgressCallback | None = None,
    threads: int | None = None,
) -> tuple[CheckResult, ...]:
    """Run every check the policy selects; a crashing check becomes an ``ERROR`` result.

    With ``debug`` the exception propagates instead, so its traceback can be read. Results
    come in run order and are the same however many ``threads`` run them (see
    ``check_threads``).
    """
    selected = select_checks(policy, checks)
    workers = check_threads(ctx) if threads is None else max(1, threads)
    if workers == 1:
        done: dict[str, CheckResult] = {}
        for index, spec in enumerate(selected):
            if progress is not None:
                progress(spec.id, index, len(selected))
            done[spec.id] = _run_one(spec, ctx, policy, _needed(spec, done, selected), debug)
        return tuple(done.values())
    return _run_side_by_side(ctx, policy, selected, workers, debug, progress)


def check_threads(ctx: AuditContext) -> int:
    """How many checks run at once: one per core (at most 4; ``TRUSTSCAN_THREADS`` sets it)
    for an audit held in memory of logged decisions or of a model built only from
    scikit-learn's own classes, whose prediction reads fitted state and changes nothing.
    Any other model (a custom class, a FunctionTransformer's function, ONNX, a pickle of
    unknown code) is not known to be safe to call from two threads, so its audit runs one
    check at a time; so does an audit on an engine, whose one connection serves one query at
    a time. Every check seeds its own generator from its name, so the numbers do not depend
    on the order in which checks finish."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        wanted = int(configured)
    else:
        wanted = min(4, os.cpu_count() or 1)
    if ctx.source is not None:
        return 1
    if ctx.model is not None and not scikit_learn_only(ctx.model.estimator):
        return 1
    return wanted


def scikit_learn_only(estimator: object) -> bool:
    """Whether ``estimator`` and every estimator inside it (pipeline steps, column
    transformers, meta-estimators) are scikit-learn's own classes, with no user function."""
    parts = [estimator]
    get_params = getattr(estimator, "get_params", None)
    if callable(get_params):
        try:
            parts += [v for v in get_params(deep=True).values() if hasattr(v, "get_params")]
        except Exception:  # a class that breaks scikit-learn's protocol is not one of its own
            return False
    for part in parts:
        kind = type(part)
        if not kind.__module__.startswith("sklearn.") or kind.__name__ == "FunctionTransformer":
            return False
    return True


def _run_side_by_side(
    ctx: AuditContext,
    policy: Policy,
    selected: Sequence[CheckSpec],
    workers: int,
    debug: bool,
    progress: ProgressCallback | None,
) -> tuple[CheckResult, ...]:
    """Run checks on ``workers`` threads: a check starts once the checks it needs are done,
    and checks of one family run one after another (they share computed state, such as the
    competence checks' per-group bootstrap, so two of them at once would wait on each
    other) unless one declares its state its own (``CheckSpec.serial_key``). The longest
    chain left starts first. numpy, pandas and scikit-learn release the GIL in their heavy
    loops."""
    done: dict[str, CheckResult] = {}
    pending = list(selected)
    running: dict[Future[CheckResult], CheckSpec] = {}
    started = 0
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="trustscan-check")
    try:
        while pending or running:
            busy = {spec.serial_key for spec in running.values()}
            for spec in _most_cost_left_first(pending):
                if len(running) >= workers:
                    break
                waits_on = [s for s in selected if spec.needs_check(s) and s.id not in done]
                if waits_on or spec.serial_key in busy:
                    continue
                pending.remove(spec)
                busy.add(spec.serial_key)
                if progress is not None:
                    progress(spec.id, started, len(selected))
                started += 1
                needed = _needed(spec, done, selected)
                running[pool.submit(_run_one, spec, ctx, policy, needed, debug)] = spec
            if not running:  # run_order has refused cycles, so this cannot happen
                raise RuntimeError("no check can start: " + ", ".join(s.id for s in pending))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done[running.pop(future).id] = future.result()
    finally:
        # On an interrupt (or a crash under --debug) start nothing more; the checks already
        # running finish on their own, since a thread cannot be stopped from outside.
        pool.shutdown(wait=not running, cancel_futures=True)
    return tuple(done[spec.id] for spec in selected)


def _most_cost_left_first(pending: Sequence[CheckSpec]) -> list[CheckSpec]:
    """``pending`` with the chains (checks of one ``serial_key``) that have the most cost
    left first, run order within a chain and between equals: a chain runs one check after
    another, so the longest must start early or the audit ends waiting for it alone."""
    left: dict[str, float] = {}
    for spec in pending:
        left[spec.serial_key] = left.get(spec.serial_key, 0.0) + spec.cost
    return sorted(pending, key=lambda spec: -left[spec.serial_key])


def _needed(
    spec: CheckSpec, done: dict[str, CheckResult], selected: Sequence[CheckSpec]
) -> tuple[CheckResult, ...]:
    """The results ``spec`` reads, in run order (all done: it starts after them)."""
    return tuple(done[s.id] for s in selected if spec.needs_check(s))


def _run_one(
    spec: CheckSpec,
    ctx: AuditContext,
    policy: Policy,
    needed: tuple[CheckResult, ...],
    debug: bool,
) -> CheckResult:
    """One check, timed; a crash becomes an ``ERROR`` result (unless ``debug``)."""
    check = spec.load()()
    started = time.perf_counter()
    # Out of core, the counts-only checks read every row's counts; the others the sample.
    view = ctx if spec.counts_only else ctx.row_context
    try:
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
    return dataclasses.replace(result, duration_s=time.perf_counter() - started)


def on_sample(result: CheckResult, size: int, total: int, how: str) -> CheckResult:
    """State on a result that it was measured on a row sample, with its size and draw."""
    statement = f"Measured on a sample of {size:,} of {total:,} rows ({how})."
    metrics = {**result.metrics, "sample": {"rows": size, "of": total, "how": how}}
    return dataclasses.replace(result, summary=f"{result.summary} {statement}", metrics=metrics)
