"""Intervals and significance tests, checked against scipy and textbook values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats as sps
from scipy.stats.contingency import relative_risk

from trustscan import stats


def _counts(selected: list[int], n: list[int]) -> stats.GroupCounts:
    labels = tuple(f"g{i}" for i in range(len(n)))
    sel = np.array(selected)
    return stats.GroupCounts(labels, np.array(n), sel)


def test_bootstrap_resamples_counts_with_fixed_group_sizes_and_is_seeded() -> None:
    counts = _counts([10, 0, 300], [100, 40, 1000])
    boot = stats.bootstrap_counts(counts, resamples=500, rng=np.random.default_rng(1))
    again = stats.bootstrap_counts(counts, resamples=500, rng=np.random.default_rng(1))
    assert boot.n.shape == (500, 3)
    assert (boot.n == counts.n).all()
    assert (boot.selected[:, 1] == 0).all()  # a rate of 0 stays 0
    assert (boot.selected == again.selected).all()


def test_bootstrap_interval_of_a_rate_matches_the_normal_approximation() -> None:
    counts = _counts([2500], [10000])
    boot = stats.bootstrap_counts(counts, resamples=4000, rng=np.random.default_rng(0))
    low, high = stats.percentile_interval(stats.rate(boot, "selection_rate"), confidence=0.95)
    half = 1.96 * np.sqrt(0.25 * 0.75 / 10000)
    assert low[0] == pytest.approx(0.25 - half, abs=0.002)
    assert high[0] == pytest.approx(0.25 + half, abs=0.002)


def test_bootstrap_of_confusion_cells_keeps_every_rate_consistent() -> None:
    counts = stats.GroupCounts.from_cells(("a", "b"), np.array([[30, 10, 50, 10], [5, 5, 5, 5]]))
    boot = stats.bootstrap_counts(counts, resamples=200, rng=np.random.default_rng(2))
    assert (boot.tp + boot.fp + boot.tn + boot.fn == counts.n).all()  # type: ignore[operator]
    assert (boot.selected == boot.tp + boot.fp).all()  # type: ignore[operator]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(12, 100, 25, 100), (300, 9980, 640, 10020)])
def test_katz_interval_matches_scipy_relative_risk(x1: int, n1: int, x2: int, n2: int) -> None:
    ratio, low, high = stats.katz_ratio_interval(
        np.array([x1]), np.array([n1]), np.array([x2]), np.array([n2]), confidence=0.95
    )
    expected = relative_risk(x1, n1, x2, n2)
    ci = expected.confidence_interval(confidence_level=0.95)
    assert ratio[0] == pytest.approx(expected.relative_risk, rel=1e-12)
    assert low[0] == pytest.approx(ci.low, rel=1e-9)
    assert high[0] == pytest.approx(ci.high, rel=1e-9)


def test_katz_interval_is_finite_with_a_zero_count_and_undefined_for_a_zero_reference() -> None:
    ratio, low, high = stats.katz_ratio_interval(
        np.array([0, 5]),
        np.array([50, 50]),
        np.array([10, 0]),
        np.array([50, 50]),
        confidence=0.95,
    )
    assert ratio[0] == 0.0 and 0 < low[0] < high[0] < 1
    assert np.isnan([ratio[1], low[1], high[1]]).all()


def test_z_test_matches_the_uncorrected_chi_square_test() -> None:
    x1, n1, x2, n2 = 40, 200, 65, 210
    _, p = stats.two_proportion_ztest(x1, n1, x2, n2)  # type: ignore[arg-type]
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    expected = sps.chi2_contingency(table, correction=False).pvalue
    assert float(p) == pytest.approx(expected, rel=1e-10)


def test_compare_proportions_uses_fisher_when_an_expected_cell_is_small() -> None:
    p, method = stats.compare_proportions(
        np.array([1, 40]), np.array([20, 200]), np.array([6, 65]), np.array([20, 210])
    )
    assert method.tolist() == [stats.FISHER, stats.Z_TEST]
    assert p[0] == pytest.approx(sps.fisher_exact([[1, 19], [6, 14]]).pvalue, rel=1e-12)


def test_holm_adjustment_matches_a_worked_example() -> None:
    # Sorted p: 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.06.
    adjusted = stats.holm(np.array([0.01, np.nan, 0.04, 0.03]))
    np.testing.assert_allclose(adjusted[[0, 2, 3]], [0.03, 0.06, 0.06])
    assert np.isnan(adjusted[1])


def test_one_person_check_detects_fragile_and_robust_gaps() -> None:
    survives, after = stats.one_person_check(
        np.array([10, 7, 7999]),
        np.array([100, 10, 100000]),
        np.array([20, 9, 10000]),
        np.array([100, 10, 100000]),
        threshold=0.8,
    )
    assert survives.tolist() == [True, False, False]
    assert after[0] == pytest.approx(0.55)
    assert after[2] >= 0.8


def test_people_needed_matches_the_textbook_sample_size() -> None:
    # 40% vs 60%, two-sided alpha 0.05, power 0.8: 97 per group (Fleiss, no correction).
    assert stats.people_needed(0.4, 0.6, alpha=0.05).item() == 97  # type: ignore[arg-type]
    assert np.isnan(stats.people_needed(0.3, 0.3, alpha=0.05)).all()  # type: ignore[arg-type]


def test_welch_test_from_moments_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(10, 2, 300), rng.normal(10.4, 3, 200)
    grouping = stats.encode("g", np.r_[np.zeros(300, int), np.ones(200, int)])
    p = stats.welch_ttest(stats.group_moments(grouping, np.r_[a, b]), reference=1)
    assert p[0] == pytest.approx(sps.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-8)
    assert p[1] == pytest.approx(1.0)


def test_ks_distance_matches_scipy_with_ties() -> None:
    rng = np.random.default_rng(1)
    values = np.round(rng.normal(size=3000), 1)
    codes = rng.integers(0, 3, 3000)
    values[codes == 1] += 0.3
    distance, p = stats.ks_against_rest(codes, values, 3)
    for g in range(3):
        expected = sps.ks_2samp(values[codes == g], values[codes != g])
        assert distance[g] == pytest.approx(expected.statistic, abs=1e-12)
        assert 0 <= p[g] <= 1
    assert p[1] < 1e-6


def test_ratio_of_means_interval_contains_the_ratio() -> None:
    grouping = stats.encode("g", np.r_[np.zeros(500, int), np.ones(500, int)])
    rng = np.random.default_rng(3)
    values = np.r_[rng.normal(50, 5, 500), rng.normal(100, 5, 500)]
    ratio, low, high = stats.ratio_of_means_interval(
        stats.group_moments(grouping, values), 1, confidence=0.95
    )
    assert low[0] < ratio[0] < high[0]
    assert ratio[0] == pytest.approx(0.5, abs=0.01)
    assert ratio[1] == 1.0


@pytest.mark.parametrize(("shape", "axis"), [((1000,), 0), ((40, 800), 1), ((300, 7, 3), 0)])
def test_percentile_intervals_are_numpys_nanquantile_without_its_slice_loop(
    shape: tuple[int, ...], axis: int
) -> None:
    """Undefined replicates (NaN) are ignored slice by slice, exactly as np.nanquantile
    does, including slices with every replicate undefined."""
    rng = np.random.default_rng(0)
    samples = rng.normal(size=shape)
    samples[rng.random(shape) < 0.05] = np.nan
    if len(shape) > 1:
        samples[(slice(None), 0) if axis == 0 else (0,)] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tail = (1 - 0.95) / 2  # as percentile_interval computes it, to the last bit
        expected = np.nanquantile(samples, [tail, 1 - tail], axis=axis)
    low, high = stats.percentile_interval(samples, confidence=0.95, axis=axis)
    np.testing.assert_array_equal(low, expected[0])
    np.testing.assert_array_equal(high, expected[1])
