"""Smoke tests for the per-check benchmarks: each must keep running on a context production
builds (``benchmarks/contexts.py``). Timings are printed, never asserted; what is asserted is
that every check it times ran and printed its figure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(script: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_performance_benchmark_times_the_three_checks() -> None:
    out = run("bench_performance.py", "--rows", "20000", "--reps", "1")
    for check in ("performance.overall", "performance.group_gap", "performance.calibration"):
        assert f"{check:28} median" in out, out


@pytest.mark.slow
def test_fairness_benchmark_times_the_fairness_section() -> None:
    out = run("bench_fairness.py", "--rows", "20000", "--reps", "1", "--only", "trustscan")
    assert "trustscan fairness section (1000 bootstrap resamples): median" in out, out


@pytest.mark.slow
def test_leakage_benchmark_times_the_checks_and_reports_the_probes() -> None:
    out = run("bench_leakage.py", "--rows", "5000", "--reps", "1")
    assert "all three" in out and "probe AUC for gender" in out, out


@pytest.mark.slow
def test_explain_benchmark_times_the_four_checks() -> None:
    out = run("bench_explain.py", "--rows", "3000", "--reps", "1")
    for check in ("counterfactual_flip", "feature_importance", "group_importance"):
        assert f"explain.{check}    " in out, out
    assert "explain.disparity_drivers" in out, out
    assert "all four explain checks" in out, out
