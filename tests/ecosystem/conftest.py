"""Fixtures for the ecosystem tests: the recruiting demo model fitted in memory, and the same
model and data as files for the command-line side of each comparison."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

# Fewer resamples and smaller samples keep each audit about a second; every check still runs.
FAST_POLICY: dict[str, Any] = {
    "stats": {"bootstrap_resamples": 200},
    "leakage": {"sample_size": 2000},
    "explain": {"sample_size": 1000, "repeats": 2},
}
FAST_POLICY_TOML = """
[stats]
bootstrap_resamples = 200

[leakage]
sample_size = 2000

[explain]
sample_size = 1000
repeats = 2
"""


@dataclass(frozen=True)
class Fitted:
    data: pd.DataFrame
    model: Any
    target: str
    sensitive: tuple[str, ...]
    data_path: Path
    model_path: Path


@pytest.fixture(scope="session")
def recruiting(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    import skops.io as sio

    from trustscan.demo import CASES, build_model, sample_data_path

    case = next(c for c in CASES if c.name == "recruiting")
    data = pd.read_csv(sample_data_path(case))
    model = build_model(case).fit(data.loc[:, list(case.features)], data[case.target])
    folder = tmp_path_factory.mktemp("recruiting")
    model_path = folder / "model.skops"
    sio.dump(model, model_path)
    return Fitted(data, model, case.target, case.sensitive, sample_data_path(case), model_path)
