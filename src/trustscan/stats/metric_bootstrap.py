"""Bootstrap intervals of the performance metrics, from the per-row sufficient statistics.

A bootstrap replicate is a vector of row multiplicities ``w``; its sums are ``w @ M`` for a
fixed per-row matrix ``M`` (``stats.performance.row_blocks``), so a chunk of replicates costs
one matrix product instead of re-running every metric on resampled rows.

Groups are bootstrapped independently (a stratified bootstrap: group sizes fixed). Above
``max_rows`` rows a group is bootstrapped on a random subsample of ``m`` rows and the replicate
deviations are shrunk by ``sqrt(m / n)`` (the rescaled m-out-of-n bootstrap), which keeps the
cost bounded whatever the number of rows. Without scores the metrics depend on the
(truth, decision) cell counts alone, and a resample is a multinomial draw over the cells
(``_bootstrap_cells``): the ordinary bootstrap on every row at a few draws per resample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from trustscan.numbers.json_safe import finite
from trustscan.stats.intervals import percentile_interval
from trustscan.stats.performance import (
    AUC_BOOTSTRAP_LEVELS,
    PerformanceData,
    metrics_from_sums,
    row_blocks,
)

if TYPE_CHECKING:
    from scipy import sparse


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


def _metrics(design: _Design, weights_t: np.ndarray) -> dict[str, np.ndarray]:
    """Every metric for each weight vector (columns of ``weights_t``, shape (k, B))."""
    sums = np.ascontiguousarray(np.asarray(design.matrix @ weights_t).T)  # (B, c)
    return metrics_from_sums(design.data, design.n_levels, sums, weights_t.sum(axis=0))


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
    if data.score is None and data.task != "regression":
        return _bootstrap_cells(data, order, estimate, resamples=resamples, rng=rng)
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
    dtype: type[np.signedinteger] = np.int32 if m < 2**31 - 1 else np.int64
    done = 0
    while done < resamples:
        size = min(chunk, resamples - done)
        # Rows drawn for ``size`` resamples. int32 draws are the int64 ones (numpy draws
        # bounds below 2**32 with 32-bit words either way) at half the memory traffic.
        draws: np.ndarray = rng.integers(0, m, size=(size, m), dtype=dtype)
        # Each resample's rows counted into its own block of m slots: a bincount over int64
        # positions in a cache-sized block runs ~3x faster than scattering over (rows, size).
        slots = draws.astype(np.int64)
        slots += np.arange(0, size * m, m, dtype=np.int64)[:, None]
        counts = np.bincount(slots.ravel(), minlength=m * size).reshape(size, m)
        weights_t = np.ascontiguousarray(counts.T, dtype=float)  # (rows, resamples)
        values = _metrics(design, weights_t)
        for name in names:
            parts[name].append(values[name])
        done += size
    replicates = {
        name: estimate[name] + scale * (np.concatenate(parts[name]) - centre[name][0])
        for name in names
    }
    return MetricSet(n, estimate, replicates, bootstrap_rows=m)


def _bootstrap_cells(
    data: PerformanceData,
    order: np.ndarray,
    estimate: Mapping[str, float],
    *,
    resamples: int,
    rng: np.random.Generator,
) -> MetricSet:
    """The ordinary bootstrap of classification without scores, drawn as cell counts.

    Without scores every metric is a function of the (truth, decision) cell counts, so
    resampling n rows is exactly a multinomial draw of n over the cells with the observed
    shares: a few draws per resample whatever n (no subsample needed), and the same draws
    for rows (in memory) as for cells (an engine), as both list the cells in canonical order.
    """
    names = list(estimate)
    y, pred = np.asarray(data.y)[order], np.asarray(data.pred)[order]
    # Canonical order sorts by (truth, decision): each cell is one run of entries.
    starts = np.flatnonzero(np.r_[True, (y[1:] != y[:-1]) | (pred[1:] != pred[:-1])])
    weight = np.ones(order.size) if data.weight is None else data.weight[order].astype(float)
    counts = np.add.reduceat(weight, starts)
    n = int(counts.sum())
    cells = replace(data, weight=None)
    design = _design(cells, order[starts])
    draws = rng.multinomial(n, counts / n, size=resamples).astype(float)  # (B, cells)
    values = _metrics(design, np.ascontiguousarray(draws.T))
    centre = _metrics(design, counts[:, None])
    replicates = {name: estimate[name] + (values[name] - centre[name][0]) for name in names}
    return MetricSet(n, estimate, replicates, bootstrap_rows=n)
