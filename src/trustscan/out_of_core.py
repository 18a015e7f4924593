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
from trustscan.loading.adapter import ModelAdapter
from trustscan.loading.batch_predict import PredictedLog, predict_in_batches
from trustscan.loading.data import memory_budget
from trustscan.loading.datasets import DataFiles, check_same_schema
from trustscan.loading.models import load_model
from trustscan.loading.reports import read_report
from trustscan.stats.sources.base import OutOfCoreSource, Roles

Engine = Literal["memory", "duckdb", "spark"]
ENGINES = ("auto", "memory", "duckdb", "spark")

SAMPLE_ROWS = 200_000
"""Rows of the stratified sample the row-level checks (proxies, explanations,
consistency) read in an out-of-core audit."""

HEAD_ROWS = 5_000
"""First rows a model-mode audit reads to choose the features and the positive class as an
in-memory audit would, before predicting every row."""

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
    model, predicted, scan_config = None, None, config
    if config.model_path is not None:
        model, predicted = _predict(config, files)
        # From here the predicted log is audited as a decision log; the sample gets the model.
        scan_config = replace(
            config, predictions_column=predicted.decision, scores_column=predicted.score
        )
        data_name = files.name if files is not None else ""
        files = predicted.files
    source = _source(scan_config, files, keep=predicted)
    if predicted is not None:
        source.name = f"{data_name} with the model's predictions"
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
    guess = Roles(
        tuple(strata), scan_config.predictions_column, config.target, scan_config.scores_column
    )
    cells = source.cells(guess)
    sample = source.sample(SAMPLE_ROWS, strata=strata, seed=config.seed)
    n_rows = source.n_rows()
    if n_rows == 0:
        raise InputError(f"{source.name} has no rows", "export the data with its rows")
    if model is not None and predicted is not None:
        # The model's own audit of the sampled rows, as in memory (it predicts them again).
        logged = [c for c in (predicted.decision, predicted.score) if c]
        sample_ctx = context_from_frames(
            config, data=sample.frame.drop(columns=logged), model=model, baseline=baseline
        )
    else:
        sample_ctx = context_from_frames(config, data=sample.frame, model=None, baseline=baseline)
    # The raw columns behind the audited attributes (detected or named).
    raw = tuple(
        dict.fromkeys(
            c
            for name in sample_ctx.sensitive_names
            for c in sample_ctx.sensitive_sources.get(name, (name,))
        )
    )
    roles = Roles(raw, scan_config.predictions_column, config.target, scan_config.scores_column)
    if roles != guess:
        cells = source.cells(roles)
    counted = replace(scan_config, sensitive=raw, model_path=None, features=None)
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
    if predicted is not None:
        notes.append(predicted.describe() + ".")
    if cells.binning is not None and not cells.binning.exact:
        notes.append(f"{scan_config.scores_column!r}: {cells.binning.describe()}.")
    notes.extend(n for n in (*sample_ctx.notes, *ctx.notes) if n not in notes)
    features = sample_ctx.features
    return replace(
        ctx,
        features=features.iloc[:0],
        data_path=config.data_path,
        model_path=config.model_path,
        notes=tuple(notes),
        source=source,
        sample=replace(sample_ctx, source=source, data_path=config.data_path),
        sample_how=how,
    )


def _predict(config: ScanConfig, files: DataFiles | None) -> tuple[ModelAdapter, PredictedLog]:
    """The model, and the data with its decisions and scores predicted batch by batch."""
    if config.engine == "spark" or files is None:
        raise InputError(
            "--engine spark audits logged decisions, not a model",
            "score the table and pass --predictions/--scores, or use --engine duckdb with "
            "the model on files",
        )
    model = load_model(
        config.model_path,  # type: ignore[arg-type]
        trust_pickle=config.trust_pickle,
        trusted_types=config.trust_types,
    )
    check_same_schema(files)
    # The features, classes and positive class of an in-memory audit, from the first rows.
    from trustscan.stats.sources.duckdb import DuckDBSource

    first = DuckDBSource(files, encoding=config.encoding)
    try:
        head = first.head(HEAD_ROWS)
    finally:
        first.close()
    head_ctx = context_from_frames(config, data=head, model=model)
    predicted = predict_in_batches(
        files,
        head_ctx.model or model,
        head_ctx.feature_names,
        head_ctx.positive_label,
        encoding=config.encoding,
    )
    return head_ctx.model or model, predicted


def _source(
    config: ScanConfig, files: DataFiles | None, keep: PredictedLog | None = None
) -> OutOfCoreSource:
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
        keep=keep,
        added=tuple(c for c in (keep.decision, keep.score) if c) if keep is not None else (),
    )
