"""Stratified row samples: every class of a code array in proportion."""

from __future__ import annotations

import numpy as np

from trustscan.stats.association import IntArray

FEW_CLASSES = 16
"""Up to this many classes, each class's rows are found by one comparison pass (faster than
sorting a million codes); more classes are sorted once."""


def dense_codes(values: np.ndarray) -> IntArray:
    """``np.unique(values, return_inverse=True)[1]``: each value's rank among the distinct
    values. Small non-negative integers (group × label strata) are ranked through a
    ``bincount`` lookup table instead of a sort of every row."""
    values = np.asarray(values)
    if values.size and values.dtype.kind in "iub":
        low, high = int(values.min()), int(values.max())
        if low >= 0 and high <= 4 * values.size + 1024:
            index = values.astype(np.intp, copy=False)
            rank = np.cumsum(np.bincount(index) > 0) - 1
            return np.asarray(rank[index], dtype=np.intp)
    return np.asarray(np.unique(values, return_inverse=True)[1].reshape(-1), dtype=np.intp)


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
    chosen = [
        rng.choice(rows, size=k, replace=False)
        for rows, k in zip(_class_rows(codes, valid, counts), take, strict=True)
        if k > 0
    ]
    return np.sort(np.concatenate(chosen))


def _class_rows(codes: IntArray, valid: IntArray, counts: IntArray) -> list[IntArray]:
    """Each class's row indices in ascending order (what a stable sort by code gives)."""
    if counts.size <= FEW_CLASSES:
        return [np.flatnonzero(codes == c) if n else valid[:0] for c, n in enumerate(counts)]
    order = valid[np.argsort(codes[valid], kind="stable")]
    ends = np.cumsum(counts)
    return [order[end - n : end] for end, n in zip(ends, counts, strict=True)]
