"""Row-level rank statistics from one sort: average ranks, ROC AUC (binary and one-vs-rest)
and the KS advantage.

Pure numpy (no scipy): ranks come from ``np.unique(..., return_inverse=True)``, the same sort
that bins a score for its bootstrap tables (``stats.separability``).
"""

from __future__ import annotations

import numpy as np

from trustscan.stats.association import FloatArray, IntArray, ks_ordered


def levels(values: np.ndarray) -> tuple[FloatArray, IntArray]:
    """``(distinct sorted values, each value's level)``: the one sort rank statistics need."""
    distinct, level = np.unique(np.asarray(values, dtype=float), return_inverse=True)
    return distinct, level.reshape(-1)


def average_ranks(level: IntArray) -> FloatArray:
    """Average rank (1-based, ties share their mean rank) of each row, from its level:
    ``scipy.stats.rankdata(values)`` without scipy."""
    per_level = np.bincount(level).astype(float)
    mean_rank = np.cumsum(per_level) - (per_level - 1) / 2.0
    return np.asarray(mean_rank[level])


def _auc_from_rank_sums(rank_sums: FloatArray, counts: FloatArray, n: int) -> FloatArray:
    """Mann-Whitney AUC of each class from its rank sum; NaN for an empty or full class."""
    out = np.full(counts.size, np.nan)
    ok = (counts > 0) & (counts < n)
    c = counts[ok]
    out[ok] = (rank_sums[ok] - c * (c + 1) / 2) / (c * (n - c))
    return out


def auc_ovr_levels(codes: IntArray, level: IntArray, n_classes: int) -> FloatArray:
    """One-vs-rest AUC of each class code for 1-D scores given as their dense levels."""
    codes = np.asarray(codes, dtype=np.int64)
    counts = np.bincount(codes, minlength=n_classes).astype(float)
    rank_sums = np.bincount(codes, weights=average_ranks(level), minlength=n_classes)
    return _auc_from_rank_sums(rank_sums, counts, codes.size)


def roc_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC of ``scores`` for the boolean ``positive`` (Mann-Whitney U via average ranks)."""
    positive = np.asarray(positive, dtype=bool)
    return float(auc_ovr_levels(positive.astype(np.int64), levels(scores)[1], 2)[1])


def roc_auc_ovr(codes: np.ndarray, scores: np.ndarray, n_classes: int | None = None) -> FloatArray:
    """One-vs-rest ROC AUC for each class code ``0..K-1``.

    ``scores`` is either one score for every class (1-D: ranked once) or one column per class
    (2-D ``n x K``, as ``predict_proba``). The macro average is ``np.nanmean`` of the result,
    which equals scikit-learn's ``roc_auc_score(..., multi_class="ovr", average="macro")``.
    """
    codes = np.asarray(codes, dtype=np.int64)
    k = int(n_classes if n_classes is not None else codes.max() + 1)
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        return auc_ovr_levels(codes, levels(scores)[1], k)
    out = np.full(k, np.nan)
    for c in range(k):
        out[c] = roc_auc(codes == c, scores[:, c])
    return out


def ks_advantage(positive: np.ndarray, scores: np.ndarray) -> float:
    """max(TPR - FPR) over all thresholds of ``scores`` for the boolean ``positive``."""
    positive = np.asarray(positive, dtype=bool)
    distinct, level = levels(scores)
    table = np.stack(
        [
            np.bincount(level[~positive], minlength=distinct.size),
            np.bincount(level[positive], minlength=distinct.size),
        ]
    ).astype(float)
    return float(ks_ordered(table[1], table[0], signed=True))
