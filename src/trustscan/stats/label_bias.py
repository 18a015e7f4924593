"""Bias in the labels before any model, and whether a model widens it.

Pre-training metrics follow SageMaker Clarify's list for a binary label, comparing one group
(facet *d*) with everyone else (facet *a*): class imbalance, difference in proportions of
labels, and the Kullback–Leibler, Jensen–Shannon, L2, total-variation and
Kolmogorov–Smirnov distances between the two groups' label distributions. All are vectorised
over groups and computed from counts alone.

Amplification compares the model's selection-rate gap with the label gap *on the same
people*: per group the 2×2 cells of (label, decision) are the confusion counts, so the gap
change has a closed-form variance (a Wald test), no row resampling needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustscan.stats.distributions import norm_sf, rel_entr
from trustscan.stats.groups import GroupCounts
from trustscan.stats.intervals import normal_quantile
from trustscan.stats.rates import safe_divide


@dataclass(frozen=True)
class LabelDistances:
    """Clarify's pre-training label metrics of each group against the rest (shape ``(G,)``)."""

    class_imbalance: np.ndarray
    """``(n_rest - n_group) / (n_rest + n_group)``: 1 when the group is absent, -1 when it is
    everyone; positive values mean the group is under-represented."""
    positive_proportion_difference: np.ndarray
    """DPL: the rest's positive-label share minus the group's (positive = the group gets the
    favourable label less often)."""
    kl_divergence: np.ndarray
    """KL(rest ‖ group) of the label distributions, in nats (inf when the group never or
    always has the label and the rest does not)."""
    js_divergence: np.ndarray
    """Jensen–Shannon divergence, in nats (bounded by ln 2)."""
    lp_norm: np.ndarray
    """L2 distance between the two label distributions."""
    total_variation: np.ndarray
    """Half the L1 distance; for a binary label, ``|DPL|``."""
    ks_distance: np.ndarray
    """Largest difference of the label CDFs; for a binary label, ``|DPL|``."""


def _kl(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL divergence of Bernoulli(p) from Bernoulli(q), elementwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(rel_entr(p, q) + rel_entr(1.0 - p, 1.0 - q))


def label_distances(positives: np.ndarray, n: np.ndarray) -> LabelDistances:
    """Each group's label distribution against everyone else's.

    Parameters
    ----------
    positives
        Rows with the favourable label per group.
    n
        Rows per group.
    """
    pos = np.asarray(positives, dtype=float)
    size = np.asarray(n, dtype=float)
    rest_n = size.sum() - size
    q_group = safe_divide(pos, size)
    q_rest = safe_divide(pos.sum() - pos, rest_n)
    dpl = q_rest - q_group
    mixture = (q_rest + q_group) / 2.0
    return LabelDistances(
        class_imbalance=safe_divide(rest_n - size, rest_n + size),
        positive_proportion_difference=dpl,
        kl_divergence=_kl(q_rest, q_group),
        js_divergence=(_kl(q_rest, mixture) + _kl(q_group, mixture)) / 2.0,
        lp_norm=np.sqrt(2.0) * np.abs(dpl),
        total_variation=np.abs(dpl),
        ks_distance=np.abs(dpl),
    )


@dataclass(frozen=True)
class Amplification:
    """How much the model widens (positive) or narrows (negative) each group's label gap to a
    reference group, in selection-rate points. Arrays have shape ``(G,)``."""

    label_gap: np.ndarray
    """Reference's positive-label share minus the group's."""
    model_gap: np.ndarray
    """Reference's selection rate minus the group's."""
    change: np.ndarray
    """``model_gap - label_gap``."""
    low: np.ndarray
    high: np.ndarray
    p_value: np.ndarray
    """Two-sided Wald test of ``change == 0``; NaN for the reference and empty groups."""


def amplification(counts: GroupCounts, reference: int, *, confidence: float) -> Amplification:
    """Change of each group's gap to ``reference`` from the labels to the decisions.

    Per group, selection rate minus positive-label share is ``(FP - FN) / n``, a difference
    of two multinomial cell shares with variance ``((pFP + pFN) - (pFP - pFN)²) / n``.
    The change of the gap is the difference of that quantity between the reference and the
    group; the groups are independent samples.
    """
    if not counts.has_target:
        raise ValueError("amplification needs counts with a target")
    assert counts.fp is not None and counts.fn is not None and counts.tp is not None
    n = counts.n.astype(float)
    p_fp = safe_divide(counts.fp, n)
    p_fn = safe_divide(counts.fn, n)
    shift = p_fp - p_fn  # selection rate minus label share
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.maximum((p_fp + p_fn) - shift**2, 0.0) / n
    base = safe_divide(counts.tp + counts.fn, n)
    selection = safe_divide(counts.selected, n)
    label_gap = base[reference] - base
    model_gap = selection[reference] - selection
    change = shift[reference] - shift
    se = np.sqrt(var + var[reference])
    z = normal_quantile(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.where(se > 0, change / se, np.where(change == 0, 0.0, np.inf))
    p = 2.0 * norm_sf(np.abs(stat))
    undefined = (n == 0) | (n[reference] == 0) | (np.arange(n.size) == reference)
    nan = np.full(n.size, np.nan)
    return Amplification(
        label_gap=label_gap,
        model_gap=model_gap,
        change=np.where(undefined, nan, change),
        low=np.where(undefined, nan, change - z * se),
        high=np.where(undefined, nan, change + z * se),
        p_value=np.where(undefined, nan, p),
    )
