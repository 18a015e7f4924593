"""Model mode out of core: the model predicts in batches, the log is audited out of core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from tests.engines.conftest import COUNTS_CHECKS, audit, decision_log, result
from trustscan.loading import batch_predict


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("model")
    frame = decision_log(3000).drop(columns=["decision", "score"])
    inputs = ["income", "tenure"]
    model = LogisticRegression().fit(frame[inputs], frame["outcome"])
    sio.dump(model, folder / "m.skops")
    frame[["sex", "race", "age", *inputs, "outcome"]].to_parquet(folder / "d.parquet", index=False)
    return folder / "d.parquet", folder / "m.skops"


def _model_audit(data: Path, model: Path, engine: str) -> dict[str, Any]:
    return audit(
        data, engine, model=str(model), features=("income", "tenure"), predictions=None,
        scores=None,
    )  # fmt: skip


def test_batches_of_the_model_give_the_counts_of_an_in_memory_audit(
    scored: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, model = scored
    monkeypatch.setattr(batch_predict, "BATCH_ROWS", 700)  # 5 batches, the last one short
    memory = _model_audit(data, model, "memory")
    duckdb = _model_audit(data, model, "duckdb")
    notes = " ".join(duckdb["notes"])
    assert "The model predicted all 3,000 rows in 5 batches of at most 700" in notes
    assert "rows of d.parquet with the model's predictions" in notes
    assert duckdb["inputs"]["model_path"] == str(model)
    assert duckdb["inputs"]["mode"] == memory["inputs"]["mode"] == "model"
    for check_id in COUNTS_CHECKS:
        mine, theirs = result(memory, check_id), result(duckdb, check_id)
        assert theirs["status"] == mine["status"], check_id
        assert theirs["metrics"] == mine["metrics"], check_id


def test_the_predicted_log_holds_every_row_with_its_decision_and_score(
    scored: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustscan.loading.datasets import resolve_data
    from trustscan.loading.models import load_model

    data, model_path = scored
    monkeypatch.setattr(batch_predict, "BATCH_ROWS", 1000)
    model = load_model(model_path)
    log = batch_predict.predict_in_batches(resolve_data(data), model, ["income", "tenure"], 1)
    written = pd.read_parquet(log.files.paths[0])
    frame = pd.read_parquet(data)
    assert (log.rows, log.batches, log.decision, log.score) == (
        3000,
        3,
        "model_decision",
        "model_score",
    )
    pd.testing.assert_frame_equal(written[frame.columns.tolist()], frame)
    expected = model.estimator.predict_proba(frame[["income", "tenure"]])[:, 1]
    np.testing.assert_allclose(written["model_score"], expected, rtol=0, atol=0)
    np.testing.assert_array_equal(
        written["model_decision"], model.estimator.predict(frame[["income", "tenure"]])
    )
    folder = Path(log.folder.name)
    log.folder.cleanup()
    assert not folder.exists()
