"""How well one variable reveals another: ROC AUC, KS advantage and normalised mutual information.

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

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

FloatArray = np.ndarray
IntArray = np.ndarray


# --------------------------------------------------------------------------- row-level statistics


def roc_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC of ``scores`` for the boolean ``positive`` (Mann-Whitney U via average ranks)."""
    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(np.asarray(scores, dtype=float))
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_auc_ovr(codes: np.ndarray, scores: np.ndarray, n_classes: int | None = None) -> FloatArray:
    """One-vs-rest ROC AUC for each class code ``0..K-1``.

    ``scores`` is either one score for every class (1-D: ranked once) or one column per class
    (2-D ``n x K``, as ``predict_proba``). The macro average is ``np.nanmean`` of the result,
    which equals scikit-learn's ``roc_auc_score(..., multi_class="ovr", average="macro")``.
    """
    codes = np.asarray(codes, dtype=np.int64)
    k = int(n_classes if n_classes is not None else codes.max() + 1)
    n = codes.size
    counts = np.bincount(codes, minlength=k).astype(float)
    scores = np.asarray(scores, dtype=float)
    out = np.full(k, np.nan)
    if scores.ndim == 1:
        rank_sums = np.bincount(codes, weights=rankdata(scores), minlength=k)
        for c in range(k):
            if 0 < counts[c] < n:
                out[c] = (rank_sums[c] - counts[c] * (counts[c] + 1) / 2) / (
                    counts[c] * (n - counts[c])
                )
        return out
    for c in range(k):
        if 0 < counts[c] < n:
            out[c] = roc_auc(codes == c, scores[:, c])
    return out


def ks_advantage(positive: np.ndarray, scores: np.ndarray) -> float:
    """max(TPR - FPR) over all thresholds of ``scores`` for the boolean ``positive``."""
    positive = np.asarray(positive, dtype=bool)
    values, inverse = np.unique(np.asarray(scores, dtype=float), return_inverse=True)
    table = np.stack(
        [
            np.bincount(inverse[~positive], minlength=values.size),
            np.bincount(inverse[positive], minlength=values.size),
        ]
    ).astype(float)
    return float(_ks_ordered(table[1], table[0], signed=True))


# ------------------------------------------------------------------------------ building tables


def quantile_codes(values: np.ndarray, max_bins: int) -> tuple[IntArray, int]:
    """Ordered integer codes for a numeric variable: its distinct values, or quantile bins.

    Missing values (NaN) get code 0, below every real value, so they stay in the table.
    """
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    present = values[~missing]
    codes = np.zeros(values.size, dtype=np.int64)
    if present.size == 0:
        return codes, 1
    distinct = np.unique(present)
    if distinct.size <= max_bins:
        codes[~missing] = np.searchsorted(distinct, present) + 1
        return codes, distinct.size + 1
    edges = np.unique(np.quantile(present, np.linspace(0, 1, max_bins + 1)[1:-1]))
    codes[~missing] = np.searchsorted(edges, present, side="right") + 1
    return codes, edges.size + 2


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


def _ks_ordered(pos: FloatArray, neg: FloatArray, *, signed: bool = False) -> FloatArray:
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
    return _ks_ordered(table, rest) if ordered else _ks_unordered(table, rest)


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


# ------------------------------------------------------------------------------------ bootstrap


def resample_table(table: np.ndarray, resamples: int, rng: np.random.Generator) -> IntArray:
    """``(B, K, V)`` bootstrap tables: each class's counts drawn ``Multinomial(n_k, p_k)``.

    Equivalent to a row bootstrap stratified on the class, without touching rows.
    """
    table = np.asarray(table, dtype=np.int64)
    out = np.zeros((resamples, *table.shape), dtype=np.int64)
    for k, row in enumerate(table):
        n_k = int(row.sum())
        if n_k > 0:
            out[:, k, :] = rng.multinomial(n_k, row / n_k, size=resamples)
    return out


