"""Audits of data larger than memory: counts from an engine, rows from a sample.

``build_out_of_core_context`` returns an ``AuditContext`` whose units are the *cells* of
the data (distinct raw sensitive values, decision, target and score, each with the rows
behind it) rather than rows. The counts-only checks (fairness, error rates, performance,
calibration, output inference, data quality) run on it and report the same counts as an
in-memory audit of the same rows: labels come from the same Python code, counts are
weighted sums. The other checks run on ``ctx.sample``, a stratified row sample whose size
and draw the report states.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from trustscan.config import ScanConfig
from trustscan.context import AuditContext, context_from_frames
from trustscan.errors import InputError
from trustscan.loading.data import MEMORY_BUDGET_ENV, memory_budget
from trustscan.loading.datasets import DataFiles, check_same_schema
from trustscan.loading.reports import read_report
from trustscan.stats.sources.base import OutOfCoreSource, Roles

Engine = Literal["memory", "duckdb", "spark"]
ENGINES = ("auto", "memory", "duckdb", "spark")

SAMPLE_ROWS = 200_000
"""Rows of the stratified sample the row-level checks (proxies, explanations,
consistency) read in an out-of-core audit."""

DUCKDB_MEMORY_LIMIT = (256 * 2**20, 2**30)
"""DuckDB's own memory limit (it spills to a temporary folder beyond it): half the memory
budget, within these bounds (below 256 MB its CSV reader and sorts run out)."""


def choose_engine(config: ScanConfig, files: DataFiles) -> Engine:
    """``auto``: in memory when the estimated in-memory audit fits the memory budget
    (``TRUSTSCAN_MEMORY_BUDGET``, else 70% of the memory available), DuckDB otherwise."""
    engine = config.engine
    if engine == "auto":
        return "memory" if files.memory_estimate() <= memory_budget() else "duckdb"
    if engine in ("memory", "duckdb", "spark"):
        return engine  # type: ignore[return-value]
    raise InputError(f"unknown engine {engine!r}", f"use one of {', '.join(ENGINES)}")


def build_out_of_core_context(config: ScanConfig, files: DataFiles | None) -> AuditContext:
    """The cells context of ``files`` (None: ``config.table``) with its row sample (see the
    module docstring)."""
    if config.model_path is not None:
        raise InputError(
            "an out-of-core audit (--engine duckdb, or data larger than the memory budget) "
            "reads logged decisions, not a model",
            "score the data in batches and pass --predictions/--scores, or audit a sample in "
            f"memory (--engine memory, raising {MEMORY_BUDGET_ENV})",
        )
    source = _source(config, files)
    baseline = (
        read_report(config.baseline_path, what="baseline report")
        if config.baseline_path is not None
        else None
    )
    present = set(source.columns())
    strata = [c for c in config.sensitive if c in present]
    # The cells first, grouped by the named sensitive columns: the sample then takes its
    # strata counts from them instead of another pass. Regrouped below only when the
    # audited attributes come from other columns (detected, or built from several).
    guess = Roles(tuple(strata), config.predictions_column, config.target, config.scores_column)
    cells = source.cells(guess)
    sample = source.sample(SAMPLE_ROWS, strata=strata, seed=config.seed)
    n_rows = source.n_rows()
    if n_rows == 0:
        raise InputError(f"{source.name} has no rows", "export the data with its rows")
    sample_ctx = context_from_frames(config, data=sample.frame, model=None, baseline=baseline)
    # The raw columns behind the audited attributes (detected or named).
    raw = tuple(
        dict.fromkeys(
            c
            for name in sample_ctx.sensitive_names
            for c in sample_ctx.sensitive_sources.get(name, (name,))
        )
    )
    roles = Roles(raw, config.predictions_column, config.target, config.scores_column)
    if roles != guess:
        cells = source.cells(roles)
    counted = replace(config, sensitive=raw)
    ctx = context_from_frames(
        counted, data=cells.frame, model=None, baseline=baseline, weights=cells.weights
    )
    how = sample.how if not sample.complete else "all rows"
    statement = (
        f"Audited out of core with {source.label}: {n_rows:,} rows of {source.name}. Counts, rates, "
        "performance and data quality are computed on every row; proxy, explanation and "
        f"consistency checks read a sample of {sample.size:,} rows ({how})."
    )
    notes = [statement]
    if cells.binning is not None and not cells.binning.exact:
        notes.append(f"{config.scores_column!r}: {cells.binning.describe()}.")
    notes.extend(n for n in (*sample_ctx.notes, *ctx.notes) if n not in notes)
    features = sample_ctx.features
    return replace(
        ctx,
        features=features.iloc[:0],
        data_path=config.data_path,
        notes=tuple(notes),
        source=source,
        sample=replace(sample_ctx, source=source, data_path=config.data_path),
        sample_how=how,
    )


def _source(config: ScanConfig, files: DataFiles | None) -> OutOfCoreSource:
    if config.engine == "spark":
        from trustscan.stats.sources.spark import SparkSource

        return SparkSource(config, files)
    from trustscan.stats.sources.duckdb import DuckDBSource

    assert files is not None, "a table needs --engine spark (checked with the options)"
    check_same_schema(files)
    return DuckDBSource(
        files,
        encoding=config.encoding,
        memory_limit=min(max(memory_budget() // 2, DUCKDB_MEMORY_LIMIT[0]), DUCKDB_MEMORY_LIMIT[1]),
    )
