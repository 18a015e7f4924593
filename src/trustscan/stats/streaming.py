"""Group counts accumulated batch by batch: the out-of-core seam of the statistics layer.

``GroupCounts`` are additive over rows, so a file larger than memory can be audited by
counting one batch (e.g. one Parquet row group) at a time. The only subtlety is the labels:
each batch sees its own subset of groups, so every batch's local group codes are remapped
into a *global* label dictionary that grows as new values appear. ``result()`` then orders
the groups exactly as the in-memory path does (``sensitive.groups.group_column``: values
sorted, missing values in a trailing ``unknown`` group; intersections in the order of
``groups.intersect``), so streamed and in-memory counts are equal, not merely close.

Only categorical groupings stream exactly. A numeric sensitive column that the in-memory
path would cut into quartiles needs global quantiles; stream it after binning it yourself.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from trustscan.sensitive.schema import INTERSECTION_SEPARATOR, UNKNOWN
from trustscan.stats.groups import GroupCounts

_MISSING = object()
"""Global-dictionary key of the missing-value group."""


class GroupCountsAccumulator:
    """Per-group ``n``/``selected`` (and with a target TP/FP/TN/FN) over a stream of batches.

    ``columns`` names one sensitive column, or several for their intersection. Call
    ``add`` once per batch with that batch's raw sensitive values and boolean outcomes.
    """

    def __init__(self, columns: Sequence[str], *, with_target: bool) -> None:
        if not columns:
            raise ValueError("a grouping needs at least one column")
        self.columns = tuple(columns)
        self.with_target = with_target
        self._ids: list[dict[Any, int]] = [{} for _ in self.columns]
        """Per column: raw value (or ``_MISSING``) -> global id, in order of first sight."""
        self._cells: dict[tuple[int, ...], np.ndarray] = {}
        """Global id tuple -> cells (TP, FP, TN, FN or selected, not selected)."""
        self.rows = 0

    @property
    def name(self) -> str:
        return INTERSECTION_SEPARATOR.join(self.columns)

    def add(
        self,
        values: Sequence[pd.Series | np.ndarray],
        selected: np.ndarray,
        y_true: np.ndarray | None = None,
    ) -> None:
        """Count one batch. ``values``: one array per column; outcomes are booleans per row."""
        if len(values) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} value arrays, got {len(values)}")
        if self.with_target != (y_true is not None):
            raise ValueError("y_true must be given exactly when the accumulator has a target")
        pred = np.asarray(selected, dtype=bool)
        # Local codes per column, remapped to global ids (new values get the next id).
        global_codes = []
        for position, column in enumerate(values):
            local, uniques = pd.factorize(pd.Series(column), use_na_sentinel=True)
            if local.size != pred.size:
                raise ValueError(f"column {self.columns[position]!r} and the outcomes differ")
            ids = self._ids[position]
            remap = np.array([ids.setdefault(_key(u), len(ids)) for u in uniques] + [0])
            missing_id = ids.setdefault(_MISSING, len(ids)) if (local < 0).any() else 0
            remap[-1] = missing_id  # local code -1 indexes the last slot
            global_codes.append(remap[local])
        if self.with_target:
            assert y_true is not None
            truth = np.asarray(y_true, dtype=bool)
            cell = np.where(pred, np.where(truth, 0, 1), np.where(truth, 3, 2))  # TP FP TN FN
            n_cells = 4
        else:
            cell = (~pred).astype(np.int64)  # selected, not selected
            n_cells = 2
        # Combine the global ids of this batch (mixed radix over the ids seen so far).
        sizes = [len(ids) for ids in self._ids]
        combined = np.zeros(pred.size, dtype=np.int64)
        for codes, size in zip(global_codes, sizes, strict=True):
            combined = combined * size + codes
        present, inverse = np.unique(combined, return_inverse=True)
        cells = np.bincount(
            inverse.reshape(-1) * n_cells + cell, minlength=present.size * n_cells
        ).reshape(present.size, n_cells)
        for key_code, row in zip(present.tolist(), cells, strict=True):
            key = _digits(key_code, sizes)
            if key in self._cells:
                self._cells[key] += row
            else:
                self._cells[key] = row.astype(np.int64)
        self.rows += int(pred.size)

    def result(self) -> GroupCounts:
        """The accumulated counts, groups ordered as the in-memory path orders them."""
        n_cells = 4 if self.with_target else 2
        ranks, labels = [], []
        for ids in self._ids:
            rank, text = _order(ids)
            ranks.append(rank)
            labels.append(text)
        keyed = sorted(
            (tuple(rank[i] for rank, i in zip(ranks, key, strict=True)), cells)
            for key, cells in self._cells.items()
        )
        group_labels = tuple(
            INTERSECTION_SEPARATOR.join(labels[c][r] for c, r in enumerate(ordered))
            for ordered, _ in keyed
        )
        matrix = (
            np.stack([cells for _, cells in keyed])
            if keyed
            else np.zeros((0, n_cells), dtype=np.int64)
        )
        return GroupCounts.from_cells(group_labels, matrix)


def _key(value: Any) -> Any:
    # numpy scalars and Python scalars of equal value must share one dictionary entry.
    return value.item() if isinstance(value, np.generic) else value


def _digits(code: int, sizes: list[int]) -> tuple[int, ...]:
    out = []
    for size in reversed(sizes):
        code, digit = divmod(code, size)
        out.append(digit)
    return tuple(reversed(out))


def _order(ids: dict[Any, int]) -> tuple[dict[int, int], list[str]]:
    """Global id -> sorted position, and the label per position (``unknown`` last)."""
    values = [v for v in ids if v is not _MISSING]
    try:
        ordered = sorted(values)
    except TypeError:  # mixed types: compare as text, as the in-memory path does
        ordered = sorted(values, key=str)
    text = [str(v) for v in ordered]
    rank = {ids[v]: position for position, v in enumerate(ordered)}
    if _MISSING in ids:
        rank[ids[_MISSING]] = len(ordered)
        text.append(UNKNOWN if UNKNOWN not in text else f"{UNKNOWN} (missing)")
    return rank, text


def accumulators(
    sensitive: Sequence[str], *, with_target: bool, max_order: int = 3
) -> list[GroupCountsAccumulator]:
    """One accumulator per sensitive column and per intersection of 2..``max_order`` of them
    (the groupings the fairness checks compare)."""
    out = [GroupCountsAccumulator([c], with_target=with_target) for c in sensitive]
    for order in range(2, min(max_order, len(sensitive)) + 1):
        out.extend(
            GroupCountsAccumulator(list(combo), with_target=with_target)
            for combo in itertools.combinations(sensitive, order)
        )
    return out
