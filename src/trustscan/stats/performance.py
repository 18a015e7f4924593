"""Performance metrics with bootstrap intervals, from weighted per-row sufficient statistics.

Every metric is a function of a few weighted sums over rows (confusion cells, squared errors,
per-bin sums, per-score-level label counts). A bootstrap replicate is a vector of row
multiplicities ``w``; its sums are ``w @ M`` for a fixed per-row matrix ``M``, so a chunk of
replicates costs one matrix product instead of re-running every metric on resampled rows.

Groups are bootstrapped independently (a stratified bootstrap: group sizes fixed). Above
``max_rows`` rows a group is bootstrapped on a random subsample of ``m`` rows and the replicate
deviations are shrunk by ``sqrt(m / n)`` (the rescaled m-out-of-n bootstrap), which keeps the
cost bounded whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from trustscan.numbers.json_safe import finite
from trustscan.stats.intervals import percentile_interval
from trustscan.stats.rates import safe_divide

if TYPE_CHECKING:
    from scipy import sparse

CALIBRATION_BINS = 10
"""Equal-width probability bins for reliability data and ECE (scikit-learn's default too)."""

AUC_BOOTSTRAP_LEVELS = 512
"""Score levels the bootstrap's AUC replicates use (deviations from the same coarse AUC)."""


@dataclass(frozen=True)
class MetricDefinition:
    name: str
    label: str
    higher_is_better: bool
    description: str


METRICS: dict[str, MetricDefinition] = {
    d.name: d
    for d in (
        MetricDefinition("accuracy", "accuracy", True, "share of decisions matching the truth"),
        MetricDefinition(
            "balanced_accuracy", "balanced accuracy", True, "mean recall over the true classes"
        ),
        MetricDefinition(
            "precision", "precision", True, "share of positive decisions that were truly positive"
        ),
        MetricDefinition(
            "recall", "recall", True, "share of truly positive rows given the positive decision"
        ),
        MetricDefinition("f1", "F1", True, "harmonic mean of precision and recall"),
        MetricDefinition("macro_f1", "macro F1", True, "mean F1 over classes"),
        MetricDefinition(
            "roc_auc", "ROC AUC", True, "chance a random positive scores above a random negative"
        ),
        MetricDefinition(
            "brier", "Brier score", False, "mean squared error of the positive-class probability"
        ),
        MetricDefinition(
            "ece",
            "expected calibration error",
            False,
            "row-weighted mean |observed rate - mean probability| over "
            f"{CALIBRATION_BINS} equal-width bins",
        ),
        MetricDefinition("mae", "MAE", False, "mean absolute error"),
        MetricDefinition("rmse", "RMSE", False, "root mean squared error"),
        MetricDefinition("r2", "R²", True, "share of the target's variance explained"),
    )
}


@dataclass(frozen=True)
class PerformanceData:
    """The arrays metrics are computed from, already encoded.

    Binary: ``y`` and ``pred`` are booleans (positive label), ``score`` the positive-class
    score or None. Multiclass: ``y`` and ``pred`` are integer class codes ``0..n_classes-1``.
    Regression: ``y`` and ``pred`` are floats.
    """

    task: str
    y: np.ndarray
    pred: np.ndarray
    score: np.ndarray | None = None
    n_classes: int = 2
    probabilities: bool = False
    """Whether ``score`` is a probability in [0, 1] (needed for Brier score and ECE)."""
    with_auc: bool = True
    """Compute the ROC AUC from ``score`` (the costliest metric; calibration does not need it)."""
    weight: np.ndarray | None = None
    """Rows each entry stands for (cells of an out-of-core source); None = one row each."""

    def rows_in(self, index: np.ndarray) -> int:
        """How many rows the entries ``index`` stand for."""
        if self.weight is None:
            return int(np.asarray(index).size)
        return int(self.weight[index].sum())

    @cached_property
    def score_order(self) -> tuple[np.ndarray, np.ndarray, int]:
        """(entries sorted by score, each entry's dense score level ``0..L-1``, ``L``).

        The one sort of the scores per data set: every group's exact AUC reads its entries
        in this order (or counts them per global level) instead of sorting its own scores.
        NaN scores share one level, the highest, as ``np.unique`` puts them.
        """
        assert self.score is not None
        score = np.asarray(self.score, dtype=float)
        # An unstable sort is ~2x faster; without ties its order is the stable one.
        order = np.argsort(score)
        ranked = score[order]
        step = ranked[1:] != ranked[:-1]
        step &= ~(np.isnan(ranked[1:]) & np.isnan(ranked[:-1]))
        if not step.all():  # ties: their entries must stay in entry order
            order = np.argsort(score, kind="stable")
            ranked = score[order]
        sorted_level = np.concatenate([[0], np.cumsum(step)]) if score.size else step
        level = np.empty(score.size, dtype=np.int64)
        level[order] = sorted_level
        return order, level, int(sorted_level[-1]) + 1 if score.size else 0

    @cached_property
    def point_blocks(self) -> tuple[list[_Block], int]:
        """``row_blocks`` of every entry without the AUC levels, built once per data set:
        every grouping's point estimates are bincounts of these by (group, statistic)."""
        blocks, n_stats, _ = row_blocks(replace(self, with_auc=False), np.arange(self.y.shape[0]))
        return blocks, n_stats

    @property
    def score_levels(self) -> tuple[np.ndarray, int]:
        """Dense rank (``0..L-1``) of every entry's score among all distinct scores."""
        _, level, n_levels = self.score_order
        return level, n_levels

    @cached_property
    def canonical_order(self) -> np.ndarray:
        """Entries sorted by (truth, decision, score), ties in entry order: the order the
        bootstrap draws rows in (see ``evaluate``). One sort per data set; a group's order is
        this one filtered to its entries."""
        if self.task == "binary" and self.score is not None:
            # The score sort the AUC needs, then a stable radix sort on (truth, decision):
            # the same order as the lexsort below, without a second comparison sort.
            by_score, _, _ = self.score_order
            cell = np.asarray(self.y, dtype=np.int8) * 2 + np.asarray(self.pred, dtype=np.int8)
            return np.asarray(by_score[np.argsort(cell[by_score], kind="stable")])
        keys = [self.pred, self.y]
        if self.score is not None:
            keys.insert(0, self.score)
        return np.asarray(np.lexsort(keys))

    def canonical(self, index: np.ndarray) -> np.ndarray:
        """``index`` in canonical order (``index[np.lexsort(keys of index)]``)."""
        full = self.canonical_order
        if index.size and np.all(index[1:] > index[:-1]):  # distinct, ascending entries
            if index.size == full.size:
                return full
            member = np.zeros(full.size, dtype=bool)
            member[index] = True
            return np.asarray(full[member[full]])
        keys = [self.pred[index], self.y[index]]
        if self.score is not None:
            keys.insert(0, self.score[index])
        return np.asarray(index[np.lexsort(keys)])

    def metric_names(self) -> tuple[str, ...]:
        if self.task == "regression":
            return ("mae", "rmse", "r2")
        if self.task == "multiclass":
            return ("accuracy", "balanced_accuracy", "macro_f1")
        names = ["accuracy", "balanced_accuracy", "precision", "recall", "f1"]
        if self.score is not None:
            if self.with_auc:
                names.append("roc_auc")
            if self.probabilities:
                names += ["brier", "ece"]
        return tuple(names)


def calibration_bin(score: np.ndarray, bins: int = CALIBRATION_BINS) -> np.ndarray:
    """Bin index of each probability: ``[0, 0.1], (0.1, 0.2], ...`` as scikit-learn's
    ``calibration_curve`` bins them."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    return np.searchsorted(edges[1:-1], np.asarray(score, dtype=float), side="left")


@dataclass(frozen=True)
class _Design:
    """Sparse (columns, rows) matrix whose weighted row sums give every metric of a row set."""

    data: PerformanceData
    matrix: sparse.csr_matrix
    """Shape (c, k): one row per sufficient statistic, one column per data row."""
    n_levels: int = 0
    """Binary with scores: the last ``2 * n_levels`` statistics count positive then negative
    rows per ascending score level (for the AUC)."""


def _sparse(
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_stats: int, k: int
) -> sparse.csr_matrix:
    from scipy import sparse  # only the bootstrap needs it

    stat = np.concatenate([b[0] for b in blocks])
    row = np.concatenate([b[1] for b in blocks])
    value = np.concatenate([b[2] for b in blocks]).astype(float)
    return sparse.csr_matrix((value, (stat, row)), shape=(n_stats, k))


_Block = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(statistic index, row index, value) triplets of the per-row matrix."""


def _design(data: PerformanceData, rows: np.ndarray, max_levels: int | None = None) -> _Design:
    blocks, n_stats, n_levels = row_blocks(data, rows, max_levels)
    return _Design(data, _sparse(blocks, n_stats, rows.size), n_levels)


def _point_sums(
    data: PerformanceData, rows: np.ndarray, chunk: int = 1 << 20
) -> tuple[np.ndarray, int]:
    """The statistics summed over ``rows`` with unit weights: ``M @ 1`` without building ``M``.

    One bincount per block, in chunks of rows (sums are additive; the statistic layout is
    the same in every chunk because AUC levels are global): at 10M rows this is several
    times faster than the sparse matrix and its working memory stays ~``chunk`` rows.
    """
    sums: np.ndarray | None = None
    n_levels = 0
    for start in range(0, rows.size, chunk):
        part_rows = rows[start : start + chunk]
        blocks, n_stats, n_levels = row_blocks(data, part_rows)
        if sums is None:
            sums = np.zeros(n_stats)
        weight = None if data.weight is None else data.weight[part_rows].astype(float)
        for stat, every, value in blocks:
            part = np.bincount(stat, weights=value if weight is None else value * weight[every])
            sums[: part.size] += part
    assert sums is not None, "evaluate() handles empty row sets"
    return sums[None, :], n_levels


@lru_cache(maxsize=8)
def unit_values(k: int) -> np.ndarray:
    """The value array of a block that counts rows (``k`` ones; a read-only broadcast that
    holds no memory): callers recognise it by identity and use an unweighted ``bincount``."""
    return np.broadcast_to(np.float64(1.0), (k,))


def row_blocks(
    data: PerformanceData, rows: np.ndarray, max_levels: int | None = None
) -> tuple[list[_Block], int, int]:
    """Per-row statistics as blocks, their count and (binary with AUC) the score levels."""
    y = data.y[rows]
    pred = data.pred[rows]
    k = rows.size
    every = np.arange(k)
    ones = unit_values(k)
    if data.task == "regression":
        yf = y.astype(float)
        err = pred.astype(float) - yf
        moments = (np.abs(err), err * err, yf, yf * yf)
        return [(np.full(k, i), every, v) for i, v in enumerate(moments)], 4, 0
    if data.task == "multiclass":
        K = data.n_classes
        cell = y.astype(np.int64) * K + pred.astype(np.int64)
        return [(cell, every, ones)], K * K, 0
    yb, pb = y.astype(bool), pred.astype(bool)
    cell = np.where(pb, np.where(yb, 0, 1), np.where(yb, 3, 2))  # TP FP TN FN
    blocks = [(cell, every, ones)]
    n_stats = 4
    n_levels = 0
    if data.score is not None:
        s = data.score[rows].astype(float)
        if data.probabilities:
            b = CALIBRATION_BINS
            bins = calibration_bin(s)
            blocks += [
                (np.full(k, 4), every, (s - yb) ** 2),
                (5 + bins, every, s),
                (5 + b + bins, every, yb.astype(float)),
            ]
            n_stats += 1 + 2 * b
        if not data.with_auc:
            return blocks, n_stats, 0
        if max_levels is None:
            level_all, n_levels = data.score_levels
            level = level_all[rows]
        else:
            _, level = np.unique(s, return_inverse=True)
            n_levels = int(level.max()) + 1 if k else 0
        if max_levels is not None and n_levels > max_levels:
            # Bootstrap only: merge neighbouring score levels so each replicate's AUC costs
            # O(max_levels); the point estimate always uses the exact levels.
            level = level * max_levels // n_levels
            n_levels = max_levels
        blocks.append((n_stats + level + np.where(yb, 0, n_levels), every, ones))
        n_stats += 2 * n_levels
    return blocks, n_stats, n_levels


def _metrics(design: _Design, weights_t: np.ndarray) -> dict[str, np.ndarray]:
    """Every metric for each weight vector (columns of ``weights_t``, shape (k, B))."""
    sums = np.ascontiguousarray(np.asarray(design.matrix @ weights_t).T)  # (B, c)
    return metrics_from_sums(design.data, design.n_levels, sums, weights_t.sum(axis=0))


def metrics_from_sums(
    data: PerformanceData, n_levels: int, sums: np.ndarray, n: np.ndarray
) -> dict[str, np.ndarray]:
    """Every metric from the statistics' sums (shape (B, c)) and row counts (shape (B,))."""
    out: dict[str, np.ndarray] = {}
    if data.task == "regression":
        abs_e, sq_e, sy, syy = sums.T
        out["mae"] = safe_divide(abs_e, n)
        out["rmse"] = np.sqrt(safe_divide(sq_e, n))
        total = syy - safe_divide(sy * sy, n)
        # R² is undefined for a constant target (scikit-learn returns 0.0 or 1.0 there).
        out["r2"] = np.where(
            total > 1e-12 * np.maximum(syy, 1.0), 1.0 - safe_divide(sq_e, total), np.nan
        )
        return out
    if data.task == "multiclass":
        K = data.n_classes
        conf = sums.reshape(-1, K, K)
        diag = np.einsum("bii->bi", conf)
        true_n = conf.sum(axis=2)
        pred_n = conf.sum(axis=1)
        out["accuracy"] = safe_divide(diag.sum(axis=1), n)
        recall = safe_divide(diag, true_n)
        present = true_n > 0
        out["balanced_accuracy"] = safe_divide(
            np.where(present, recall, 0.0).sum(axis=1), present.sum(axis=1)
        )
        # scikit-learn's macro F1: classes seen in truth or predictions, F1 = 0 when undefined.
        seen = (true_n + pred_n) > 0
        f1 = np.where(seen, safe_divide(2 * diag, true_n + pred_n), 0.0)
        out["macro_f1"] = safe_divide(f1.sum(axis=1), seen.sum(axis=1))
        return out
    tp, fp, tn, fn = (sums[:, i] for i in range(4))
    tpr = safe_divide(tp, tp + fn)
    tnr = safe_divide(tn, tn + fp)
    out["accuracy"] = safe_divide(tp + tn, n)
    out["balanced_accuracy"] = (tpr + tnr) / 2.0
    out["precision"] = safe_divide(tp, tp + fp)
    out["recall"] = tpr
    out["f1"] = safe_divide(2 * tp, 2 * tp + fp + fn)
    if data.score is not None and data.probabilities:
        b = CALIBRATION_BINS
        out["brier"] = safe_divide(sums[:, 4], n)
        sum_s, sum_y = sums[:, 5 : 5 + b], sums[:, 5 + b : 5 + 2 * b]
        out["ece"] = safe_divide(np.abs(sum_y - sum_s).sum(axis=1), n)
    if data.score is not None and data.with_auc:
        L = n_levels
        start = sums.shape[1] - 2 * L
        pos_levels, neg_levels = sums[:, start : start + L], sums[:, start + L :]
        total_pos = pos_levels.sum(axis=1, keepdims=True)
        above = total_pos - np.cumsum(pos_levels, axis=1)  # positives with a higher score
        pairs = (neg_levels * (above + 0.5 * pos_levels)).sum(axis=1)
        out["roc_auc"] = safe_divide(pairs, total_pos[:, 0] * neg_levels.sum(axis=1))
    return out


@dataclass(frozen=True)
class MetricSet:
    """One row set's metrics: point estimates on all rows and bootstrap replicates."""

    n: int
    estimate: Mapping[str, float]
    replicates: Mapping[str, np.ndarray] = field(default_factory=dict)
    """Per metric, shape (B,), centred on the full-data estimate; empty without a bootstrap."""
    bootstrap_rows: int = 0
    """Rows the bootstrap resampled (fewer than ``n`` when subsampled and rescaled)."""

    def interval(self, name: str, confidence: float) -> tuple[float | None, float | None]:
        reps = self.replicates.get(name)
        if reps is None or np.isnan(self.estimate.get(name, np.nan)):
            return None, None
        low, high = percentile_interval(reps, confidence=confidence)
        return finite(low), finite(high)


def evaluate(
    data: PerformanceData,
    rows: np.ndarray | None = None,
    *,
    resamples: int = 0,
    rng: np.random.Generator | None = None,
    max_rows: int = 5000,
    chunk: int = 100,
) -> MetricSet:
    """Metrics on ``rows`` (default: all) with ``resamples`` bootstrap replicates.

    Replicates are ``estimate + sqrt(m / n) * (metric(resample of m rows) - metric(m rows))``,
    which is the ordinary bootstrap when ``m = n`` (at most ``max_rows``). AUC deviations are
    measured on scores merged into ``AUC_BOOTSTRAP_LEVELS`` rank levels.
    """
    index = np.arange(data.y.shape[0]) if rows is None else np.asarray(rows)
    n = data.rows_in(index)
    names = data.metric_names()
    if n == 0:
        return MetricSet(0, {name: float("nan") for name in names})
    point_sums, point_levels = _point_sums(data, index)
    full = metrics_from_sums(data, point_levels, point_sums, np.array([float(n)]))
    estimate = {name: float(full[name][0]) for name in names}
    if resamples < 1:
        return MetricSet(n, estimate)
    return bootstrap(
        data,
        data.canonical(index),
        estimate,
        resamples=resamples,
        rng=rng,
        max_rows=max_rows,
        chunk=chunk,
    )


def bootstrap(
    data: PerformanceData,
    order: np.ndarray,
    estimate: Mapping[str, float],
    *,
    resamples: int,
    rng: np.random.Generator | None,
    max_rows: int = 5000,
    chunk: int = 100,
) -> MetricSet:
    """``estimate`` (the metrics of the entries ``order``) with ``resamples`` replicates.

    ``order``: the entries in canonical order (``PerformanceData.canonical``), so an engine
    whose entries are cells (weighted) draws exactly the rows the in-memory path draws: the
    same positions of the same ordered rows, whichever order the rows or cells came in.
    """
    if rng is None:
        raise ValueError("a bootstrap needs a seeded rng")
    names = list(estimate)
    n = data.rows_in(order)
    positions = np.arange(n) if n <= max_rows else np.sort(rng.choice(n, max_rows, replace=False))
    if data.weight is None:
        sub = order[positions]
    else:
        ends = np.cumsum(data.weight[order])
        sub = order[np.searchsorted(ends, positions, side="right")]
        data = replace(data, weight=None)
    m = int(sub.size)
    design = _design(data, sub, max_levels=AUC_BOOTSTRAP_LEVELS)
    centre = _metrics(design, np.ones((m, 1)))
    scale = np.sqrt(m / n)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    dtype: type[np.signedinteger] = np.int32 if m * chunk < 2**31 - 1 else np.int64
    done = 0
    while done < resamples:
        size = min(chunk, resamples - done)
        offsets: np.ndarray = np.arange(size, dtype=dtype)[:, None]
        # Row multiplicities of ``size`` resamples, laid out (rows, resamples). int32 draws
        # are the int64 ones (numpy draws bounds below 2**32 with 32-bit words either way)
        # at half the memory traffic; the offset is added in place.
        draws: np.ndarray = rng.integers(0, m, size=(size, m), dtype=dtype)
        draws *= size
        draws += offsets
        weights_t = np.bincount(draws.ravel(), minlength=m * size).reshape(m, size)
        values = _metrics(design, weights_t.astype(float))
        for name in names:
            parts[name].append(values[name])
        done += size
    replicates = {
        name: estimate[name] + scale * (np.concatenate(parts[name]) - centre[name][0])
        for name in names
    }
    return MetricSet(n, estimate, replicates, bootstrap_rows=m)


def reliability_table(
    y: np.ndarray,
    score: np.ndarray,
    bins: int = CALIBRATION_BINS,
    *,
    weight: np.ndarray | None = None,
) -> list[dict[str, float | int | None]]:
    """Binned predicted probability against the observed positive rate (one row per bin;
    empty bins are kept with ``n = 0`` so charts share an axis). ``weight``: rows per entry."""
    yb = np.asarray(y, dtype=bool)
    s = np.asarray(score, dtype=float)
    w = np.ones(s.size) if weight is None else np.asarray(weight, dtype=float)
    b = calibration_bin(s, bins)
    count = np.bincount(b, weights=w, minlength=bins)
    sum_s = np.bincount(b, weights=w * s, minlength=bins)
    sum_y = np.bincount(b, weights=w * yb, minlength=bins)
    return reliability_rows(count, sum_s, sum_y)


def reliability_rows(
    count: np.ndarray, sum_s: np.ndarray, sum_y: np.ndarray
) -> list[dict[str, float | int | None]]:
    """``reliability_table``'s rows from the rows, scores and positives per bin."""
    bins = len(count)
    count = np.asarray(count).round().astype(np.int64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows: list[dict[str, float | int | None]] = []
    for i in range(bins):
        rows.append(
            {
                "bin": i,
                "low": round(float(edges[i]), 6),
                "high": round(float(edges[i + 1]), 6),
                "n": int(count[i]),
                "mean_predicted": float(sum_s[i] / count[i]) if count[i] else None,
                "observed_rate": float(sum_y[i] / count[i]) if count[i] else None,
            }
        )
    return rows
