"""Parquet input: the context reads only the columns the audit uses."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from tests.context_builders import scan_config
from trustscan.config import ScanConfig
from trustscan.context_files import build_context
from trustscan.errors import InputError


def _config(data: Path, model: Path | None, **overrides: object) -> ScanConfig:
    base = scan_config(data_path=data, model_path=model, target="y", sensitive=("gender",))
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type,unused-ignore]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "applicant_id": np.arange(n),
            "gender": rng.choice(["female", "male"], n),
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "free_text_notes": ["note"] * n,
            "y": rng.integers(0, 2, n),
            "decision": rng.integers(0, 2, n),
        }
    )
    data = tmp_path / "d.parquet"
    frame.to_parquet(data)
    model = tmp_path / "m.skops"
    sio.dump(LogisticRegression().fit(frame[["x1", "x2"]], frame["y"]), model)
    return data, model


def test_model_mode_reads_only_inputs_target_sensitive_and_ids(files: tuple[Path, Path]) -> None:
    data, model = files
    ctx = build_context(_config(data, model))
    assert list(ctx.data.columns) == ["applicant_id", "gender", "x1", "x2", "y"]
    assert ctx.feature_names == ("x1", "x2")
    assert any("Read 5 of 7 columns" in note for note in ctx.notes)


def test_predictions_mode_without_features_reads_every_column(files: tuple[Path, Path]) -> None:
    data, _ = files
    ctx = build_context(_config(data, None, predictions_column="decision"))
    assert ctx.data.shape[1] == 7
    assert "free_text_notes" in ctx.feature_names  # a candidate proxy, so it is read


def test_predictions_mode_with_features_reads_only_those(files: tuple[Path, Path]) -> None:
    data, _ = files
    ctx = build_context(_config(data, None, predictions_column="decision", features=("x1",)))
    assert list(ctx.data.columns) == ["applicant_id", "gender", "x1", "y", "decision"]


def test_a_missing_column_is_still_named_in_the_error(files: tuple[Path, Path]) -> None:
    data, model = files
    with pytest.raises(InputError, match="'ethnicity'"):
        build_context(_config(data, model, sensitive=("ethnicity",)))
