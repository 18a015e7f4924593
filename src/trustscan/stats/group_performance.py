"""Performance metrics of every group of a grouping in one pass over the rows.

``evaluate`` on each group's rows would re-read and re-sort every row once per group; here the
point statistics of all groups come from one ``bincount`` over (group, statistic), the exact
AUC of every group from the data set's one score sort, and each group's bootstrap reads its
rows in the data set's one canonical order. The numbers are ``evaluate``'s, group by group
(same statistics, same draws from ``rng`` in the same order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from trustscan.stats.metric_bootstrap import MetricSet, bootstrap
from trustscan.stats.performance import (
    CALIBRATION_BINS,
    PerformanceData,
    calibration_bin,
    metrics_from_sums,
    row_blocks,
    unit_values,
)
from trustscan.stats.rates import safe_divide
from trustscan.stats.reliability import reliability_rows

_CHUNK = 1 << 20
"""Rows per pass: per-row statistics are built a chunk at a time (bounded memory at 10M)."""


def group_sizes(data: PerformanceData, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Rows per group (out of core, the rows each group's entries stand for)."""
    counts = np.bincount(codes, weights=data.weight, minlength=n_groups)
    return np.asarray(counts[:n_groups]).round().astype(np.int64)


def group_estimates(
    data: PerformanceData, codes: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Every metric of every group (arrays of length ``n_groups``; NaN for empty groups)."""
    codes = np.asarray(codes, dtype=np.int64)
    plain = replace(data, with_auc=False)
    sums: np.ndarray | None = None
    for start in range(0, codes.size, _CHUNK):
        rows = np.arange(start, min(start + _CHUNK, codes.size))
        if rows.size == codes.size:  # one chunk: the data set's blocks, shared by groupings
            blocks, n_stats = data.point_blocks
        else:
            blocks, n_stats, _ = row_blocks(plain, rows)
        if sums is None:
            sums = np.zeros(n_groups * n_stats)
        weight = None if data.weight is None else data.weight[rows].astype(float)
        base = (codes if rows.size == codes.size else codes[rows]) * n_stats
        for stat, every, value in blocks:
            cell = (base if every.size == base.size else base[every]) + stat  # every: 0..k-1
            if weight is None and value is unit_values(value.size):
                sums += np.bincount(cell, minlength=n_groups * n_stats)  # a count: no weights
                continue
            values = value if weight is None else value * weight[every]
            sums += np.bincount(cell, weights=values, minlength=n_groups * n_stats)
    n = np.bincount(codes, weights=data.weight, minlength=n_groups).astype(float)
    if sums is None:  # no rows at all
        return {name: np.full(n_groups, np.nan) for name in data.metric_names()}
    out = metrics_from_sums(plain, 0, sums.reshape(n_groups, -1), n)
    if data.task == "binary" and data.score is not None and data.with_auc:
        out["roc_auc"] = group_auc(data, codes, n_groups)
    return {name: np.where(n > 0, out[name], np.nan) for name in data.metric_names()}


def group_auc(data: PerformanceData, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Exact ROC AUC of every group (ties count one half), from the data set's score sort.

    Entries are put in (group, score) order by a stable sort of the group codes of the
    score-sorted entries; for each run of equal (group, score) the AUC counts its positives
    times the group's negatives below the run plus half the run's own negatives.
    """
    order, level, n_levels = data.score_order
    if order.size == 0:
        return np.full(n_groups, np.nan)
    by_group = _by_group(order, codes, n_groups)
    if n_levels == order.size and data.weight is None:
        return _distinct_scores_auc(data, by_group, codes, n_groups)
    group = codes[by_group]
    lev = level[by_group]
    positive = np.asarray(data.y, dtype=bool)[by_group]
    weight = np.ones(by_group.size) if data.weight is None else data.weight[by_group]
    new_run = np.ones(by_group.size, dtype=bool)
    new_run[1:] = (group[1:] != group[:-1]) | (lev[1:] != lev[:-1])
    starts = np.flatnonzero(new_run)
    pos = np.add.reduceat(np.where(positive, weight, 0.0), starts)
    neg = np.add.reduceat(np.where(positive, 0.0, weight), starts)
    run_group = group[starts]
    before = np.cumsum(neg) - neg  # negatives in earlier runs, all groups
    first_run = np.searchsorted(run_group, np.arange(n_groups))
    offset = np.concatenate([before, [0.0]])[first_run]
    below = before - offset[run_group]
    pairs = np.bincount(run_group, weights=pos * (below + 0.5 * neg), minlength=n_groups)
    n_pos = np.bincount(run_group, weights=pos, minlength=n_groups)
    n_neg = np.bincount(run_group, weights=neg, minlength=n_groups)
    return safe_divide(pairs, n_pos * n_neg)


def _distinct_scores_auc(
    data: PerformanceData, by_group: np.ndarray, codes: np.ndarray, n_groups: int
) -> np.ndarray:
    """``group_auc`` when no two scores are equal and every entry is one row: a positive at
    position ``k`` of its group's ascending scores is above ``k`` minus the positives before
    it negatives, so a group's pairs are (sum of its positives' positions) - P(P-1)/2 (the
    Mann-Whitney U), in exact integer arithmetic."""
    positive = np.asarray(data.y, dtype=bool)[by_group]
    start = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=n_groups)[:n_groups], out=start[1:])
    where = np.flatnonzero(positive)  # positions in (group, score) order, ascending
    cut = np.searchsorted(where, start)
    pos_sum = np.concatenate([[0], np.cumsum(where)])
    n_pos = np.diff(cut)
    position_sum = pos_sum[cut[1:]] - pos_sum[cut[:-1]] - n_pos * start[:-1]
    pairs = position_sum - n_pos * (n_pos - 1) // 2
    n_neg = np.diff(start) - n_pos
    return safe_divide(pairs.astype(float), (n_pos * n_neg).astype(float))


