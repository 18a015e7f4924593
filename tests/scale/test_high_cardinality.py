"""High-cardinality and date sensitive columns finish in seconds with a small report and a note."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from trustscan.cli import main

N = 100_000


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("trustscan.toml").write_text(
        'only = ["fairness.", "performance.", "leakage.output_inference"]\n'
    )
    return tmp_path


def log(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    born = pd.Timestamp("2000-01-01") - pd.to_timedelta(rng.integers(0, 60 * 365, N), unit="D")
    return pd.DataFrame(
        {
            "customer_ref": [f"c{i:06d}" for i in range(N)],
            "income": rng.normal(50_000, 15_000, N).round(2),
            "dob": born.strftime("%Y-%m-%d"),
            "screened_at": "2020-01-01",
            "decision": rng.integers(0, 2, N),
            "outcome": rng.integers(0, 2, N),
        }
    )


def scan(*args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    result = CliRunner().invoke(
        main,
        ["scan", "--data", "log.csv", "--predictions", "decision", "--target", "outcome",
         *args, "--json", "r.json", "--html", "r.html", "--no-ledger"],
    )  # fmt: skip
    return result.exit_code, result.output, time.perf_counter() - started


def report() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path("r.json").read_text())
    return data


def test_100k_distinct_text_values_are_refused_in_seconds(in_tmp: Path) -> None:
    log().to_csv("log.csv", index=False)
    code, output, seconds = scan("--sensitive", "customer_ref")
    assert code == 2, output
    assert "'customer_ref' has 100,000 distinct values" in output
    assert seconds < 30
    assert not Path("r.json").exists()


def test_100k_distinct_numbers_are_binned_with_a_small_report(in_tmp: Path) -> None:
    log().to_csv("log.csv", index=False)
    code, output, seconds = scan("--sensitive", "income")
    assert code in (0, 1), output
    assert seconds < 60, seconds
    for path in ("r.json", "r.html"):
        assert Path(path).stat().st_size < 5_000_000, path
    check = next(r for r in report()["results"] if r["check_id"] == "fairness.selection_rate")
    assert len(check["metrics"]["groups"]) == 4  # quartiles


def test_date_of_birth_is_audited_as_age_bands_in_seconds(in_tmp: Path) -> None:
    log().to_csv("log.csv", index=False)
    code, output, seconds = scan("--sensitive", "dob")
    assert code in (0, 1), output
    assert seconds < 60, seconds
    data = report()
    assert any("age bands" in note for note in data["notes"])
    check = next(r for r in data["results"] if r["check_id"] == "fairness.selection_rate")
    assert len(check["metrics"]["groups"]) <= 6
    for path in ("r.json", "r.html"):
        assert Path(path).stat().st_size < 5_000_000, path


def test_detected_high_cardinality_and_date_columns_leave_a_note(in_tmp: Path) -> None:
    frame = log().rename(columns={"customer_ref": "ethnicity"})
    frame.to_csv("log.csv", index=False)
    code, output, seconds = scan()
    assert code in (0, 1), output
    assert seconds < 60, seconds
    notes = " ".join(report()["notes"])
    assert "'ethnicity' has 100,000 distinct values" in notes
    assert "dob" in notes and "age bands" in notes
    assert "screened_at" not in report()["inputs"]["sensitive"]
