"""Disparity conditioned on a legitimate stratum (Simpson's paradox, Berkeley admissions).

Two views of the same stratified counts:

* **Demographic disparity** (Wachter, Mittelstadt and Russell, "Why fairness cannot be
  automated"; SageMaker Clarify's DD/CDD): a group's share of the rejected minus its share of
  the accepted; conditioned, the stratum-size-weighted mean of that difference within each
  stratum. Positive = the group is over-represented among the rejected.
* **Mantel–Haenszel**: the selection-rate ratio of a group to a reference group pooled over
  strata (Greenland–Robins variance for its interval) and the Cochran–Mantel–Haenszel test of
  no association given the stratum, so the conditional gap is judged on the same ratio scale
  as the four-fifths rule.

Cells are counts ``cells[..., group, stratum, decision]`` with decision 0 = not selected,
1 = selected; leading axes hold bootstrap resamples.
"""

from __future__ import annotations

import numpy as np

from trustscan.stats.distributions import chi2_sf_1df
from trustscan.stats.intervals import normal_quantile
from trustscan.stats.rates import safe_divide


def stratified_cells(
    group_codes: np.ndarray,
    n_groups: int,
    stratum_codes: np.ndarray,
    n_strata: int,
    selected: np.ndarray,
) -> np.ndarray:
    """``(G, S, 2)`` counts of rows per group, stratum and decision, in one bincount."""
    index = (np.asarray(group_codes) * n_strata + np.asarray(stratum_codes)) * 2 + np.asarray(
        selected, dtype=np.int64
    )
    return np.bincount(index, minlength=n_groups * n_strata * 2).reshape(n_groups, n_strata, 2)


def demographic_disparity(cells: np.ndarray) -> np.ndarray:
    """DD of each group: share of the rejected minus share of the accepted, over ``(..., G, 2)``
    cells. NaN when nobody (or everybody) was accepted."""
    rejected, accepted = cells[..., 0], cells[..., 1]
    dd: np.ndarray = safe_divide(rejected, rejected.sum(axis=-1, keepdims=True)) - safe_divide(
        accepted, accepted.sum(axis=-1, keepdims=True)
    )
    return dd


def conditional_demographic_disparity(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CDD of each group from ``(..., G, S, 2)`` cells: DD within each stratum, averaged with
    the strata's sizes as weights.

    Strata where nobody or everybody was accepted have no DD and are left out (the weights
    are renormalised). Returns ``(cdd, share)``: ``share`` is the fraction of rows in strata
    that count.
    """
    per_stratum = np.swapaxes(cells, -3, -2)  # (..., S, G, 2)
    dd = demographic_disparity(per_stratum)  # (..., S, G)
    size = per_stratum.sum(axis=(-2, -1)).astype(float)  # (..., S)
    usable = np.isfinite(dd).all(axis=-1)
    weight = np.where(usable, size, 0.0)
    total = weight.sum(axis=-1, keepdims=True)
    cdd = np.sum(np.where(usable[..., None], dd, 0.0) * weight[..., None], axis=-2)
    share = safe_divide(total[..., 0], size.sum(axis=-1))
    return safe_divide(cdd, total), share


def bootstrap_cells(cells: np.ndarray, *, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``resamples`` multinomial redraws of all cells with the total fixed: ``(B, *cells.shape)``."""
    flat = np.asarray(cells, dtype=np.int64).ravel()
    total = int(flat.sum())
    if total == 0:
        return np.zeros((resamples, *np.shape(cells)), dtype=np.int64)
    draws = rng.multinomial(total, flat / total, size=resamples)
    return draws.reshape(resamples, *np.shape(cells))


def mantel_haenszel_ratio(
    group: np.ndarray, reference: np.ndarray, *, confidence: float
) -> tuple[float, float, float]:
    """Selection-rate ratio of ``group`` to ``reference`` pooled over strata, with the
    Greenland–Robins (1985) log-ratio interval. Both are ``(S, 2)`` cells.

    With one stratum this is Katz's interval of the plain ratio. NaN when the pooled ratio
    is undefined (no selected reference rows in strata where the group is present).
    """
    a, n1 = group[:, 1].astype(float), group.sum(axis=1).astype(float)
    c, n0 = reference[:, 1].astype(float), reference.sum(axis=1).astype(float)
    big_n = n1 + n0
    keep = big_n > 0
    a, n1, c, n0, big_n = a[keep], n1[keep], c[keep], n0[keep], big_n[keep]
    r = float(np.sum(a * n0 / big_n))
    s = float(np.sum(c * n1 / big_n))
    if r <= 0 or s <= 0:
        ratio = r / s if s > 0 else float("nan")
        return ratio, float("nan"), float("nan")
    var = float(np.sum((n1 * n0 * (a + c) - a * c * big_n) / big_n**2)) / (r * s)
    z = normal_quantile(confidence) * np.sqrt(max(var, 0.0))
    ratio = r / s
    return ratio, float(ratio * np.exp(-z)), float(ratio * np.exp(z))


def cochran_mantel_haenszel(group: np.ndarray, reference: np.ndarray) -> float:
    """p-value of the CMH test (no continuity correction) that selection and group membership
    are independent within every stratum. ``(S, 2)`` cells each; NaN when no stratum has
    both groups."""
    a, n1 = group[:, 1].astype(float), group.sum(axis=1).astype(float)
    c, n0 = reference[:, 1].astype(float), reference.sum(axis=1).astype(float)
    big_n = n1 + n0
    selected = a + c
    keep = (n1 > 0) & (n0 > 0) & (big_n > 1)
    if not keep.any():
        return float("nan")
    a, n1, n0, big_n, selected = a[keep], n1[keep], n0[keep], big_n[keep], selected[keep]
    expected = n1 * selected / big_n
    variance = n1 * n0 * selected * (big_n - selected) / (big_n**2 * (big_n - 1))
    total_var = float(variance.sum())
    if total_var <= 0:
        return 1.0
    statistic = float(np.sum(a - expected)) ** 2 / total_var
    return chi2_sf_1df(statistic)
