"""How well one variable reveals another, from its contingency table: ROC AUC, KS advantage and
normalised mutual information.

Pure numpy. The sufficient statistic is a contingency table ``table[k, v]``: how many rows of
class ``k`` (of the sensitive attribute) fall in bin/category ``v`` of the revealing variable
(a score, a decision, a feature). Every AUC, KS and mutual-information figure is a function of
that table, so bootstrap intervals resample *counts* (a multinomial per class, i.e. a bootstrap
stratified on the sensitive attribute) in O(B·K·V) instead of re-ranking rows.

Two kinds of table:

* **ordered** — bins of a numeric variable in ascending order; AUC and KS are the usual rank
  statistics (ties within a bin count one half).
* **unordered** — categories without an order (a categorical feature, a multiclass decision).
  Categories are ordered, for each class, by the share of that class in them: the best any
  threshold on the variable can do, i.e. what an adversary who knows the table can infer.
  KS advantage then equals the total-variation distance between the class-conditional
  distributions.

AUCs are *oriented*: a score that is lower for a group reveals it as well as one that is higher,
so the reported separability is ``max(AUC, 1 - AUC)`` with the direction kept separately.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray
IntArray = np.ndarray


# ------------------------------------------------------------------------------ building tables


def quantile_codes(values: np.ndarray, max_bins: int) -> tuple[IntArray, int]:
    """Ordered integer codes for a numeric variable: its distinct values, or quantile bins.

    Missing values (NaN) get code 0, below every real value, so they stay in the table.
    """
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    codes = np.zeros(values.size, dtype=np.int64)
    if missing.all():
        return codes, 1
    distinct, level = np.unique(values[~missing], return_inverse=True)
    present_codes, n_codes = level_bins(distinct, level.reshape(-1), max_bins)
    codes[~missing] = present_codes
    return codes, n_codes


def level_bins(distinct: FloatArray, level: IntArray, max_bins: int) -> tuple[IntArray, int]:
    """``quantile_codes`` of NaN-free values already sorted into levels (``np.unique`` with
    ``return_inverse``): codes ``1..`` (0 is left for missing values) and their count."""
    if distinct.size <= max_bins:
        return level + 1, distinct.size + 1
    edges = np.unique(level_quantiles(distinct, level, np.linspace(0, 1, max_bins + 1)[1:-1]))
    per_level = np.searchsorted(edges, distinct, side="right") + 1
    return per_level[level], edges.size + 2


def level_quantiles(distinct: FloatArray, level: IntArray, q: np.ndarray) -> FloatArray:
    """``np.quantile(values, q)`` (linear interpolation) from the values' sorted levels: the
    k-th smallest value is the distinct value whose cumulative count first exceeds k, so no
    second sort (or partition) of the rows is needed."""
    ends = np.cumsum(np.bincount(level, minlength=distinct.size))
    position = np.asarray(q, dtype=float) * (ends[-1] - 1)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, ends[-1] - 1)
    low = distinct[np.searchsorted(ends, below, side="right")]
    high = distinct[np.searchsorted(ends, above, side="right")]
    return np.asarray(low + (position - below) * (high - low))


def crosstab(
    class_codes: IntArray, n_classes: int, value_codes: IntArray, n_values: int
) -> IntArray:
    """``table[k, v]``: rows with class ``k`` and value code ``v`` (one ``bincount``)."""
    flat = np.asarray(class_codes, dtype=np.int64) * n_values + np.asarray(
        value_codes, dtype=np.int64
    )
    return np.bincount(flat, minlength=n_classes * n_values).reshape(n_classes, n_values)


# ------------------------------------------------------------------------- statistics of tables


def _auc_ordered(pos: FloatArray, neg: FloatArray) -> FloatArray:
    """AUC of ascending bins; ``pos``/``neg`` are ``(..., V)`` counts."""
    below = np.cumsum(neg, axis=-1) - neg
    n_pos = pos.sum(axis=-1)
    n_neg = neg.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(((pos * (below + 0.5 * neg)).sum(axis=-1)) / (n_pos * n_neg))


def _auc_unordered(pos: FloatArray, neg: FloatArray) -> FloatArray:
    """Best-order AUC of categories: P(ratio_pos > ratio_neg) + ties / 2, pairwise over V."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = pos / (pos + neg)
    share = np.where(np.isnan(share), -1.0, share)  # empty categories hold no pairs anyway
    greater = (share[..., :, None] > share[..., None, :]).astype(float)
    greater += 0.5 * (share[..., :, None] == share[..., None, :])
    n_pos = pos.sum(axis=-1)
    n_neg = neg.sum(axis=-1)
    pairs = np.einsum("...a,...ab,...b->...", pos, greater, neg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(pairs / (n_pos * n_neg))


def ks_ordered(pos: FloatArray, neg: FloatArray, *, signed: bool = False) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        # TPR - FPR at "score above bin v" thresholds = F_neg(v) - F_pos(v)
        gap = np.cumsum(neg, axis=-1) / neg.sum(axis=-1, keepdims=True) - np.cumsum(
            pos, axis=-1
        ) / pos.sum(axis=-1, keepdims=True)
    gap = np.concatenate([np.zeros((*gap.shape[:-1], 1)), gap], axis=-1)
    return np.asarray(gap.max(axis=-1) if signed else np.abs(gap).max(axis=-1))


def _ks_unordered(pos: FloatArray, neg: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = pos / pos.sum(axis=-1, keepdims=True) - neg / neg.sum(axis=-1, keepdims=True)
    return np.asarray(np.clip(diff, 0, None).sum(axis=-1))


def table_auc(table: np.ndarray, *, ordered: bool) -> FloatArray:
    """Per-class one-vs-rest AUC of a ``(..., K, V)`` table (raw, not oriented)."""
    table = np.asarray(table, dtype=float)
    rest = table.sum(axis=-2, keepdims=True) - table
    return _auc_ordered(table, rest) if ordered else _auc_unordered(table, rest)


def table_ks(table: np.ndarray, *, ordered: bool) -> FloatArray:
    """Per-class one-vs-rest KS advantage max|TPR - FPR| of a ``(..., K, V)`` table."""
    table = np.asarray(table, dtype=float)
    rest = table.sum(axis=-2, keepdims=True) - table
    return ks_ordered(table, rest) if ordered else _ks_unordered(table, rest)


def _entropy(p: FloatArray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def normalized_mutual_info(table: np.ndarray) -> float:
    """Mutual information of a contingency table divided by the mean of the two entropies.

    Same definition as scikit-learn's ``normalized_mutual_info_score`` (arithmetic mean);
    0 = independent, 1 = either variable determines the other. 1.0 when both are constant.
    """
    joint = np.asarray(table, dtype=float)
    total = joint.sum()
    if total == 0:
        return float("nan")
    joint = joint / total
    row = joint.sum(axis=1)
    col = joint.sum(axis=0)
    h_row, h_col = _entropy(row), _entropy(col)
    if h_row == 0 or h_col == 0:
        return 1.0 if h_row == h_col else 0.0
    nz = joint > 0
    mi = float((joint[nz] * np.log(joint[nz] / np.outer(row, col)[nz])).sum())
    return max(0.0, mi / ((h_row + h_col) / 2))
