"""Redundant copies are permuted together, so a copy cannot make a used input read as unused."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.context_builders import predictions_context
from trustscan.checks.leakage.influence import permutation_influence, redundant_copies


def _frame(n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    club = rng.integers(0, 2, n)
    x = rng.normal(size=n)
    return pd.DataFrame(
        {
            "club": club,
            "club_copy": np.where(club == 1, "member", "none"),  # a recoding of club
            "x": x,
            "x_scaled": 3 * x + 1,  # a numeric copy
            "other": rng.integers(0, 2, n),  # unrelated
            "row_id": np.arange(n).astype(str),  # an identifier, not a copy of anything
        }
    )


def test_recodings_and_numeric_copies_are_found_and_unrelated_columns_are_not() -> None:
    frame = _frame()
    assert redundant_copies(frame, "club") == ["club_copy"]
    assert redundant_copies(frame, "x") == ["x_scaled"]
    assert redundant_copies(frame, "other") == []


def test_a_feature_whose_copy_drives_the_model_is_not_read_as_unused() -> None:
    frame = _frame()

    def predict(f: pd.DataFrame) -> np.ndarray:  # the model uses the copy only
        decisions: np.ndarray = (f["club_copy"].to_numpy() == "member").astype(int)
        return decisions

    logged = frame.assign(decision=predict(frame), sex=frame["other"])
    ctx = predictions_context(logged, predictions="decision", sensitive=["sex"])
    assert ctx.task == "binary"
    rng = np.random.default_rng(1)
    alone = permutation_influence(ctx, predict, frame, ["club"], rng)
    assert alone["club"] == 0.0  # the old reading: "barely used (0.0%)"
    together = {"club": redundant_copies(frame, "club")}
    grouped = permutation_influence(ctx, predict, frame, ["club"], rng, together)
    assert grouped["club"] > 0.4  # about half the decisions change when both move
