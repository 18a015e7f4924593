"""data.quality passes on clean data and fails/warns on planted problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trustscan.checks.data.quality import DataQualityCheck
from trustscan.config import make_scan_config
from trustscan.context_files import build_context
from trustscan.policy import Policy
from trustscan.types import Status


def context_for(frame: pd.DataFrame, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    config = make_scan_config({"data": str(path), "predictions": "p"}, cwd=tmp_path)
    return build_context(config)


def clean_frame(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {"x": rng.normal(size=n), "z": rng.integers(0, 5, n), "p": rng.integers(0, 2, n)}
    )


def test_clean_data_passes(tmp_path: Path) -> None:
    result = DataQualityCheck().run(context_for(clean_frame(), tmp_path), Policy())
    assert result.status is Status.PASS
    assert result.metrics["duplicate_rows"] == 0


def test_mostly_missing_feature_warns_with_its_share(tmp_path: Path) -> None:
    frame = clean_frame()
    frame.loc[:19, "x"] = np.nan  # 10% missing > 5% default
    result = DataQualityCheck().run(context_for(frame, tmp_path), Policy())
    assert result.status is Status.WARN
    finding = result.findings[0]
    assert finding.subject == "x"
    assert finding.evidence[0].estimate == 0.1


def test_entirely_empty_feature_fails(tmp_path: Path) -> None:
    frame = clean_frame()
    frame["x"] = np.nan
    result = DataQualityCheck().run(context_for(frame, tmp_path), Policy())
    assert result.status is Status.FAIL


def test_duplicates_and_constant_columns_warn(tmp_path: Path) -> None:
    frame = pd.concat([clean_frame(100)] * 2, ignore_index=True)
    frame["const"] = 3
    result = DataQualityCheck().run(context_for(frame, tmp_path), Policy())
    assert result.status is Status.WARN
    assert result.metrics["duplicate_rows"] == 100
    assert result.metrics["constant_features"] == ["const"]
