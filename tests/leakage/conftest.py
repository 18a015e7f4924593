"""Fixtures for the leakage tests: in-memory audit contexts and small sample models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from context_builders import model_context
from threadpoolctl import threadpool_limits

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
    """A predictions-only binary context (logged decisions and/or scores, no model)."""
    score_values = data[scores].to_numpy(dtype=float) if scores else None
    if predictions:
        decisions = data[predictions].to_numpy()
    else:
        assert score_values is not None
        decisions = (score_values >= 0.5).astype(int)
    return AuditContext(
        data=data,
        features=data.loc[:, features],
        sensitive=data.loc[:, sensitive],
        target_name=target,
        y_true=data[target].to_numpy() if target else None,
        predictions=np.asarray(decisions),
        scores=score_values,
        proba=None,
        task="binary",
        classes=None,
        positive_label=1,
        model=None,
        seed=seed,
        data_path=Path("memory.csv"),
        model_path=None,
        predictions_column=predictions,
        scores_column=scores,
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
