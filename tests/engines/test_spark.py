"""Spark's bad input: --engine spark without pyspark is a one-line error.

The Spark source (``stats/sources/spark.py``) gave the same cells and column statistics as
DuckDB when run by hand; tests that start a JVM are not in the suite yet (a Spark session
started inside pytest hung in this project's runs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.engines.conftest import decision_log
from trustscan.cli import main


def test_spark_without_pyspark_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    data = tmp_path / "d.parquet"
    decision_log(100).to_parquet(data, index=False)
    done = CliRunner().invoke(
        main,
        ["scan", "--data", str(data), "--engine", "spark", "--predictions", "decision",
         "-s", "sex", "--no-ledger", "-q", "--json", str(tmp_path / "r.json")],
    )  # fmt: skip
    assert done.exit_code == 2
    assert "--engine spark needs pyspark" in done.output
    assert len(done.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()
