"""The DuckDB source reads the files a fixed few times, and its shortcuts keep exact counts."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.engines.conftest import audit, decision_log
from trustscan.loading.datasets import resolve_data
from trustscan.stats.sources import duckdb_cells
from trustscan.stats.sources.base import Roles
from trustscan.stats.sources.duckdb import DuckDBSource
from trustscan.stats.sources.duckdb_sql import monotonic_column
from trustscan.stats.sources.memory import MemorySource, count_duplicate_rows


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
    """NaN counts with the score's distinct values, cells, the sample (its strata counted
    from the cells), and duplicate rows, because this log has no ordered id column."""
    monkeypatch.setattr("trustscan.out_of_core.SAMPLE_ROWS", 1000)
    with caplog.at_level(logging.DEBUG, logger="trustscan.stats.sources.duckdb"):
        audit(log_files["parquet"], "duckdb", sensitive=("sex", "race"))
    messages = [r.getMessage() for r in caplog.records]
    assert any("sum(__rows) AS __n FROM __cells" in m for m in messages)
    # Counts, minima and maxima alone are answered from the Parquet footers; the first
    # million rows (all of them here) are one read of the first row groups.
    footer = re.compile(r"[\d.]+ s  SELECT ((count|min|max)\([^()]*\)(, )?)+ FROM data")
    reads = [
        m
        for m in messages
        if "FROM data" in m
        and not footer.fullmatch(m)
        and not m.endswith("FROM data LIMIT 1000000")
    ]
    assert len(reads) == 4, "\n".join(reads)


def test_column_statistics_from_footers_match_pandas(tmp_path: Path) -> None:
    """Gaps (None and NaN), constant columns (one value, or nothing) and a score whose
    footer range is infinite are all counted as in memory."""
    frame = pd.DataFrame(
        {
            "f": [1.0, np.nan, 2.0, None, 3.0, 4.0],
            "same": [7, 7, 7, 7, 7, 7],
            "same_with_gap": [7.0, 7.0, np.nan, 7.0, 7.0, 7.0],
            "empty": pd.array([None] * 6, dtype="Int64"),
            "text": ["a", "b", None, "b", "a", "a"],
            "score": [0.1, 0.2, np.inf, 0.4, 0.5, 0.6],
        }
    )
    path = tmp_path / "d.parquet"
    frame.to_parquet(path, index=False)
    columns = ["f", "same", "same_with_gap", "empty", "text"]
    source = DuckDBSource(resolve_data(path))
    try:
        source.cells(Roles((), score="score"))  # the footers pass with the score's range
        engine = source.column_stats(columns)
        _, low, high = source._measured["score"]
    finally:
        source.close()
    memory = MemorySource(frame).column_stats(columns)
    assert engine.missing == memory.missing == {
        "f": 2, "same": 0, "same_with_gap": 1, "empty": 6, "text": 1
    }  # fmt: skip
    assert engine.constant == memory.constant == ("same", "empty")
    assert (low, high) == (0.1, 0.6)  # the finite range, not the footer's inf


def _scored_log(rows: int) -> pd.DataFrame:
    """Over 4,096 distinct scores (so binned), with every kind of score that is not a
    number, and gaps in a sensitive column."""
    frame = decision_log(rows, score_decimals=None)
    frame.loc[[3, 10], "score"] = np.inf
    frame.loc[[4], "score"] = -np.inf
    frame.loc[[5, 6], "score"] = np.nan
    frame.loc[rows - 1, "race"] = "zeta"  # a value only the last row has
    return frame


@pytest.mark.parametrize("dictionary_rows", [1_000_000, 100])
def test_cells_counted_in_numpy_equal_the_group_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dictionary_rows: int
) -> None:
    """Same cells, order, types and counts; a value the first rows miss falls back."""
    frame = _scored_log(6000)
    path = tmp_path / "d.parquet"
    frame.to_parquet(path, index=False)
    monkeypatch.setattr(duckdb_cells, "DICTIONARY_ROWS", dictionary_rows)
    used: list[bool] = []
    real = duckdb_cells.binned_cells

    def spy(*args: Any) -> pd.DataFrame | None:
        found: pd.DataFrame | None = real(*args)
        used.append(found is not None)
        return found

    monkeypatch.setattr(duckdb_cells, "binned_cells", spy)
    roles = Roles(("sex", "race"), "decision", "outcome", "score")
    counted = DuckDBSource(resolve_data(path))
    grouped = DuckDBSource(resolve_data(path))
    monkeypatch.setattr(grouped, "_counted_in_numpy", lambda keys, score: False)
    try:
        mine, theirs = counted.cells(roles), grouped.cells(roles)
    finally:
        counted.close()
        grouped.close()
    assert mine.binning == theirs.binning and not mine.binning.exact  # type: ignore[union-attr]
    pd.testing.assert_frame_equal(mine.frame, theirs.frame)
    np.testing.assert_array_equal(mine.weights, theirs.weights)
    assert mine.n_rows == 6000
    assert used == [dictionary_rows > 6000]  # "zeta" is in the dictionary, or not
