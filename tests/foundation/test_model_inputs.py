"""Model inputs that a CSV stores as numbers or true/false although the model's encoder was
fitted on their text labels (zip codes, 'True'/'False' flags) are read back as text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from click.testing import CliRunner
from sklearn.compose import ColumnTransformer, make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from trustscan.cli import main
from trustscan.model_inputs import as_encoded_text, text_encoded_columns


def applicants(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "zip": rng.choice(["10115", "20095", "80331"], n),
            "owner": rng.choice(["True", "False"], n),
            "income": rng.normal(50, 10, n),
            "sex": rng.choice(["female", "male"], n),
        }
    )
    frame["approved"] = (frame["income"] + 5 * (frame["owner"] == "True") > 52).astype(int)
    return frame


def text_model(frame: pd.DataFrame) -> object:
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="error"), ["zip", "owner"]), (StandardScaler(), ["income"])
    )
    return make_pipeline(encode, LogisticRegression()).fit(
        frame[["zip", "owner", "income"]], frame["approved"]
    )


def test_a_model_fitted_on_text_codes_is_audited_from_the_csv(tmp_path: Path) -> None:
    frame = applicants()
    sio.dump(text_model(frame), tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert pd.read_csv(tmp_path / "d.csv")["zip"].dtype.kind == "i"  # what a CSV gives back
    result = CliRunner().invoke(
        main,
        [
            *("scan", "--data", str(tmp_path / "d.csv"), "--model", str(tmp_path / "m.skops")),
            *("--target", "approved", "--sensitive", "sex", "--json", str(tmp_path / "r.json")),
            "--no-ledger",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    notes = " ".join(json.loads((tmp_path / "r.json").read_text())["notes"])
    assert "Read 'zip', 'owner' as text: the model's encoder was fitted on text labels" in notes


def test_only_text_encoded_columns_read_as_numbers_change() -> None:
    frame = applicants()
    model = text_model(frame)
    assert text_encoded_columns(model) == {"zip", "owner"}
    read_back = frame.assign(zip=frame["zip"].astype(int), owner=frame["owner"] == "True")
    converted, note = as_encoded_text(read_back[["zip", "owner", "income"]], model)
    assert converted["zip"].tolist() == frame["zip"].tolist()
    assert converted["owner"].tolist() == frame["owner"].tolist()
    assert converted["income"].dtype.kind == "f" and note is not None
    unchanged, none = as_encoded_text(frame[["zip", "owner", "income"]], model)
    assert none is None and unchanged is not None


@pytest.mark.parametrize("selection", [[0, 1], [True, True, False]])
def test_columns_picked_by_position_or_mask_are_found(selection: list[object]) -> None:
    frame = applicants()[["zip", "owner", "income"]]
    encode = ColumnTransformer(
        [("codes", OrdinalEncoder(), selection)], remainder="passthrough"
    ).fit(frame)
    assert text_encoded_columns(encode) == {"zip", "owner"}


def test_an_encoder_fitted_on_numbers_is_left_alone() -> None:
    frame = applicants().assign(zip=lambda f: f["zip"].astype(int))
    encoder = OneHotEncoder().fit(frame[["zip"]])
    assert text_encoded_columns(encoder) == set()
