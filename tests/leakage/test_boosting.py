"""The probes' numpy gradient-boosted trees against scikit-learn's HistGradientBoosting on the
same data: the held-out AUCs (what the probes judge by) agree."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import roc_auc_score

from trustscan.stats.boosting import Booster, fit_bins


def _hgb(categorical: list[bool]) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        categorical_features=categorical,
        max_iter=40,
        learning_rate=0.15,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=0,
    )


def _xor(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """The attribute is readable only from two inputs together (each alone says nothing)."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    group = np.where(rng.random(n) < 0.1, 1 - (a ^ b), a ^ b)
    category = rng.integers(0, 12, n)
    group = np.where((category == 3) & (rng.random(n) < 0.5), 1, group)
    matrix = np.column_stack(
        [a + rng.normal(0, 0.3, n), b + rng.normal(0, 0.3, n), category, rng.normal(size=n)]
    ).astype(float)
    matrix[rng.random(n) < 0.05, 3] = np.nan
    return matrix, group, [False, False, True, False]


@pytest.mark.parametrize("seed", [0, 1])
def test_an_interaction_is_recovered_as_well_as_by_histgradientboosting(seed: int) -> None:
    matrix, group, categorical = _xor(8000, seed)
    fit, held = slice(0, 4000), slice(4000, None)
    ours = Booster().classifier(matrix[fit], categorical, group[fit]).predict_proba(matrix[held])
    theirs = _hgb(categorical).fit(matrix[fit], group[fit]).predict_proba(matrix[held])
    auc_ours = roc_auc_score(group[held], ours[:, 1])
    auc_theirs = roc_auc_score(group[held], theirs[:, 1])
    assert auc_ours > 0.85 and auc_ours == pytest.approx(auc_theirs, abs=0.01)
    # neither input alone reveals the attribute
    assert abs(roc_auc_score(group[held], matrix[held, 0]) - 0.5) < 0.05


def test_multiclass_probabilities_match_histgradientboosting_auc() -> None:
    rng = np.random.default_rng(4)
    n = 10000
    k = rng.integers(0, 5, n)
    matrix = np.column_stack(
        [
            k + rng.normal(0, 2, n),
            (k == 2) * rng.normal(1, 1, n) + rng.normal(size=n),
            rng.integers(0, 7, n),
        ]
    ).astype(float)
    matrix[rng.random(n) < 0.05, 0] = np.nan
    fit, held = slice(0, 5000), slice(5000, None)
    categorical = [False, False, True]
    ours = Booster().classifier(matrix[fit], categorical, k[fit]).predict_proba(matrix[held])
    theirs = _hgb(categorical).fit(matrix[fit], k[fit]).predict_proba(matrix[held])
    assert ours.shape == theirs.shape and np.allclose(ours.sum(axis=1), 1)
    auc = [roc_auc_score(k[held], p, multi_class="ovr") for p in (ours, theirs)]
    assert auc[0] == pytest.approx(auc[1], abs=0.01)


def test_unrelated_inputs_give_a_chance_auc() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(6000, 6))
    group = rng.integers(0, 2, 6000)
    proba = (
        Booster().classifier(matrix[:3000], [False] * 6, group[:3000]).predict_proba(matrix[3000:])
    )
    assert abs(roc_auc_score(group[3000:], proba[:, 1]) - 0.5) < 0.04


def test_regressor_follows_the_target_like_histgradientboosting() -> None:
    rng = np.random.default_rng(2)
    matrix = rng.normal(size=(6000, 4))
    y = matrix[:, 0] * matrix[:, 1] + np.sin(matrix[:, 2]) + 0.1 * rng.normal(size=6000)
    ours = Booster(iterations=60, learning_rate=0.1, depth=5).regressor(
        matrix[:3000], [False] * 4, y[:3000]
    )
    theirs = HistGradientBoostingRegressor(max_iter=60, random_state=0).fit(matrix[:3000], y[:3000])
    r2 = [
        1 - np.var(m.predict(matrix[3000:]) - y[3000:]) / np.var(y[3000:]) for m in (ours, theirs)
    ]
    assert r2[0] > 0.8 and r2[0] == pytest.approx(r2[1], abs=0.05)


def test_bins_keep_missing_values_and_unseen_categories_apart() -> None:
    matrix = np.array([[1.0, 0.0], [2.0, 1.0], [np.nan, 2.0], [3.0, np.nan]])
    bins = fit_bins(matrix, [False, True], max_bins=64)
    binned = bins.apply(np.vstack([matrix, [[2.5, 9.0]]]))
    assert binned[:, 0].tolist() == [1, 2, 0, 3, 3]  # missing is bin 0, below every number
    assert binned[:, 1].tolist() == [1, 2, 3, 0, 0]  # an unseen category counts as missing


def test_the_learner_is_deterministic() -> None:
    matrix, group, categorical = _xor(3000, 3)
    first, second = (
        Booster().classifier(matrix, categorical, group).predict_proba(matrix) for _ in range(2)
    )
    np.testing.assert_array_equal(first, second)
