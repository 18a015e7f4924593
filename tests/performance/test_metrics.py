"""The competence numbers agree with scikit-learn, and the bootstrap behaves."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from trustscan.stats.intervals import wilson_interval
from trustscan.stats.metric_bootstrap import evaluate
from trustscan.stats.performance import PerformanceData
from trustscan.stats.reliability import reliability_table


def binary_data(n: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    score = np.round(rng.uniform(size=n), 2)  # rounded: ties exercise the AUC's tie handling
    y = rng.uniform(size=n) < 0.1 + 0.8 * score
    return y, score >= 0.5, score


def sklearn_ece(y: np.ndarray, score: np.ndarray) -> float:
    observed, predicted = calibration_curve(y, score, n_bins=10)
    edges = np.linspace(0, 1, 11)
    counts = np.bincount(np.searchsorted(edges[1:-1], score), minlength=10)
    counts = counts[counts > 0]
    return float(np.sum(counts / y.size * np.abs(observed - predicted)))


def test_binary_metrics_match_scikit_learn() -> None:
    y, decision, score = binary_data()
    got = evaluate(PerformanceData("binary", y, decision, score, probabilities=True)).estimate
    expected = {
        "accuracy": skm.accuracy_score(y, decision),
        "balanced_accuracy": skm.balanced_accuracy_score(y, decision),
        "precision": skm.precision_score(y, decision),
        "recall": skm.recall_score(y, decision),
        "f1": skm.f1_score(y, decision),
        "roc_auc": skm.roc_auc_score(y, score),
        "brier": skm.brier_score_loss(y, score),
        "ece": sklearn_ece(y, score),
    }
    assert set(got) == set(expected)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-12), name


def test_multiclass_metrics_match_scikit_learn() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 2000)
    pred = np.where(rng.uniform(size=2000) < 0.6, y, rng.integers(0, 4, 2000))
    got = evaluate(PerformanceData("multiclass", y, pred, n_classes=4)).estimate
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, pred), abs=1e-12)
    assert got["balanced_accuracy"] == pytest.approx(
        skm.balanced_accuracy_score(y, pred), abs=1e-12
    )
    assert got["macro_f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"), abs=1e-12)


def test_regression_metrics_match_scikit_learn() -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(50, 10, 2000)
    pred = y + rng.normal(0, 4, 2000)
    got = evaluate(PerformanceData("regression", y, pred)).estimate
    assert got["mae"] == pytest.approx(skm.mean_absolute_error(y, pred), rel=1e-12)
    assert got["rmse"] == pytest.approx(skm.root_mean_squared_error(y, pred), rel=1e-12)
    assert got["r2"] == pytest.approx(skm.r2_score(y, pred), rel=1e-9)


def test_metrics_on_a_subset_of_rows_match_scikit_learn_on_that_subset() -> None:
    y, decision, score = binary_data()
    rows = np.flatnonzero(np.arange(y.size) % 3 == 0)
    got = evaluate(PerformanceData("binary", y, decision, score, probabilities=True), rows)
    assert got.n == rows.size
    assert got.estimate["roc_auc"] == pytest.approx(skm.roc_auc_score(y[rows], score[rows]))
    assert got.estimate["f1"] == pytest.approx(skm.f1_score(y[rows], decision[rows]))


def test_bootstrap_interval_covers_the_estimate_and_matches_a_naive_row_bootstrap() -> None:
    y, decision, score = binary_data(n=2000)
    data = PerformanceData("binary", y, decision, score, probabilities=True)
    result = evaluate(data, resamples=400, rng=np.random.default_rng(3))
    rng = np.random.default_rng(4)
    naive = []
    for _ in range(400):
        pick = rng.integers(0, y.size, y.size)
        naive.append(skm.roc_auc_score(y[pick], score[pick]))
    for name in result.estimate:
        low, high = result.interval(name, 0.95)
        assert low is not None and high is not None
        assert low < result.estimate[name] < high
    assert np.std(result.replicates["roc_auc"]) == pytest.approx(np.std(naive), rel=0.2)


def test_bootstrap_is_reproducible_with_the_same_seed() -> None:
    y, decision, score = binary_data(n=500)
    data = PerformanceData("binary", y, decision, score, probabilities=True)
    a = evaluate(data, resamples=50, rng=np.random.default_rng(7))
    b = evaluate(data, resamples=50, rng=np.random.default_rng(7))
    assert a.interval("accuracy", 0.95) == b.interval("accuracy", 0.95)


def test_subsampled_bootstrap_is_rescaled_to_the_full_sample_width() -> None:
    y, decision, score = binary_data(n=8000, seed=5)
    data = PerformanceData("binary", y, decision, score, probabilities=True)
    full = evaluate(data, resamples=300, rng=np.random.default_rng(1), max_rows=8000)
    sub = evaluate(data, resamples=300, rng=np.random.default_rng(1), max_rows=2000)
    assert sub.bootstrap_rows == 2000 and full.bootstrap_rows == 8000
    for name in ("accuracy", "roc_auc", "brier"):
        assert np.std(sub.replicates[name]) == pytest.approx(np.std(full.replicates[name]), rel=0.3)
        assert sub.estimate[name] == full.estimate[name]


def test_undefined_metrics_are_nan_not_errors() -> None:
    y = np.array([True, True, False, False])
    nothing_selected = np.zeros(4, dtype=bool)
    got = evaluate(PerformanceData("binary", y, nothing_selected)).estimate
    assert np.isnan(got["precision"]) and got["recall"] == 0.0
    one_class = evaluate(PerformanceData("binary", np.ones(4, bool), y, np.linspace(0, 1, 4)))
    assert np.isnan(one_class.estimate["roc_auc"])


def test_reliability_table_matches_calibration_curve() -> None:
    y, _, score = binary_data(n=1500, seed=8)
    table = reliability_table(y, score)
    observed, predicted = calibration_curve(y, score, n_bins=10)
    filled = [row for row in table if row["n"]]
    assert len(table) == 10
    assert [row["observed_rate"] for row in filled] == pytest.approx(list(observed))
    assert [row["mean_predicted"] for row in filled] == pytest.approx(list(predicted))
    assert sum(int(row["n"] or 0) for row in table) == y.size


@pytest.mark.parametrize(("k", "n"), [(0, 50), (7, 200), (199, 200), (500, 1000)])
def test_wilson_interval_matches_scipy(k: int, n: int) -> None:
    expected = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson_interval(k, n, confidence=0.95)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)
