"""All groups at once give ``evaluate``'s numbers group by group, intervals included."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import sklearn.metrics as skm

from trustscan.stats.group_performance import evaluate_groups, group_auc
from trustscan.stats.metric_bootstrap import evaluate
from trustscan.stats.performance import PerformanceData


def _binary(n: int = 3000, seed: int = 0, groups: int = 4) -> tuple[PerformanceData, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, groups, n)
    y = rng.random(n) < 0.3 + 0.1 * codes
    score = np.round(np.clip(0.5 * y + rng.normal(0.25, 0.25, n), 0, 1), 2)  # ties
    pred = score >= 0.5
    return PerformanceData("binary", y, pred, score, probabilities=True), codes


@pytest.mark.parametrize("weighted", [False, True])
def test_every_group_matches_evaluate_on_its_rows(weighted: bool) -> None:
    data, codes = _binary()
    if weighted:
        data = PerformanceData(
            "binary",
            data.y,
            data.pred,
            data.score,
            probabilities=True,
            weight=np.random.default_rng(1).integers(1, 4, codes.size),
        )
    resamples = [200, 0, 200, 200]
    together = evaluate_groups(data, codes, 4, resamples=resamples, rng=np.random.default_rng(7))
    rng = np.random.default_rng(7)
    for g in range(4):
        alone = evaluate(data, np.flatnonzero(codes == g), resamples=resamples[g], rng=rng)
        assert together[g].n == alone.n
        assert together[g].estimate == pytest.approx(alone.estimate, rel=1e-12, nan_ok=True)
        assert together[g].replicates.keys() == alone.replicates.keys()
        for name, values in alone.replicates.items():
            np.testing.assert_allclose(together[g].replicates[name], values, rtol=1e-12)


def test_group_auc_matches_scikit_learn_and_is_nan_for_a_one_class_group() -> None:
    data, codes = _binary(groups=3)
    codes = codes.copy()
    y = np.asarray(data.y)
    codes[(codes == 2) & ~y] = 1  # group 2 now has positives only: AUC undefined
    auc = group_auc(data, codes, 4)  # group 3 is empty
    for g in (0, 1):
        member = codes == g
        assert auc[g] == pytest.approx(skm.roc_auc_score(y[member], data.score[member]))  # type: ignore[index]
    assert np.isnan(auc[2]) and np.isnan(auc[3])


def test_a_wrong_group_auc_would_be_caught() -> None:
    """The known answer fails for a different grouping: the comparison above can fail."""
    data, codes = _binary(groups=2)
    y = np.asarray(data.y)
    auc = group_auc(data, codes, 2)
    shuffled = np.random.default_rng(3).permutation(codes)
    assert auc[0] != pytest.approx(skm.roc_auc_score(y[shuffled == 0], data.score[shuffled == 0]))  # type: ignore[index]


def test_multiclass_and_regression_groups_match_evaluate() -> None:
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 3, 2000)
    multi = PerformanceData(
        "multiclass", rng.integers(0, 3, 2000), rng.integers(0, 3, 2000), n_classes=3
    )
    regression = PerformanceData("regression", rng.normal(size=2000), rng.normal(size=2000))
    for data in (multi, regression):
        together = evaluate_groups(data, codes, 3, resamples=[0, 0, 0])
        for g in range(3):
            alone = evaluate(data, np.flatnonzero(codes == g))
            assert together[g].estimate == pytest.approx(alone.estimate, rel=1e-12)


def test_all_rows_as_one_group_give_evaluate_on_all_rows() -> None:
    """How performance.overall reads its estimate (the groups' shared AUC sort)."""
    data, _ = _binary(n=5000)
    one = np.zeros(data.y.shape[0], dtype=np.int64)
    (together,) = evaluate_groups(data, one, 1, resamples=[300], rng=np.random.default_rng(5))
    alone = evaluate(data, resamples=300, rng=np.random.default_rng(5))
    assert together.estimate == pytest.approx(alone.estimate, rel=1e-12)
    for name, values in alone.replicates.items():
        np.testing.assert_allclose(together.replicates[name], values, rtol=1e-12)


def test_canonical_order_from_the_score_sort_is_the_lexsort() -> None:
    data, _ = _binary(n=4000)  # rounded scores: many ties, broken by entry order
    assert data.score is not None
    expected = np.lexsort([data.score, data.pred, data.y])
    np.testing.assert_array_equal(data.canonical_order, expected)
    assert not np.array_equal(data.score_order[0], expected)  # the score sort alone is not


@pytest.mark.parametrize("n", [1, 2, 40, 3000])
def test_distinct_scores_take_the_rank_sum_path_with_the_same_auc(n: int) -> None:
    rng = np.random.default_rng(n)
    score = rng.random(n)  # no ties: the Mann-Whitney path
    y = rng.random(n) < score
    codes = rng.integers(0, 4, n)
    data = PerformanceData("binary", y, score > 0.5, score, probabilities=True)
    assert data.score_order[2] == n
    fast = group_auc(data, codes, 5)  # group 4 is empty
    general = group_auc(replace(data, weight=np.ones(n)), codes, 5)  # the run-based path
    np.testing.assert_array_equal(fast, general)
    for g in range(5):
        rows = codes == g
        if 0 < y[rows].sum() < rows.sum():
            assert fast[g] == pytest.approx(skm.roc_auc_score(y[rows], score[rows]), abs=1e-12)
        else:
            assert np.isnan(fast[g])


def test_score_order_keeps_tied_entries_in_entry_order() -> None:
    score = np.array([0.3, 0.1, 0.3, 0.2, 0.1, 0.3])
    data = PerformanceData("binary", score > 0.2, score > 0.2, score)
    order, level, n_levels = data.score_order
    assert order.tolist() == [1, 4, 3, 0, 2, 5]
    assert level.tolist() == [2, 0, 2, 1, 0, 2] and n_levels == 3


@pytest.mark.parametrize("decimals", [1, 3, 6])
def test_score_order_with_many_ties_and_missing_scores_is_the_stable_sort(decimals: int) -> None:
    rng = np.random.default_rng(decimals)
    score = np.round(rng.uniform(size=20_000), decimals)
    score[rng.choice(score.size, 50, replace=False)] = np.nan
    data = PerformanceData("binary", score > 0.5, score > 0.5, score)
    order, level, n_levels = data.score_order
    np.testing.assert_array_equal(order, np.argsort(score, kind="stable"))
    distinct = np.unique(score[~np.isnan(score)]).size + 1  # NaNs share one level, the last
    assert n_levels == distinct
    assert (level[order][1:] >= level[order][:-1]).all()


def _decisions(n: int, seed: int = 0) -> PerformanceData:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.8, y, 1 - y)
    return PerformanceData("binary", y, pred)