@dataclass(frozen=True)
class ClassSeparability:
    """How well the variable singles out one class (one-vs-rest)."""

    auc: float
    """Oriented AUC, ``max(AUC, 1 - AUC)``: 0.5 = no information, 1 = perfect separation."""
    ci_low: float
    ci_high: float
    higher: bool
    """True when the class has the higher values (ordered tables); always True for unordered."""
    ks: float
    """KS advantage: max over thresholds of |TPR - FPR|."""
    n: int
    """Rows in the class."""


@dataclass(frozen=True)
class Separability:
    """Per-class and macro one-vs-rest separability, with bootstrap intervals."""

    classes: tuple[ClassSeparability, ...]
    auc: float
    """Macro (mean over classes) oriented AUC; for two classes, the AUC itself."""
    ci_low: float
    ci_high: float
    ks: float
    """Largest KS advantage over the classes."""
    n: int
    resamples: int
    confidence: float


def separability(
    table: np.ndarray,
    *,
    ordered: bool,
    resamples: int,
    confidence: float,
    rng: np.random.Generator,
    exact_auc: FloatArray | None = None,
    chunk: int = 250,
    resample_bins: int | None = None,
) -> Separability:
    """AUC (oriented, one-vs-rest, macro) and KS of a table, with percentile bootstrap CIs.

    ``exact_auc``: per-class raw AUCs computed on the rows (e.g. by :func:`roc_auc_ovr`) when
    ``table`` holds binned scores; the estimate uses them and the intervals are shifted by the
    (tiny) binning difference, so the interval is centred on the exact estimate.
    ``resample_bins``: an ordered table wider than this is resampled with neighbouring bins
    merged into ``resample_bins`` (see :func:`merge_bins`), its replicates shifted onto the
    estimate: far fewer draws for the spread of the AUC, while estimate and KS use every bin.
    Classes with no rows get NaN and are left out of the macro figures.
    """
    return _separability(
        table,
        ordered=ordered,
        resamples=resamples,
        confidence=confidence,
        rng=rng,
        exact_auc=exact_auc,
        chunk=chunk,
        resample_bins=resample_bins,
    )[0]


def merge_bins(table: np.ndarray, bins: int) -> IntArray:
    """An ordered ``(K, V)`` table with neighbouring bins merged into ``bins`` bins.

    The merged AUC differs from the fine one only by pairs that become ties, at most half
    the mass two classes share within a merged bin: below ``1 / (2 * bins)`` when the fine
    bins are quantile bins of equal mass (0.008 at 64 bins). The bootstrap reads only the
    *spread* of the merged AUC, centred on the fine estimate, which moves far less.
    """
    table = np.asarray(table, dtype=np.int64)
    width = table.shape[-1]
    if width <= bins:
        return table
    merge = np.arange(width) * bins // width
    return np.stack([np.bincount(merge, weights=row, minlength=bins) for row in table]).astype(
        np.int64
    )