def _by_group(entries: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """``entries`` grouped by their code, keeping their order within each group."""
    narrow = np.int16 if n_groups < np.iinfo(np.int16).max else np.int64
    return entries[np.argsort(codes[entries].astype(narrow), kind="stable")]  # radix sort


def evaluate_groups(
    data: PerformanceData,
    codes: np.ndarray,
    n_groups: int,
    *,
    resamples: Sequence[int],
    rng: np.random.Generator | None = None,
    max_rows: int = 5000,
    chunk: int = 100,
) -> list[MetricSet]:
    """``evaluate(data, rows of group g, resamples=resamples[g], rng=rng)`` for every group
    ``g`` in turn (``codes``: each entry's group, ``0..n_groups-1``)."""
    codes = np.asarray(codes, dtype=np.int64)
    names = data.metric_names()
    sizes = group_sizes(data, codes, n_groups)
    estimates = group_estimates(data, codes, n_groups)
    canonical: np.ndarray | None = None
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    if any(r > 0 for g, r in enumerate(resamples) if sizes[g] > 0):
        canonical = _by_group(data.canonical_order, codes, n_groups)
        bounds = np.searchsorted(codes[canonical], np.arange(n_groups + 1))
    out: list[MetricSet] = []
    for g in range(n_groups):
        n = int(sizes[g])
        estimate = {name: float(estimates[name][g]) for name in names}
        if n == 0 or resamples[g] < 1 or canonical is None:
            out.append(MetricSet(n, estimate if n else dict.fromkeys(names, float("nan"))))
            continue
        order = canonical[bounds[g] : bounds[g + 1]]
        out.append(
            bootstrap(
                data,
                order,
                estimate,
                resamples=resamples[g],
                rng=rng,
                max_rows=max_rows,
                chunk=chunk,
            )
        )
    return out


def group_reliability(
    data: PerformanceData, codes: np.ndarray, n_groups: int, bins: int = CALIBRATION_BINS
) -> list[list[dict[str, float | int | None]]]:
    """``reliability_table`` of every group's rows, from one ``bincount`` over (group, bin)."""
    assert data.score is not None
    score = np.asarray(data.score, dtype=float)
    w = np.ones(score.size) if data.weight is None else np.asarray(data.weight, dtype=float)
    cell = np.asarray(codes, dtype=np.int64) * bins + calibration_bin(score, bins)
    size = n_groups * bins
    count = np.bincount(cell, weights=w, minlength=size).reshape(n_groups, bins)
    sum_s = np.bincount(cell, weights=w * score, minlength=size).reshape(n_groups, bins)
    positive = np.asarray(data.y, dtype=bool)
    sum_y = np.bincount(cell, weights=w * positive, minlength=size).reshape(n_groups, bins)
    return [reliability_rows(count[g], sum_s[g], sum_y[g]) for g in range(n_groups)]
