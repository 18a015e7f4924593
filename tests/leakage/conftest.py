"""Fixtures for the leakage tests: in-memory audit contexts and small sample models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from tests.context_builders import model_context
from tests.context_builders import predictions_context as _predictions_context
from trustscan.context import AuditContext
from trustscan.policy import Policy, StatsPolicy


def predictions_context(
    data: pd.DataFrame,
    *,
    features: list[str],
    sensitive: list[str],
    target: str | None,
    predictions: str | None = None,
    scores: str | None = None,
    seed: int = 0,
) -> AuditContext:
    """A predictions-only binary context (logged decisions and/or scores, no model; 1 is the
    positive and favourable label; scores alone are cut at 0.5)."""
    return _predictions_context(
        data,
        features=features,
        sensitive=sensitive,
        target=target,
        predictions=predictions,
        scores=scores,
        positive_label=1,
        favourable_label=1,
        seed=seed,
    )


@pytest.fixture
def fast_policy() -> Policy:
    """Default thresholds with fewer bootstrap resamples, to keep the suite fast."""
    return Policy(stats=StatsPolicy(bootstrap_resamples=200))


@pytest.fixture(scope="session")
def sample_case() -> Callable[[str], tuple[Any, pd.DataFrame, Any]]:
    """``(case, data, fitted model)`` for a bundled sample, trained like ``trustscan demo``."""
    from trustscan.demo import CASES, build_model, sample_data_path
    from trustscan.loading import read_table

    cache: dict[str, tuple[Any, pd.DataFrame, Any]] = {}

    def load(name: str) -> tuple[Any, pd.DataFrame, Any]:
        if name not in cache:
            case = next(c for c in CASES if c.name == name)
            path = sample_data_path(case)
            if not path.exists():
                pytest.skip(f"sample data {path.name} not generated yet")
            data = read_table(path)
            # one OpenMP thread: HistGradientBoosting's default threads thrash on a busy 2-core box
            with threadpool_limits(limits=1, user_api="openmp"):
                model = build_model(case).fit(data.loc[:, list(case.features)], data[case.target])
            cache[name] = (case, data, model)
        return cache[name]

    return load


@pytest.fixture
def make_model_context() -> Callable[..., AuditContext]:
    return model_context


@pytest.fixture
def make_predictions_context() -> Callable[..., AuditContext]:
    return predictions_context
