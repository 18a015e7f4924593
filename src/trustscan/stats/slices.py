"""A group against everyone else in the same region of the input space, for every region.

A *region* is a set of rows defined by one or two model inputs (``education = phd``,
``skills_test in 50–60 × referral = 1``). Within each region, each sensitive group's
selection (or error) rate is compared with the other groups' rate there, so a gap that the
region's legitimate inputs explain cancels out and only the group's own gap remains. All
regions of one or two inputs are counted with one ``np.bincount`` each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustscan.stats.rates import safe_divide
from trustscan.stats.significance import two_proportion_ztest


@dataclass(frozen=True)
class RegionTests:
    """Per (region, group), arrays of shape ``(R, G)``."""

    n: np.ndarray
    """Rows of the group in the region."""
    rest_n: np.ndarray
    """Rows of the other groups in the region."""
    rate: np.ndarray
    rest_rate: np.ndarray
    difference: np.ndarray
    """``rate - rest_rate``."""
    p_value: np.ndarray
    """Two-sided pooled z-test; NaN where either side is empty."""


def region_tests(
    region: np.ndarray, n_regions: int, group: np.ndarray, n_groups: int, outcome: np.ndarray
) -> RegionTests:
    """Compare the rate of boolean ``outcome`` of each group with the rest of its region."""
    index = np.asarray(region, dtype=np.int64) * n_groups + np.asarray(group, dtype=np.int64)
    size = n_regions * n_groups
    n = np.bincount(index, minlength=size).reshape(n_regions, n_groups)
    hits = np.bincount(index, weights=np.asarray(outcome, dtype=float), minlength=size)
    hits = hits.reshape(n_regions, n_groups)
    rest_n = n.sum(axis=1, keepdims=True) - n
    rest_hits = hits.sum(axis=1, keepdims=True) - hits
    rate = safe_divide(hits, n)
    rest_rate = safe_divide(rest_hits, rest_n)
    _, p = two_proportion_ztest(hits, n, rest_hits, rest_n)
    return RegionTests(n, rest_n, rate, rest_rate, rate - rest_rate, p)


def difference_interval(
    x1: float, n1: float, x2: float, n2: float, *, z: float
) -> tuple[float, float]:
    """Wald interval of ``x1/n1 - x2/n2`` (unpooled)."""
    p1, p2 = x1 / n1, x2 / n2
    half = z * float(np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))
    return p1 - p2 - half, p1 - p2 + half
