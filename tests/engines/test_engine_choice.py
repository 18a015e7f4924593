"""``--engine``, ``--table`` and ``--data`` globs and folders: choices and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.engines.conftest import decision_log
from trustscan.cli import main


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["scan", *args, "--no-ledger", "-q"])
    return result.exit_code, result.output


@pytest.fixture()
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    frame = decision_log(400)
    frame.iloc[:200].to_parquet(folder / "a.parquet", index=False)
    frame.iloc[200:].to_parquet(folder / "b.parquet", index=False)
    return folder


ARGS = ("--predictions", "decision", "--target", "outcome", "-s", "sex")


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_a_glob_and_a_folder_audit_every_file(logs: Path, tmp_path: Path, engine: str) -> None:
    for data in (str(logs / "*.parquet"), str(logs)):
        out = tmp_path / f"{engine}.json"
        code, output = scan("--data", data, *ARGS, "--engine", engine, "--json", str(out))
        assert code < 2, output
        assert json.loads(out.read_text())["inputs"]["n_rows"] == 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--engine", "sql"), "Invalid value for '--engine'"),
        (("--table", "logs"), "--table names a Spark catalog table"),
        (("--engine", "duckdb", "--data", "nothing/*.parquet"), "no CSV or Parquet file matches"),
    ],
)
def test_bad_engine_options_are_one_line_errors(
    logs: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    data = () if "--data" in args else ("--data", str(logs))
    out = tmp_path / "r.json"
    code, output = scan(*data, *args, *ARGS, "--json", str(out))
    assert code == 2
    assert message in output
    assert len(output.strip().splitlines()) == 1
    assert not out.exists()


def test_files_with_different_schemas_are_refused(logs: Path, tmp_path: Path) -> None:
    pd.DataFrame({"sex": ["a"], "decision": [1]}).to_parquet(logs / "c.parquet", index=False)
    out = tmp_path / "r.json"
    for engine in ("memory", "duckdb"):
        code, output = scan("--data", str(logs), *ARGS, "--engine", engine, "--json", str(out))
        assert code == 2, output
        assert "different schema" in output and "c.parquet" in output
        assert len(output.strip().splitlines()) == 1
        assert not out.exists()


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_an_unreadable_file_in_a_glob_is_a_one_line_error(
    logs: Path, tmp_path: Path, engine: str
) -> None:
    (logs / "c.parquet").write_bytes(b"PAR1 not really parquet")
    out = tmp_path / "r.json"
    code, output = scan(
        "--data", str(logs / "*.parquet"), *ARGS, "--engine", engine, "--json", str(out)
    )
    assert code == 2, output
    assert "c.parquet" in output
    assert len(output.strip().splitlines()) == 1
    assert not out.exists()


def test_csv_and_parquet_together_are_refused(logs: Path) -> None:
    decision_log(10).to_csv(logs / "c.csv", index=False)
    code, output = scan("--data", str(logs), *ARGS)
    assert code == 2
    assert "mixes CSV and Parquet" in output


def test_the_same_schema_in_every_file_is_accepted(logs: Path) -> None:
    code, output = scan("--data", str(logs), *ARGS, "--engine", "duckdb")
    assert code < 2, output
