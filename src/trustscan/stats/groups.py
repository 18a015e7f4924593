"""Integer group codes and per-group sufficient statistics.

Every fairness number trustscan reports is a function of a handful of counts per group:
``n``, ``selected`` and, with a target, the confusion cells ``TP, FP, TN, FN``. They are
computed once with one ``np.bincount`` over integer group codes; rates, ratios, tests and
bootstrap intervals are then derived from the counts alone (see ``rates``, ``intervals``,
``tests``). The codes can come from any source (numpy here, pandas ``factorize`` in a check,
a SQL group-by elsewhere) without changing the metric code. What the groups *are* (labels,
the unknown group, binning) is the ``sensitive.schema.GroupSchema`` the codes point into.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trustscan.sensitive.schema import (
    INTERSECTION_SEPARATOR,
    UNKNOWN,
    VALUES,
    Binning,
    GroupSchema,
    single,
)


@dataclass(frozen=True)
class GroupCodes:
    """Rows mapped to the groups ``0 .. n_groups - 1`` of a ``GroupSchema``."""

    schema: GroupSchema
    """What the grouping is: attribute, labels, the unknown group, binning."""
    codes: np.ndarray
    """``int64`` group code of every row."""

    @property
    def name(self) -> str:
        return self.schema.attribute

    @property
    def columns(self) -> tuple[str, ...]:
        return self.schema.columns

    @property
    def labels(self) -> tuple[str, ...]:
        return self.schema.labels

    @property
    def parts(self) -> tuple[tuple[str, ...], ...]:
        return self.schema.parts

    @property
    def unknown(self) -> tuple[bool, ...]:
        return self.schema.unknown

    @property
    def n_groups(self) -> int:
        return self.schema.n_groups

    @property
    def is_intersection(self) -> bool:
        return self.schema.is_intersection

    def known_codes(self) -> np.ndarray:
        """Codes with ``-1`` for rows in a missing-value group (known groups keep theirs)."""
        missing = np.flatnonzero(self.schema.unknown)
        if missing.size == 0:
            return self.codes
        return np.where(np.isin(self.codes, missing), -1, self.codes)


def from_codes(
    name: str, codes: np.ndarray, labels: Sequence[object], *, binning: Binning = VALUES
) -> GroupCodes:
    """Wrap factorised codes (``-1`` = missing, as ``pandas.factorize`` returns them).

    Missing rows get their own trailing ``unknown`` group, only when there are any.
    Labels that are not strings are converted with ``str``. Text labels are compared without
    surrounding spaces, and a blank one counts as missing: hand-typed logs write "F " for "F"
    and " " for not recorded, which are not groups of people.
    """
    codes, labels = _trimmed(np.asarray(codes, dtype=np.int64), labels)
    text = [str(label) for label in labels]
    unknown = [False] * len(text)
    missing = codes < 0
    if missing.any():
        codes = np.where(missing, len(text), codes)
        text.append(UNKNOWN if UNKNOWN not in text else f"{UNKNOWN} (missing)")
        unknown.append(True)
    return GroupCodes(single(name, tuple(text), tuple(unknown), binning), codes)


_NOT_RECORDED = frozenset({"", "?"})
"""Text labels that mean nothing was recorded: a blank, and the UCI repository's ``?``
(Adult, diabetes readmissions): the unknown group, not a group called ``?``."""


def _trimmed(codes: np.ndarray, labels: Sequence[object]) -> tuple[np.ndarray, list[object]]:
    """``codes`` and ``labels`` with text labels stripped, blanks and ``?`` made missing
    (``-1``) and labels equal after stripping merged, in the order of their text."""
    trimmed = [label.strip() if isinstance(label, str) else label for label in labels]
    if trimmed == list(labels) and not _NOT_RECORDED & {t for t in trimmed if isinstance(t, str)}:
        return codes, list(labels)
    kept = sorted(
        (label for label in dict.fromkeys(trimmed) if label not in _NOT_RECORDED), key=str
    )
    position = {label: i for i, label in enumerate(kept)}
    remap = np.array([position.get(label, -1) for label in trimmed] + [-1], dtype=np.int64)
    return remap[codes], kept  # code -1 indexes the trailing -1


def encode(name: str, values: np.ndarray | Sequence[object]) -> GroupCodes:
    """Group codes for one column of raw values, in sorted label order (pure numpy).

    ``None`` and float ``NaN`` count as missing and form the ``unknown`` group.
    """
    array = np.asarray(values)
    if array.dtype.kind in "biu":
        uniques, codes = np.unique(array, return_inverse=True)
        return from_codes(name, codes, [_plain(u) for u in uniques])
    if array.dtype.kind == "f":
        missing = np.isnan(array)
    else:
        array = array.astype(object)
        missing = np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in array), bool, array.size
        )
    codes = np.full(array.size, -1, dtype=np.int64)
    uniques, inner = np.unique(array[~missing].astype(str), return_inverse=True)
    codes[~missing] = inner
    return from_codes(name, codes, [_plain(u) for u in uniques])


def _plain(value: object) -> object:
    # numpy scalars print as e.g. "np.int64(1)" in reprs; labels should read "1".
    return value.item() if isinstance(value, np.generic) else value


def intersect(*groupings: GroupCodes) -> GroupCodes:
    """The intersection of several groupings; only combinations that occur become groups.

    Codes are combined arithmetically (mixed radix) and compressed with a bincount, so the
    cost is O(N) whatever the number of possible combinations.
    """
    if len(groupings) < 2:
        raise ValueError("intersect() needs at least two groupings")
    combined = np.zeros_like(groupings[0].codes)
    radix = 1
    for grouping in groupings:
        combined = combined * grouping.n_groups + grouping.codes
        radix *= grouping.n_groups
    present = np.flatnonzero(np.bincount(combined, minlength=radix))
    remap = np.full(radix, -1, dtype=np.int64)
    remap[present] = np.arange(present.size)
    # Decode each present combination back into its per-grouping codes.
    parts: list[tuple[str, ...]] = []
    unknown: list[bool] = []
    digits = np.empty((present.size, len(groupings)), dtype=np.int64)
    rest = present.copy()
    for index in range(len(groupings) - 1, -1, -1):
        size = groupings[index].n_groups
        digits[:, index] = rest % size
        rest //= size
    for row in digits.tolist():
        pairs = list(zip(groupings, row, strict=True))
        parts.append(tuple(g.labels[d] for g, d in pairs))
        unknown.append(any(g.unknown[d] for g, d in pairs))
    schemas = [g.schema for g in groupings]
    schema = GroupSchema(
        attribute=INTERSECTION_SEPARATOR.join(g.name for g in groupings),
        columns=tuple(c for g in groupings for c in g.columns),
        labels=tuple(INTERSECTION_SEPARATOR.join(p) for p in parts),
        parts=tuple(parts),
        unknown=tuple(unknown),
        binning=tuple(b for s in schemas for b in s.binning),
        sources=(
            tuple(x for s in schemas for x in (s.sources or tuple((c,) for c in s.columns)))
            if any(s.sources for s in schemas)
            else ()
        ),
    )
    return GroupCodes(schema, remap[combined])


def intersections(groupings: Sequence[GroupCodes], *, max_order: int = 3) -> list[GroupCodes]:
    """All intersections of 2 .. ``max_order`` of the given single-feature groupings."""
    out: list[GroupCodes] = []
    for order in range(2, min(max_order, len(groupings)) + 1):
        out.extend(intersect(*combo) for combo in itertools.combinations(groupings, order))
    return out


@dataclass(frozen=True)
class GroupCounts:
    """Sufficient statistics per group. Arrays have shape ``(..., G)``.

    The leading axes are empty for observed counts and ``(B,)`` for bootstrap resamples,
    so every function in ``rates`` works on both.
    """

    labels: tuple[str, ...]
    n: np.ndarray
    selected: np.ndarray
    tp: np.ndarray | None = None
    fp: np.ndarray | None = None
    tn: np.ndarray | None = None
    fn: np.ndarray | None = None

    @property
    def has_target(self) -> bool:
        return self.tp is not None

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    def cells(self) -> np.ndarray:
        """The disjoint cells that add up to ``n``: ``(G, 4)`` TP/FP/TN/FN with a target,
        else ``(G, 2)`` selected / not selected. Resampling these resamples everything."""
        if self.tp is not None:
            assert self.fp is not None and self.tn is not None and self.fn is not None
            return np.stack([self.tp, self.fp, self.tn, self.fn], axis=-1)
        return np.stack([self.selected, self.n - self.selected], axis=-1)

    @classmethod
    def from_cells(cls, labels: tuple[str, ...], cells: np.ndarray) -> GroupCounts:
        """Inverse of ``cells``; ``cells`` may carry leading resample axes."""
        if cells.shape[-1] == 4:
            tp, fp, tn, fn = (cells[..., k] for k in range(4))
            return cls(labels, tp + fp + tn + fn, tp + fp, tp, fp, tn, fn)
        if cells.shape[-1] == 2:
            return cls(labels, cells[..., 0] + cells[..., 1], cells[..., 0])
        raise ValueError(f"cells must have 2 or 4 columns, got {cells.shape[-1]}")


def group_counts(
    grouping: GroupCodes,
    selected: np.ndarray,
    y_true: np.ndarray | None = None,
    *,
    weights: np.ndarray | None = None,
) -> GroupCounts:
    """Per-group n, selected and (with ``y_true``) TP/FP/TN/FN in one ``np.bincount``.

    ``selected`` and ``y_true`` are boolean per row (positive decision / positive label).
    ``weights``: integer rows per unit when the units are cells of a grouped source (the
    out-of-core engines); the counts are then the same as over the rows themselves.
    """
    codes = grouping.codes
    g = grouping.n_groups
    pred = np.asarray(selected, dtype=bool)
    if pred.shape != codes.shape:
        raise ValueError(f"selected has {pred.size} rows, the grouping has {codes.size}")
    if y_true is None:
        cells = _count(codes * 2 + (~pred), 2 * g, weights).reshape(g, 2)
        return GroupCounts.from_cells(grouping.labels, cells)
    truth = np.asarray(y_true, dtype=bool)
    if truth.shape != codes.shape:
        raise ValueError(f"y_true has {truth.size} rows, the grouping has {codes.size}")
    # Cell index: 0 TP, 1 FP, 2 TN, 3 FN.
    cell = np.where(pred, np.where(truth, 0, 1), np.where(truth, 3, 2))
    cells = _count(codes * 4 + cell, 4 * g, weights).reshape(g, 4)
    return GroupCounts.from_cells(grouping.labels, cells)


def _count(index: np.ndarray, size: int, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return np.bincount(index, minlength=size)
    # Integer weights summed exactly: float bincount is exact only below 2**53 rows.
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, np.asarray(weights, dtype=np.int64))
    return out


@dataclass(frozen=True)
class GroupMoments:
    """Sufficient statistics of a numeric value per group, around a common ``shift``.

    Sums are of ``value - shift`` (``shift`` = overall mean) so variances keep their
    precision when the values are large and close together.
    """

    labels: tuple[str, ...]
    n: np.ndarray
    shift: float
    centred_sum: np.ndarray
    centred_sum_sq: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """Per-group mean (NaN for an empty group)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.shift + self.centred_sum / self.n)

    @property
    def variance(self) -> np.ndarray:
        """Unbiased sample variance (NaN below two observations)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            var = (self.centred_sum_sq - self.centred_sum**2 / self.n) / (self.n - 1)
        return np.where(self.n > 1, np.maximum(var, 0.0), np.nan)


def group_moments(
    grouping: GroupCodes, values: np.ndarray, *, weights: np.ndarray | None = None
) -> GroupMoments:
    """Per-group count, mean and variance of ``values`` (NaN values are dropped);
    ``weights``: rows per unit, as in ``group_counts``."""
    x = np.asarray(values, dtype=float)
    keep = ~np.isnan(x)
    codes = grouping.codes[keep]
    x = x[keep]
    w = np.ones(x.size) if weights is None else np.asarray(weights, dtype=float)[keep]
    g = grouping.n_groups
    shift = float(np.average(x, weights=w)) if x.size and w.sum() > 0 else 0.0
    centred = x - shift
    n = (
        np.bincount(codes, minlength=g)
        if weights is None
        else _count(codes, g, np.asarray(weights)[keep])
    )
    return GroupMoments(
        grouping.labels,
        n,
        shift,
        np.bincount(codes, weights=w * centred, minlength=g),
        np.bincount(codes, weights=w * centred * centred, minlength=g),
    )


def weighted_quantile(
    values: np.ndarray, weights: np.ndarray, quantiles: Sequence[float]
) -> np.ndarray:
    """``np.quantile`` (linear interpolation) of the rows that ``values`` with integer
    ``weights`` stand for, without expanding them: the order statistics at positions
    ``(N - 1) q`` are found in the cumulative weights."""
    order = np.argsort(values, kind="stable")
    sorted_values = np.asarray(values, dtype=float)[order]
    ends = np.cumsum(np.asarray(weights, dtype=np.int64)[order])  # last row index + 1
    total = int(ends[-1])
    out = []
    for q in quantiles:
        position = (total - 1) * float(q)
        below = int(np.floor(position))
        above = min(below + 1, total - 1)
        low = sorted_values[np.searchsorted(ends, below, side="right")]
        high = sorted_values[np.searchsorted(ends, above, side="right")]
        # np.quantile's own interpolation (it works from the upper end for t >= 0.5), so
        # equal inputs give bit-equal edges.
        t = position - below
        out.append(high - (high - low) * (1 - t) if t >= 0.5 else low + (high - low) * t)
    return np.asarray(out)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """``np.median`` of the rows ``values`` with integer ``weights`` stand for (the mean of
    the two middle rows when their number is even, as numpy takes it)."""
    order = np.argsort(values, kind="stable")
    sorted_values = np.asarray(values, dtype=float)[order]
    ends = np.cumsum(np.asarray(weights, dtype=np.int64)[order])
    total = int(ends[-1])
    middle = [(total - 1) // 2, total // 2]
    picked = sorted_values[np.searchsorted(ends, middle, side="right")]
    return float(np.mean(picked))
