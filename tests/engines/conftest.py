"""Shared data and runners for the engine tests: one audit, several engines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from trustscan.config import make_scan_config
from trustscan.pipeline import run_audit
from trustscan.report.json_format import render

COUNTS_CHECKS = ("data.quality", "fairness.selection_rate", "fairness.error_rates")
"""Checks whose numbers must be identical on every engine (counts and count bootstraps)."""
PERFORMANCE_CHECKS = ("performance.overall", "performance.group_gap", "performance.calibration")
FAST_CHECKS = (
    *COUNTS_CHECKS,
    "fairness.data_bias",
    "leakage.output_inference",
    *PERFORMANCE_CHECKS,
    "trace.provenance",
)
"""What the engine tests run: every counts-only check and a few row-level ones (the slow
searches add nothing to an engine comparison)."""


def decision_log(rows: int, seed: int = 1, *, score_decimals: int | None = 3) -> pd.DataFrame:
    """A predictions-only decision log: two sensitive columns (one with gaps, one numeric
    with many values, so quartiles), decision, score, outcome and three other columns."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["female", "male"], dtype=object), rows)
    race = rng.choice(np.array(["a", "b", "c", None], dtype=object), rows, p=[0.5, 0.3, 0.15, 0.05])
    score = rng.random(rows)
    if score_decimals is not None:
        score = np.round(score, score_decimals)
    decision = (score + (sex == "male") * 0.1 > 0.55).astype(np.int64)
    return pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "age": rng.integers(18, 80, rows),
            "decision": decision,
            "score": score,
            "outcome": (rng.random(rows) < score).astype(np.int64),
            "income": rng.normal(50, 10, rows).round(1),
            "tenure": rng.integers(0, 30, rows),
            "channel": rng.choice(np.array(["web", "branch", "phone"], dtype=object), rows),
        }
    )


def audit(data: Path | str, engine: str, **options: Any) -> dict[str, Any]:
    """The JSON report of a predictions-only audit of ``data`` on ``engine``."""
    cli = {
        "data": str(data),
        "predictions": "decision",
        "scores": "score",
        "target": "outcome",
        "sensitive": ("sex", "race", "age"),
        "engine": engine,
        **options,
    }
    settings = {"only": list(FAST_CHECKS), "stats": {"bootstrap_resamples": 200}}
    config = make_scan_config(cli, cwd=Path(str(data)).parent, settings=(settings, None))
    report: dict[str, Any] = json.loads(render(run_audit(config)))
    return report


def result(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(r for r in report["results"] if r["check_id"] == check_id)


@pytest.fixture(scope="module")
def log_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("logs")
    frame = decision_log(6000)
    frame.to_csv(folder / "log.csv", index=False)
    frame.to_parquet(folder / "log.parquet", index=False)
    parts = folder / "parts"
    parts.mkdir()
    for i, start in enumerate(range(0, len(frame), 2000)):
        frame.iloc[start : start + 2000].to_parquet(parts / f"part-{i}.parquet", index=False)
    return {"csv": folder / "log.csv", "parquet": folder / "log.parquet", "parts": parts}
