"""Significance tests and robustness checks for group differences.

All functions are vectorised over groups: pass arrays of counts for the groups being
compared and the reference group's counts (scalars broadcast).
"""

from __future__ import annotations

import math

import numpy as np

from trustscan.stats.distributions import (
    fisher_exact_pvalue,
    kolmogorov_sf,
    norm_ppf,
    norm_sf,
    t_sf,
)
from trustscan.stats.groups import GroupMoments
from trustscan.stats.rates import safe_divide

FISHER_MIN_EXPECTED = 5.0
"""Below this expected count in any 2×2 cell the z-test's normal approximation is not trusted."""

Z_TEST = "two-proportion z-test"
FISHER = "Fisher's exact test"


def _as_float(*arrays: np.ndarray | float | int) -> list[np.ndarray]:
    return [np.asarray(a, dtype=float) for a in np.broadcast_arrays(*arrays)]


def two_proportion_ztest(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pooled two-proportion z-test of ``x1/n1 == x2/n2``, two-sided.

    Returns ``(z, p_value)``; where the pooled proportion is 0 or 1 there is no evidence of a
    difference (z = 0, p = 1); where a group is empty both are NaN.
    """
    x1, n1, x2, n2 = _as_float(x1, n1, x2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        z = np.where(se > 0, (x1 / n1 - x2 / n2) / se, 0.0)
    p = 2.0 * norm_sf(np.abs(z))
    empty = (n1 == 0) | (n2 == 0)
    return np.where(empty, np.nan, z), np.where(empty, np.nan, p)


def fisher_exact_test(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-sided Fisher's exact test p-value of each 2×2 table ``[[x1, n1-x1], [x2, n2-x2]]``."""
    x1, n1, x2, n2 = _as_float(x1, n1, x2, n2)
    out = np.full(x1.shape, np.nan)
    for i in np.ndindex(x1.shape):
        if n1[i] > 0 and n2[i] > 0:
            table = [[int(x1[i]), int(n1[i] - x1[i])], [int(x2[i]), int(n2[i] - x2[i])]]
            out[i] = fisher_exact_pvalue(table)
    return out


def min_expected_cell(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Smallest expected count of the 2×2 table under independence."""
    x1, n1, x2, n2 = _as_float(x1, n1, x2, n2)
    total = n1 + n2
    yes = x1 + x2
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.stack(
            [n1 * yes, n1 * (total - yes), n2 * yes, n2 * (total - yes)]
        ) / np.where(total > 0, total, np.nan)
    return np.asarray(np.min(expected, axis=0))


def compare_proportions(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """p-value of each group's proportion against the reference, with the right test.

    The z-test is used where every expected cell is at least 5, Fisher's exact test
    elsewhere. Returns ``(p_value, method)``; ``method`` holds the test's name per group.
    """
    x1, n1, x2, n2 = _as_float(x1, n1, x2, n2)
    _, p = two_proportion_ztest(x1, n1, x2, n2)
    small = min_expected_cell(x1, n1, x2, n2) < FISHER_MIN_EXPECTED
    method = np.where(small, FISHER, Z_TEST).astype(object)
    if small.any():
        p = np.where(small, fisher_exact_test(x1, n1, x2, n2), p)
    return p, method


def _ordered(p_values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(p, out, order)``: the p-values, an all-NaN result, and the indices of the non-NaN
    p-values in ascending order (NaN entries are not tests)."""
    p = np.asarray(p_values, dtype=float)
    valid = np.flatnonzero(~np.isnan(p))
    return p, np.full(p.shape, np.nan), valid[np.argsort(p[valid], kind="stable")]


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (family-wise error control); NaN entries stay NaN
    and do not count towards the number of tests."""
    p, out, order = _ordered(p_values)
    m = order.size
    if m:
        scaled = p[order] * (m - np.arange(m))
        out[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return out


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values: false-discovery-rate control); NaN
    entries stay NaN and do not count towards the number of tests."""
    p, out, order = _ordered(p_values)
    m = order.size
    if m:
        scaled = p[order] * m / np.arange(1, m + 1)
        out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out


def one_person_check(
    x: np.ndarray,
    n: np.ndarray,
    x_ref: np.ndarray,
    n_ref: np.ndarray,
    *,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Does a ratio below ``threshold`` survive moving one person?

    Tries the two single moves that most help the disadvantaged group — one more person
    selected in the group, or one fewer in the reference group — and keeps the higher
    ratio. A finding that one person's outcome could reverse is not robust.

    Returns ``(survives, ratio_after_move)``.
    """
    x, n, x_ref, n_ref = _as_float(x, n, x_ref, n_ref)
    # Cross-multiplied so a ratio landing exactly on the threshold is not lost to rounding.
    up = safe_divide(np.minimum(x + 1, n) * n_ref, n * x_ref)
    down = safe_divide(x * n_ref, n * np.maximum(x_ref - 1, 0))
    # A reference rate that drops to 0 makes the ratio undefined, i.e. no disparity left.
    down = np.where(np.isnan(down) & (n_ref > 0) & (x_ref <= 1), np.inf, down)
    after = np.fmax(up, down)
    return np.asarray(after < threshold), after


def people_needed(
    p1: np.ndarray,
    p2: np.ndarray,
    *,
    alpha: float,
    power: float = 0.8,
) -> np.ndarray:
    """Rough people per group (equal sizes) for a two-sided two-proportion test at level
    ``alpha`` to detect ``p1`` vs ``p2`` with the given power (Fleiss' formula, no continuity
    correction). NaN where the rates are equal or undefined."""
    p1, p2 = _as_float(p1, p2)
    z_a = norm_ppf(1.0 - alpha / 2.0)
    z_b = norm_ppf(power)
    mean = (p1 + p2) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        n = (
            z_a * np.sqrt(2.0 * mean * (1.0 - mean)) + z_b * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        ) ** 2 / (p1 - p2) ** 2
    return np.where(np.isfinite(n), np.ceil(n), np.nan)


def welch_ttest(moments: GroupMoments, reference: int) -> np.ndarray:
    """Two-sided Welch t-test p-value of each group's mean against the reference group's,
    from sufficient statistics alone. NaN where a group has fewer than two values."""
    mean, var, n = moments.mean, moments.variance, moments.n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = var / n
        b = a[reference]
        se = np.sqrt(a + b)
        t = (mean - mean[reference]) / se
        dof = (a + b) ** 2 / (a**2 / (n - 1) + b**2 / (n[reference] - 1))
        p = 2.0 * t_sf(np.abs(t), dof)
    p = np.where(se == 0, np.where(mean == mean[reference], 1.0, 0.0), p)
    return np.where((n < 2) | (n[reference] < 2), np.nan, p)


def ks_against_rest(
    codes: np.ndarray, values: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sample Kolmogorov–Smirnov distance (and asymptotic p-value) between each group's
    values and everyone else's. NaN for a group that is empty or is everyone.

    One sort of all values serves every group: along the sorted order, each group's and its
    complement's empirical CDFs are running counts, compared at the ends of runs of ties.
    """
    x = np.asarray(values, dtype=float)
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    sorted_codes = np.asarray(codes)[order]
    ends = np.flatnonzero(np.r_[sorted_x[1:] != sorted_x[:-1], True])
    total = x.size
    stat = np.full(n_groups, np.nan)
    p = np.full(n_groups, np.nan)
    for g in range(n_groups):
        inside = sorted_codes == g
        k = int(inside.sum())
        if not 0 < k < total:
            continue
        cdf_in = np.cumsum(inside)[ends] / k
        cdf_out = (ends + 1 - np.cumsum(inside)[ends]) / (total - k)
        d = float(np.max(np.abs(cdf_in - cdf_out)))
        effective = k * (total - k) / total
        stat[g] = d
        p[g] = kolmogorov_sf(d * math.sqrt(effective))
    return stat, p
