"""Suite-wide fixtures: no network for any test, sample data and small saved models."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "sample_data"


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to reach the network."""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """trustscan must never touch the network at run time: any socket connect fails loudly."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise NetworkBlocked(f"network access attempted: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkBlocked(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


@pytest.fixture(scope="session")
def sample_data_dir() -> Path:
    return SAMPLE_DATA


def make_applicants(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """A small applicant table with string categoricals, for user-style Pipelines."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "applicant_id": np.arange(n),
            "gender": rng.choice(["female", "male"], size=n),
            "race": rng.choice(["a", "b", "c"], size=n),
            "city": rng.choice(["north", "south", "east"], size=n),
            "experience": rng.integers(0, 20, size=n),
            "score": rng.normal(50, 10, size=n).round(2),
        }
    )
    logit = 0.15 * (frame["experience"] - 10) + 0.08 * (frame["score"] - 50)
    frame["hired"] = rng.binomial(1, 1 / (1 + np.exp(-logit)))
    return frame


@pytest.fixture(scope="session")
def applicants_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "applicants.csv"
    make_applicants().to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def pipeline_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Pipeline with ColumnTransformer + OneHotEncoder on string columns, saved with skops."""
    import skops.io as sio
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = make_applicants()
    features = ["city", "experience", "score"]
    model = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("cat", OneHotEncoder(handle_unknown="ignore"), ["city"]),
                        ("num", StandardScaler(), ["experience", "score"]),
                    ]
                ),
            ),
            ("classify", LogisticRegression()),
        ]
    ).fit(frame[features], frame["hired"])
    path = tmp_path_factory.mktemp("models") / "pipeline.skops"
    sio.dump(model, path)
    return path


@pytest.fixture(scope="session")
def hgb_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HistGradientBoostingClassifier saved with skops (needs TreePredictor trusted)."""
    import skops.io as sio
    from sklearn.ensemble import HistGradientBoostingClassifier

    frame = make_applicants()
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(
        frame[["experience", "score"]], frame["hired"]
    )
    path = tmp_path_factory.mktemp("models") / "hgb.skops"
    sio.dump(model, path)
    return path