def test_without_scores_the_bootstrap_is_drawn_as_cell_counts_with_the_row_spread() -> None:
    """Resampling rows of (truth, decision) pairs is a multinomial draw over the four cells:
    its replicates spread like an explicit row bootstrap's (numpy, 4,000 resamples)."""
    data = _decisions(3000)
    cells = evaluate(data, resamples=4000, rng=np.random.default_rng(1))
    assert cells.bootstrap_rows == 3000  # every row, no subsample
    rng = np.random.default_rng(2)
    rows = rng.integers(0, 3000, size=(4000, 3000))
    hits = (data.y[rows] == data.pred[rows]).mean(axis=1)
    spread = np.std(cells.replicates["accuracy"])
    assert spread == pytest.approx(np.std(hits), rel=0.06)
    expected = np.sqrt(cells.estimate["accuracy"] * (1 - cells.estimate["accuracy"]) / 3000)
    assert spread == pytest.approx(expected, rel=0.06)


def test_the_cell_bootstrap_draws_the_same_for_rows_and_for_weighted_cells() -> None:
    """An engine hands over (truth, decision) cells with row counts: the same replicates."""
    data = _decisions(500)
    keys, counts = np.unique(np.stack([data.y, data.pred], axis=1), axis=0, return_counts=True)
    cells = PerformanceData("binary", keys[:, 0], keys[:, 1], weight=counts)
    by_rows = evaluate(data, resamples=300, rng=np.random.default_rng(7))
    by_cells = evaluate(cells, resamples=300, rng=np.random.default_rng(7))
    for name in by_rows.estimate:
        assert by_cells.estimate[name] == pytest.approx(by_rows.estimate[name])
        np.testing.assert_allclose(by_cells.replicates[name], by_rows.replicates[name])
