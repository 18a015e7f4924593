"""stats.thresholds: the same decisions as fairlearn's ThresholdOptimizer (the reference) on
the same scores, labels, groups and seed."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

from trustscan.stats.thresholds import apply_rules, fit_rules


class ScoresAsModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # untyped bases
    """A fitted 'classifier' whose prediction is its one input column."""

    def __init__(self) -> None:
        self.classes_ = np.array([0, 1])

    def fit(self, x: Any, y: Any) -> ScoresAsModel:
        return self

    def predict(self, x: Any) -> np.ndarray:
        return np.asarray(x, dtype=float)[:, 0]


def _fairlearn(
    scores: np.ndarray, y: np.ndarray, groups: np.ndarray, fit: slice, held: slice, constraint: str
) -> np.ndarray:
    optimizer = ThresholdOptimizer(
        estimator=ScoresAsModel(),
        constraints=constraint,
        objective="accuracy_score",
        prefit=True,
        predict_method="predict",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer.fit(scores[fit].reshape(-1, 1), y[fit], sensitive_features=groups[fit])
        out = optimizer.predict(
            scores[held].reshape(-1, 1), sensitive_features=groups[held], random_state=7
        )
    return np.asarray(out, dtype=bool)


def _data(seed: int, levels: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 6000
    groups = rng.choice(np.array(["a", "b", "c"]), size=n, p=[0.5, 0.3, 0.2])
    y = (rng.random(n) < np.where(groups == "a", 0.5, 0.3)).astype(int)
    scores = 1 / (1 + np.exp(-(1.5 * y - 0.6 * (groups == "b") + rng.normal(size=n))))
    if levels:  # ties, as on the preview's quantile levels
        scores = np.floor(scores * 200)
    return scores, y, groups


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
@pytest.mark.parametrize(("seed", "levels"), [(0, False), (1, True), (2, True)])
def test_decisions_equal_fairlearn_threshold_optimizer(
    constraint: str, seed: int, levels: bool
) -> None:
    scores, y, groups = _data(seed, levels)
    fit, held = slice(0, 3000), slice(3000, None)
    expected = _fairlearn(scores, y, groups, fit, held, constraint)
    rules = fit_rules(scores[fit], y[fit], groups[fit], constraint)
    ours = apply_rules(rules, scores[held], groups[held], seed=7)
    np.testing.assert_array_equal(ours, expected)


def test_degenerate_labels_are_refused_like_fairlearn() -> None:
    scores, y, groups = _data(0, False)
    y[groups == "c"] = 1
    with pytest.raises(ValueError, match="Degenerate labels"):
        fit_rules(scores, y, groups, "demographic_parity")
