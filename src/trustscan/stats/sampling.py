"""Stratified row samples: every class of a code array in proportion."""

from __future__ import annotations

import numpy as np

from trustscan.stats.association import IntArray


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
