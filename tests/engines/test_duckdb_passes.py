"""The DuckDB source reads the files a fixed few times, and its shortcuts keep exact counts."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.engines.conftest import audit, decision_log
from trustscan.loading.datasets import resolve_data
from trustscan.stats.sources.duckdb import DuckDBSource, monotonic_column
from trustscan.stats.sources.memory import count_duplicate_rows


def _connection(frame: pd.DataFrame, folder: Path) -> duckdb.DuckDBPyConnection:
    frame.to_parquet(folder / "f.parquet", index=False)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW data AS SELECT * FROM '{folder / 'f.parquet'}'")
    return con


def _types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in con.execute("DESCRIBE data").fetchall()}


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (np.arange(10, dtype=np.int64), "c"),  # rising
        (np.arange(10, 0, -1, dtype=np.int64), "c"),  # falling
        (pd.date_range("2024-01-01", periods=10, freq="s"), "c"),  # timestamps
        (np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 8]), None),  # a tie in the last batch
        (np.array([0, 1, 2, 3, 2, 5, 6, 7, 8, 9]), None),  # a turn across batches
        (pd.array([0, 1, 2, None, 4, 5, 6, 7, 8, 9], dtype="Int64"), None),  # a gap
    ],
)
def test_a_strictly_ordered_column_is_found_across_batches(
    tmp_path: Path, column: object, expected: str | None
) -> None:
    con = _connection(pd.DataFrame({"c": column, "v": np.zeros(10, np.int64)}), tmp_path)
    assert monotonic_column(con, _types(con), rows=3) == expected


@pytest.mark.parametrize("with_id", [False, True])
def test_duplicate_rows_are_counted_exactly(tmp_path: Path, with_id: bool) -> None:
    frame = decision_log(3000).drop(columns=["income", "age", "score"])
    frame = pd.concat([frame, frame.iloc[:150]], ignore_index=True)  # 150 repeats and more
    if with_id:  # an id in shuffled order proves nothing: the rows are hashed
        frame.insert(0, "id", np.random.default_rng(0).permutation(len(frame)))
    path = tmp_path / "d.parquet"
    frame.to_parquet(path, index=False)
    source = DuckDBSource(resolve_data(path))
    try:
        counted = source.column_stats(list(frame.columns)).duplicate_rows
    finally:
        source.close()
    assert counted == count_duplicate_rows(frame) == (0 if with_id else frame.duplicated().sum())
    assert with_id or counted >= 150


def test_a_rising_id_proves_no_duplicate_rows(tmp_path: Path) -> None:
    frame = decision_log(3000)
    frame.insert(0, "id", np.arange(len(frame)))
    path = tmp_path / "d.parquet"
    frame.to_parquet(path, index=False)
    source = DuckDBSource(resolve_data(path))
    try:
        assert source.column_stats(["income"]).duplicate_rows == 0
    finally:
        source.close()


def test_an_audit_reads_the_files_four_times(
    log_files: dict[str, Path], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Column statistics with the score's range, cells, the sample (its strata counted from
    the cells), and duplicate rows, because this log has no ordered id column."""
    monkeypatch.setattr("trustscan.out_of_core.SAMPLE_ROWS", 1000)
    with caplog.at_level(logging.DEBUG, logger="trustscan.stats.sources.duckdb"):
        audit(log_files["parquet"], "duckdb", sensitive=("sex", "race"))
    messages = [r.getMessage() for r in caplog.records]
    assert any("sum(__rows) AS __n FROM __cells" in m for m in messages)
    reads = [m for m in messages if "FROM data" in m and "SELECT count(*) FROM data" not in m]
    assert len(reads) == 4, "\n".join(reads)
