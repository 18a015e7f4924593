"""Fixtures for the explainability checks: the demo's recruiting model and small synthetic
models with a known answer (gender used as an input, or not at all)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from tests.context_builders import model_context
from trustscan.context import AuditContext
from trustscan.demo import CASES, build_model, sample_data_path
from trustscan.loading import read_table

NUMERIC = ["experience", "score"]


def applicants(n: int = 1200, seed: int = 0, *, gender_effect: float = 0.0) -> pd.DataFrame:
    """Applicants with a string categorical (``city``); ``gender_effect`` plants direct use."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["female", "male"], size=n),
            "city": rng.choice(["north", "south", "east"], size=n),
            "experience": rng.integers(0, 20, size=n),
            "score": rng.normal(50, 10, size=n).round(2),
        }
    )
    logit = (
        0.2 * (frame["experience"] - 10)
        + 0.1 * (frame["score"] - 50)
        + 0.5 * (frame["city"] == "north")
        + gender_effect * (frame["gender"] == "male")
    )
    frame["hired"] = rng.binomial(1, 1 / (1 + np.exp(-logit)))
    return frame


def pipeline(categorical: list[str]) -> Pipeline:
    """A user-style Pipeline: one-hot strings, scale numbers, logistic regression."""
    return Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
                        ("num", StandardScaler(), NUMERIC),
                    ]
                ),
            ),
            ("classify", LogisticRegression(max_iter=1000)),
        ]
    )


@pytest.fixture(scope="session")
def recruiting_ctx() -> AuditContext:
    """The demo's recruiting case: the same Pipeline, trained on the sample data."""
    case = next(c for c in CASES if c.name == "recruiting")
    data = read_table(sample_data_path(case))
    features = list(case.features)
    model = build_model(case).fit(data.loc[:, features], data[case.target])
    return model_context(
        data, model, features=features, sensitive=list(case.sensitive), target=case.target
    )


@pytest.fixture(scope="session")
def gender_input_ctx() -> AuditContext:
    """A model that takes gender as an input and was trained on labels that depend on it."""
    data = applicants(gender_effect=2.0)
    features = ["gender", "city", *NUMERIC]
    model = pipeline(["gender", "city"]).fit(data[features], data["hired"])
    return model_context(data, model, features=features, sensitive=["gender"], target="hired")


@pytest.fixture(scope="session")
def fair_ctx() -> AuditContext:
    """A model without gender among its inputs, trained on gender-independent labels."""
    data = applicants(seed=1)
    features = ["city", *NUMERIC]
    model = pipeline(["city"]).fit(data[features], data["hired"])
    return model_context(data, model, features=features, sensitive=["gender"], target="hired")
