"""Model mode on data larger than memory: predict in bounded batches into a decision log.

The files are streamed through DuckDB in batches of ``BATCH_ROWS`` rows; the model predicts
each batch from the same feature columns an in-memory audit gives it, and every row is
written, with its decision and score, to Parquet in a temporary folder. That log is then
audited out of core like any decision log (counts on every row); the checks that need the
model get it back on the row sample. Memory is the batch's, whatever the rows.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustscan.loading.adapter import ModelAdapter
from trustscan.loading.datasets import DataFiles

BATCH_ROWS = 200_000
"""Rows predicted at a time (a 200,000-row frame of a few dozen columns: tens of MB)."""

DECISION = "model_decision"
SCORE = "model_score"


@dataclass(frozen=True)
class PredictedLog:
    """The data with the model's decision and score per row, as Parquet."""

    files: DataFiles
    decision: str
    score: str | None
    """None when the model gives no probability of the positive class."""
    rows: int
    batches: int
    seconds: float
    folder: tempfile.TemporaryDirectory[str]
    """Holds the files; removed when the log is (or at exit)."""

    def describe(self) -> str:
        return (
            f"The model predicted all {self.rows:,} rows in {self.batches:,} batches of at most "
            f"{BATCH_ROWS:,} ({self.seconds:.1f} s); its decisions and scores were written to a "
            "temporary Parquet file and audited like a decision log"
        )


def predict_in_batches(
    files: DataFiles,
    model: ModelAdapter,
    features: Sequence[str],
    positive: object | None,
    *,
    encoding: str = "utf-8",
) -> PredictedLog:
    """Every row of ``files`` with ``DECISION`` (the predicted label) and ``SCORE`` (the
    probability of ``positive`` for a two-class model with probabilities)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from trustscan.stats.sources.duckdb import DuckDBSource

    folder = tempfile.TemporaryDirectory(prefix="trustscan-predicted-")
    target = Path(folder.name) / "predicted.parquet"
    source = DuckDBSource(files, encoding=encoding)
    names = [str(c) for c in source.columns()]
    taken = set(names)
    decision = _free(DECISION, taken)
    score = _free(SCORE, taken)
    started = time.perf_counter()
    writer = None
    rows = batches = 0
    with_score = False
    try:
        for batch in source.batches("SELECT * FROM data", BATCH_ROWS):
            frame = batch.to_pandas()
            predictions, proba = model.predict_with_proba(frame.loc[:, list(features)])
            columns = [pa.array(np.asarray(predictions))]
            if writer is None:
                with_score = _positive_column(model, proba, positive) is not None
            if with_score:
                index = _positive_column(model, proba, positive)
                assert proba is not None and index is not None
                columns.append(pa.array(np.asarray(proba, dtype=np.float64)[:, index]))
            table = pa.Table.from_batches([batch])
            for name, column in zip((decision, score), columns, strict=False):
                table = table.append_column(name, column)
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table.cast(writer.schema))
            rows += batch.num_rows
            batches += 1
    finally:
        if writer is not None:
            writer.close()
        source.close()
    log_files = DataFiles(target, (target,), "parquet")
    return PredictedLog(
        log_files,
        decision,
        score if with_score else None,
        rows,
        batches,
        time.perf_counter() - started,
        folder,
    )


def _positive_column(
    model: ModelAdapter, proba: np.ndarray | None, positive: object | None
) -> int | None:
    classes = list(model.classes or ())
    if proba is None or len(classes) != 2 or np.shape(proba)[1:] != (2,):
        return None
    return classes.index(positive) if positive in classes else 1


def _free(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``... when the data already has a column so named."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    return candidate
