"""Confidence intervals: bootstrap from counts, and analytic intervals for ratios and means.

The bootstrap resamples *counts*, not rows: each group's disjoint cells (TP/FP/TN/FN, or
selected/not selected) are redrawn from a multinomial with the group's size and observed
cell shares. That is a stratified bootstrap (group sizes fixed) whose cost is O(B·G)
whatever the number of rows.
"""

from __future__ import annotations

import numpy as np

from trustscan.stats.distributions import norm_ppf
from trustscan.stats.groups import GroupCounts, GroupMoments
from trustscan.stats.rates import safe_divide

BOOTSTRAP_MEMORY_BUDGET = 256 * 2**20
"""Most bytes one ``bootstrap_counts`` result may hold (resamples x groups x cells x 8). The
policy's caps (10,000 resamples, 200 groups) stay below it; should a caller exceed it, fewer
replicates are drawn (the result's first axis says how many) rather than memory running out."""


def resamples_within_budget(resamples: int, groups: int, cells: int) -> int:
    """``resamples``, reduced so that ``resamples x groups x cells`` int64 fit the budget."""
    per_replicate = max(1, groups * cells * 8)
    return max(1, min(resamples, BOOTSTRAP_MEMORY_BUDGET // per_replicate))


def bootstrap_counts(
    counts: GroupCounts, *, resamples: int, rng: np.random.Generator
) -> GroupCounts:
    """``resamples`` bootstrap replicates of ``counts``: arrays of shape ``(resamples, G)``
    (fewer replicates if that would exceed ``BOOTSTRAP_MEMORY_BUDGET``).

    Parameters
    ----------
    counts
        Observed counts (arrays of shape ``(G,)``).
    resamples
        Number of replicates ``B``; must be >= 1.
    rng
        Seeded generator; the same seed gives the same replicates.
    """
    if resamples < 1:
        raise ValueError("resamples must be >= 1")
    cells = counts.cells().astype(np.int64)
    if cells.ndim != 2:
        raise ValueError("bootstrap_counts needs observed counts of shape (G,)")
    n = cells.sum(axis=1)
    shares = np.empty(cells.shape, dtype=float)
    empty = n == 0
    shares[~empty] = cells[~empty] / n[~empty, None]
    shares[empty] = 1.0 / cells.shape[1]  # any valid distribution: zero draws are made
    resamples = resamples_within_budget(resamples, cells.shape[0], cells.shape[1])
    draws = rng.multinomial(n, shares, size=(resamples, cells.shape[0]))
    return GroupCounts.from_cells(counts.labels, draws)


def percentile_interval(
    samples: np.ndarray, *, confidence: float, axis: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over ``axis``, ignoring NaN replicates (undefined rates).

    Where every replicate is NaN the bounds are NaN.
    """
    tail = (1.0 - confidence) / 2.0
    low, high = _nanquantile(np.asarray(samples, dtype=float), (tail, 1.0 - tail), axis)
    return low, high


def _nanquantile(values: np.ndarray, qs: tuple[float, ...], axis: int) -> np.ndarray:
    """``np.nanquantile(values, qs, axis=axis)``, the same numbers without its per-slice loop.

    NumPy handles NaN slice by slice (one Python call per group and metric: a second on an
    842-group audit); here slices with the same number of valid replicates are one call on
    their sorted valid values (NaN sorts last), which quantile reads identically.
    """
    moved = np.moveaxis(values, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.full((len(qs), flat.shape[0]), np.nan)
    counts = np.count_nonzero(~np.isnan(flat), axis=1)
    whole = counts == flat.shape[1]
    if whole.any() and flat.shape[1]:
        out[:, whole] = np.quantile(flat[whole], qs, axis=1)
    partial = np.flatnonzero((counts > 0) & ~whole)
    if partial.size:
        ordered = np.sort(flat[partial], axis=1)
        for k in np.unique(counts[partial]):
            rows = counts[partial] == k
            out[:, partial[rows]] = np.quantile(ordered[rows, :k], qs, axis=1)
    return out.reshape((len(qs), *moved.shape[:-1]))


def normal_quantile(confidence: float) -> float:
    """Two-sided standard-normal critical value, e.g. 1.96 for 0.95."""
    return norm_ppf(0.5 + confidence / 2.0)


def katz_ratio_interval(
    x1: np.ndarray,
    n1: np.ndarray,
    x2: np.ndarray,
    n2: np.ndarray,
    *,
    confidence: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio of proportions ``(x1/n1) / (x2/n2)`` with Katz's log-ratio interval.

    ``exp(log RR ± z · sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))`` (Katz et al., 1978). Where a count
    is 0, 0.5 is added to each cell of both 2×2 rows (Haldane–Anscombe) for the interval only;
    the point estimate stays the observed ratio. NaN where a group is empty or the
    reference proportion is 0.

    Returns
    -------
    ratio, low, high
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    # Cross-multiplied: exact for integer counts, so 8000/1e5 vs 1e4/1e5 is exactly 0.8.
    ratio = np.where((n1 > 0) & (n2 > 0), safe_divide(x1 * n2, n1 * x2), np.nan)
    zero = (x1 == 0) | (x2 == 0) | (x1 == n1) | (x2 == n2)
    a1, m1 = np.where(zero, x1 + 0.5, x1), np.where(zero, n1 + 1.0, n1)
    a2, m2 = np.where(zero, x2 + 0.5, x2), np.where(zero, n2 + 1.0, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rr = np.log(a1 / m1) - np.log(a2 / m2)
        se = np.sqrt(1.0 / a1 - 1.0 / m1 + 1.0 / a2 - 1.0 / m2)
    z = normal_quantile(confidence)
    undefined = (n1 == 0) | (n2 == 0) | (x2 == 0)
    low = np.where(undefined, np.nan, np.exp(log_rr - z * se))
    high = np.where(undefined, np.nan, np.exp(log_rr + z * se))
    return ratio, low, high


def mean_interval(moments: GroupMoments, *, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Normal-approximation interval of each group's mean: ``mean ± z · sd / sqrt(n)``."""
    z = normal_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(moments.variance / moments.n)
    return moments.mean - half, moments.mean + half


def ratio_of_means_interval(
    moments: GroupMoments, reference: int, *, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's mean over the reference group's, with a delta-method log-ratio interval.

    ``Var(log m1/m2) ≈ s1²/(n1·m1²) + s2²/(n2·m2²)``; defined only for positive means.

    Returns
    -------
    ratio, low, high
    """
    mean = moments.mean
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_var = moments.variance / (moments.n * mean**2)
        ratio = mean / mean[reference]
        se = np.sqrt(rel_var + rel_var[reference])
        z = normal_quantile(confidence)
        defined = (mean > 0) & (mean[reference] > 0)
        low = np.where(defined, ratio * np.exp(-z * se), np.nan)
        high = np.where(defined, ratio * np.exp(z * se), np.nan)
    return np.where(defined, ratio, np.nan), low, high


def wilson_interval(
    successes: int, n: int, *, confidence: float
) -> tuple[float | None, float | None]:
    """Wilson score interval of a proportion (good near 0 and 1, unlike the normal one)."""
    if n <= 0:
        return None, None
    z = normal_quantile(confidence)
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))