def _separability(
    table: np.ndarray,
    *,
    ordered: bool,
    resamples: int,
    confidence: float,
    rng: np.random.Generator,
    exact_auc: FloatArray | None,
    chunk: int = 250,
    resample_bins: int | None = None,
) -> tuple[Separability, FloatArray]:
    table = np.asarray(table, dtype=np.int64)
    k = table.shape[0]
    raw = table_auc(table, ordered=ordered)
    shift = np.zeros(k)
    if exact_auc is not None:
        exact = np.asarray(exact_auc, dtype=float)
        shift = np.where(np.isnan(exact) | np.isnan(raw), 0.0, exact - raw)
        raw = np.where(np.isnan(exact), raw, exact)
    flip = raw < 0.5
    oriented = np.where(flip, 1 - raw, raw)
    ks = table_ks(table, ordered=ordered)
    valid = ~np.isnan(oriented)
    if k == 2:  # both one-vs-rest AUCs are the same comparison: report it once
        valid = valid & (np.arange(k) == 1) if valid[1] else valid
    alpha = (1 - confidence) / 2
    lows = np.full(k, np.nan)
    highs = np.full(k, np.nan)
    macro_low = macro_high = float("nan")
    replicates = np.full((0, k), np.nan)
    if resamples > 0 and valid.any():
        drawn = table
        if ordered and resample_bins is not None and table.shape[-1] > resample_bins:
            drawn = merge_bins(table, resample_bins)
            coarse = table_auc(drawn, ordered=True)
            shift = np.where(np.isnan(coarse) | np.isnan(raw), 0.0, raw - coarse)
        per_class: list[FloatArray] = []
        for start in range(0, resamples, chunk):
            boot = resample_table(drawn, min(chunk, resamples - start), rng)
            values = table_auc(boot, ordered=ordered) + shift
            per_class.append(np.where(flip, 1 - values, values))
        replicates = np.concatenate(per_class)
        if not ordered:
            # The best-order AUC of a table is optimistic, more so on noisier resamples, so
            # near 0.5 the raw percentile interval can sit above the estimate: centre the
            # replicates on the estimate (keeps the spread, removes the resampling bias).
            replicates = replicates - (np.nanmedian(replicates, axis=0) - oriented)
        lows = np.nanquantile(replicates, alpha, axis=0)
        highs = np.nanquantile(replicates, 1 - alpha, axis=0)
        macro = np.nanmean(replicates[:, valid], axis=1)
        macro_low, macro_high = (float(x) for x in np.nanquantile(macro, [alpha, 1 - alpha]))
    classes = tuple(
        ClassSeparability(
            auc=float(oriented[c]),
            ci_low=float(lows[c]),
            ci_high=float(highs[c]),
            higher=bool(not flip[c]),
            ks=float(ks[c]),
            n=int(table[c].sum()),
        )
        for c in range(k)
    )
    macro_auc = float(np.mean(oriented[valid])) if valid.any() else float("nan")
    result = Separability(
        classes=classes,
        auc=macro_auc,
        ci_low=macro_low,
        ci_high=macro_high,
        ks=float(np.nanmax(ks)) if valid.any() else float("nan"),
        n=int(table.sum()),
        resamples=resamples,
        confidence=confidence,
    )
    return result, replicates


def separability_scores(
    codes: IntArray,
    scores: np.ndarray,
    n_classes: int,
    *,
    resamples: int,
    confidence: float,
    rng: np.random.Generator,
    max_bins: int = 1024,
    resample_bins: int | None = None,
    levels: tuple[FloatArray, IntArray] | None = None,
) -> Separability:
    """:func:`separability` of a numeric score (1-D, shared by all classes) or of one score
    column per class (2-D, e.g. a probe's ``predict_proba``). Point estimates are exact rank
    AUCs; intervals come from binned count resamples.

    With 2-D scores each class's column is resampled on its own (class vs rest) table and the
    macro interval averages the per-class replicates, treating them as independent.

    ``levels``: ``np.unique(scores, return_inverse=True)`` when the caller already has it
    (one sort of a score shared by several attributes).
    """
    codes = np.asarray(codes, dtype=np.int64)
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1 and scores.size and not np.isnan(scores).any():
        # One sort serves both the exact AUC and the bins (rankdata + unique sort twice).
        distinct, level = levels if levels is not None else np.unique(scores, return_inverse=True)
        level = level.reshape(-1)
        bins, n_bins = _level_bins(scores, distinct, level, max_bins)
        return separability(
            crosstab(codes, n_classes, bins, n_bins),
            ordered=True,
            resamples=resamples,
            confidence=confidence,
            rng=rng,
            exact_auc=_auc_ovr_levels(codes, level, n_classes),
            resample_bins=resample_bins,
        )
    exact = roc_auc_ovr(codes, scores, n_classes)
    if scores.ndim == 1 or n_classes == 2:
        column = scores if scores.ndim == 1 else scores[:, 1]
        exact = exact if scores.ndim == 1 else roc_auc_ovr(codes, column, n_classes)
        bins, n_bins = quantile_codes(column, max_bins)
        table = crosstab(codes, n_classes, bins, n_bins)
        return separability(
            table,
            ordered=True,
            resamples=resamples,
            confidence=confidence,
            rng=rng,
            exact_auc=exact,
            resample_bins=resample_bins,
        )
    classes: list[ClassSeparability] = []
    replicates: list[FloatArray] = []
    for c in range(n_classes):
        bins, n_bins = quantile_codes(scores[:, c], max_bins)
        table = crosstab((codes == c).astype(np.int64), 2, bins, n_bins)
        one, boot = _separability(
            table,
            ordered=True,
            resamples=resamples,
            confidence=confidence,
            rng=rng,
            exact_auc=np.array([1 - exact[c], exact[c]]),
            resample_bins=resample_bins,
        )
        classes.append(one.classes[1])
        replicates.append(boot[:, 1] if boot.size else boot.reshape(0))
    valid = [i for i, c in enumerate(classes) if not np.isnan(c.auc)]
    macro = float(np.mean([classes[i].auc for i in valid])) if valid else float("nan")
    low = high = float("nan")
    if valid and resamples > 0:
        alpha = (1 - confidence) / 2
        mean_boot = np.nanmean(np.stack([replicates[i] for i in valid]), axis=0)
        low, high = (float(x) for x in np.nanquantile(mean_boot, [alpha, 1 - alpha]))
    return Separability(
        classes=tuple(classes),
        auc=macro,
        ci_low=low,
        ci_high=high,
        ks=float(max((classes[i].ks for i in valid), default=float("nan"))),
        n=int(codes.size),
        resamples=resamples,
        confidence=confidence,
    )


