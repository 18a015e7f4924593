"""Separability with intervals: per-class and macro one-vs-rest AUC and KS of a contingency
table (``stats.association``), with percentile intervals from count resamples.

Resampling each class's counts from a multinomial is a row bootstrap stratified on the class,
in O(B·K·V) instead of re-ranking rows; an ordered table may be resampled with neighbouring
bins merged (``merge_bins``), its replicates centred on the exact estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustscan.stats.association import (
    FloatArray,
    IntArray,
    crosstab,
    level_bins,
    quantile_codes,
    table_auc,
    table_ks,
)
from trustscan.stats.ranks import auc_ovr_levels, roc_auc_ovr


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
        # One sort serves both the exact AUC and the bins.
        distinct, level = levels if levels is not None else np.unique(scores, return_inverse=True)
        level = level.reshape(-1)
        bins, n_bins = level_bins(distinct, level, max_bins)
        return separability(
            crosstab(codes, n_classes, bins, n_bins),
            ordered=True,
            resamples=resamples,
            confidence=confidence,
            rng=rng,
            exact_auc=auc_ovr_levels(codes, level, n_classes),
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
