"""The few distribution functions the scan path needs, without importing ``scipy.stats``.

``scipy.stats`` costs about a second to import on a small machine, more than most checks take
to run; the normal and one-degree chi-square tails are closed forms over the error function
(stdlib ``math``), so only the rarely used tests (Fisher's exact, Student's t, Kolmogorov)
import scipy, on first use. ``tests/stats/test_distributions.py`` cross-checks every
function here against ``scipy.stats``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_STANDARD_NORMAL = NormalDist()
_erfc = np.frompyfunc(math.erfc, 1, 1)


def norm_ppf(q: float) -> float:
    """Standard-normal quantile (``scipy.stats.norm.ppf``) of a probability in (0, 1)."""
    return _STANDARD_NORMAL.inv_cdf(q)


def norm_sf(x: np.ndarray | float) -> np.ndarray:
    """Standard-normal upper tail ``P(Z > x)`` elementwise (``scipy.stats.norm.sf``)."""
    arr = np.asarray(x, dtype=float)
    return 0.5 * np.asarray(_erfc(arr / math.sqrt(2.0)), dtype=float)


def chi2_sf_1df(x: float) -> float:
    """Upper tail of a chi-square with one degree of freedom: ``P(Z² > x) = erfc(sqrt(x/2))``."""
    if math.isnan(x):
        return math.nan
    return math.erfc(math.sqrt(max(x, 0.0) / 2.0))


def rel_entr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x·log(x/y)`` elementwise with ``scipy.special.rel_entr``'s conventions:
    0 where ``x == 0 <= y``, infinity where ``x > 0`` and ``y <= 0`` or either is negative."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    out = np.full(x.shape, np.inf)
    both = (x > 0) & (y > 0)
    xb, yb = x[both], y[both]
    ratio = xb / yb
    near = (ratio > 0.5) & (ratio < 2.0)  # log1p keeps accuracy when x ≈ y, as scipy does
    with np.errstate(divide="ignore", over="ignore"):  # the unused branch may overflow
        out[both] = xb * np.where(near, np.log1p((xb - yb) / yb), np.log(ratio))
    out[(x == 0) & (y >= 0)] = 0.0
    out[np.isnan(x) | np.isnan(y)] = np.nan
    return out


def t_sf(t: np.ndarray, dof: np.ndarray) -> np.ndarray:
    """Student's t upper tail elementwise (``scipy.stats.t.sf``)."""
    from scipy import special  # only the Welch test needs it

    return np.asarray(special.stdtr(dof, -np.asarray(t, dtype=float)))


def kolmogorov_sf(x: float) -> float:
    """Kolmogorov distribution's upper tail (``scipy.stats.kstwobign.sf``)."""
    from scipy import special  # only the KS test needs it

    return float(special.kolmogorov(x))


def fisher_exact_pvalue(table: list[list[int]]) -> float:
    """Two-sided Fisher's exact test p-value of a 2×2 table."""
    from scipy import stats as sps  # rare (small expected cells); costly to import

    return float(sps.fisher_exact(table).pvalue)
