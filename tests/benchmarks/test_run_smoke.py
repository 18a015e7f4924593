"""Smoke test for ``benchmarks/run.py --quick``: the benchmark script must keep running.

Timings are not asserted (speed is measured by the script, never in tests); only that every
part ran and wrote a well-formed JSON of figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_runs_and_writes_figures(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--quick",
            "--only",
            "predictions",
            "issue-csv",
            "peers",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
            "--aequitas-python",
            str(tmp_path / "no-such-venv" / "python"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    (row,) = figures["figures"]
    assert row["rows"] == 2_000
    assert row["predictions_scan_s"] > 0 and row["predictions_peak_mb"] > 0
    assert row["fairness_section_s"] > 0
    assert row["issue_csv_scan_s"] > 0 and set(row["csv_read_s"]) == {
        "pandas read_csv",
        "duckdb read_csv",
    }
    assert row["ratio_fairlearn_boot100_extrapolated_over_trustscan_fairness"] > 0
    assert any("Aequitas" in s for s in figures["skipped"])
    assert "medians" in done.stdout