def _level_bins(
    values: FloatArray, distinct: FloatArray, level: IntArray, max_bins: int
) -> tuple[IntArray, int]:
    """``quantile_codes(values, max_bins)`` for NaN-free values already sorted into levels."""
    if distinct.size <= max_bins:
        return level + 1, distinct.size + 1
    edges = np.unique(np.quantile(values, np.linspace(0, 1, max_bins + 1)[1:-1]))
    per_level = np.searchsorted(edges, distinct, side="right") + 1
    return per_level[level], edges.size + 2


def _auc_ovr_levels(codes: IntArray, level: IntArray, n_classes: int) -> FloatArray:
    """``roc_auc_ovr(codes, scores, n_classes)`` from the scores' dense levels (1-D scores)."""
    n = codes.size
    counts = np.bincount(codes, minlength=n_classes).astype(float)
    per_level = np.bincount(level).astype(float)
    mean_rank = np.cumsum(per_level) - (per_level - 1) / 2.0  # average rank of tied rows
    rank_sums = np.bincount(codes, weights=mean_rank[level], minlength=n_classes)
    out = np.full(n_classes, np.nan)
    for c in range(n_classes):
        if 0 < counts[c] < n:
            out[c] = (rank_sums[c] - counts[c] * (counts[c] + 1) / 2) / (
                counts[c] * (n - counts[c])
            )
    return out


def stratified_indices(codes: IntArray, size: int, rng: np.random.Generator) -> IntArray:
    """Row indices of a sample of ``size`` rows with every class in proportion (sorted).

    Rows with a negative code (missing attribute) are never drawn. Every non-empty class keeps
    at least one row. Returns all valid rows when there are no more than ``size``.
    """
    codes = np.asarray(codes, dtype=np.int64)
    valid = np.flatnonzero(codes >= 0)
    if valid.size <= size:
        return valid
    counts = np.bincount(codes[valid])
    quota = counts * size / valid.size
    take = np.floor(quota).astype(np.int64)
    remainder = size - int(take.sum())
    if remainder > 0:  # largest remainder, so the total is exactly ``size``
        take[np.argsort(-(quota - take), kind="stable")[:remainder]] += 1
    take = np.minimum(np.maximum(take, (counts > 0).astype(np.int64)), counts)
    order = valid[np.argsort(codes[valid], kind="stable")]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    chosen = [
        rng.choice(order[start : start + count], size=k, replace=False)
        for start, count, k in zip(starts, counts, take, strict=True)
        if k > 0
    ]
    return np.sort(np.concatenate(chosen))
