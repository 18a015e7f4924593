"""Turn the sensitive columns into group codes once, for every check that compares groups.

Categorical columns keep their values as groups; a numeric column with many distinct values
(an auto-detected ``age``, say) is cut into quartiles, because comparing every single value
would make hundreds of tiny groups that can never be judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.sensitive.schema import MAX_GROUPS, Binning, row_comparable
from trustscan.stats.groups import GroupCodes

__all__ = ["MAX_GROUPS", "SensitiveGroupings", "group_column", "sensitive_groupings"]

MAX_INTERSECTION_GROUPS = 200
"""An intersection with more groups than this is not compared: almost all of them would be
too small to judge, and their tables would swamp the report."""


@dataclass(frozen=True)
class SensitiveGroupings:
    """Each sensitive column alone, and their intersections (e.g. gender × race)."""

    singles: tuple[GroupCodes, ...]
    intersections: tuple[GroupCodes, ...]
    notes: tuple[str, ...] = ()
    """Intersections left out (too many groups), for the report's notes."""

    @property
    def all(self) -> tuple[GroupCodes, ...]:
        return (*self.singles, *self.intersections)

    def row_comparable(self) -> tuple[tuple[GroupCodes, ...], tuple[str, ...]]:
        """The single attributes that checks probing or perturbing rows can compare, and why
        the others cannot (``sensitive.schema.row_comparable``)."""
        kept: list[GroupCodes] = []
        skipped: list[str] = []
        for grouping in self.singles:
            reason = row_comparable(grouping.schema)
            if reason is None:
                kept.append(grouping)
            else:
                skipped.append(reason)
        return tuple(kept), tuple(skipped)


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _range_label(low: float, high: float) -> str:
    fmt = "{:.0f}" if float(low).is_integer() and float(high).is_integer() else "{:.3g}"
    return f"{fmt.format(low)}–{fmt.format(high)}"


def quartile_codes(
    values: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[str, ...], Binning]:
    """Quartile bin of each value (``-1`` for NaN), a ``low–high`` label per bin, the edges.

    ``weights``: rows per value (cells of an out-of-core source); the quartiles are then
    those of the rows, exactly as ``np.quantile`` computes them on the rows."""
    present = values[~np.isnan(values)]
    if weights is None:
        edges = np.unique(np.quantile(present, [0.25, 0.5, 0.75]))
    else:
        kept = np.asarray(weights)[~np.isnan(values)]
        edges = np.unique(stats.weighted_quantile(present, kept, [0.25, 0.5, 0.75]))
    codes = np.searchsorted(edges, values, side="right").astype(np.int64)
    bounds = [float(present.min()), *edges.tolist(), float(present.max())]
    labels = []
    for i in range(len(edges) + 1):
        in_bin = present[(np.searchsorted(edges, present, side="right")) == i]
        labels.append(
            _range_label(in_bin.min(), in_bin.max())
            if in_bin.size
            else _range_label(bounds[i], bounds[i + 1])
        )
    codes[np.isnan(values)] = -1
    return codes, tuple(labels), Binning("quartiles", tuple(float(e) for e in edges))


def group_column(name: str, column: pd.Series, weights: np.ndarray | None = None) -> GroupCodes:
    """Group codes for one sensitive column; missing values form the ``unknown`` group.
    ``weights``: rows per unit (cells of an out-of-core source), for the quartiles."""
    if is_numeric(column) and column.nunique(dropna=True) > MAX_GROUPS:
        codes, labels, binning = quartile_codes(column.to_numpy(dtype=float), weights)
        return stats.from_codes(name, codes, list(labels), binning=binning)
    try:
        codes, uniques = pd.factorize(column, sort=True)
    except TypeError:  # mixed types cannot be sorted: compare them as text
        codes, uniques = pd.factorize(column.astype("string"), sort=True)
    return stats.from_codes(name, codes, list(uniques))


def sensitive_groupings(
    sensitive: pd.DataFrame,
    sources: Mapping[str, tuple[str, ...]] | None = None,
    *,
    weights: np.ndarray | None = None,
) -> SensitiveGroupings:
    """Each sensitive attribute's groups and their intersections; ``sources`` names the data
    columns behind an attribute built from several (``race`` from ``black``, ``white``);
    ``weights`` are rows per unit (cells of an out-of-core source), for the quartiles."""
    singles = [group_column(str(name), sensitive[name], weights) for name in sensitive.columns]
    if sources:
        singles = [
            replace(g, schema=replace(g.schema, sources=(sources.get(g.name, (g.name,)),)))
            for g in singles
        ]
    kept: list[GroupCodes] = []
    dropped: list[str] = []
    for crossed in stats.intersections(singles):
        if crossed.n_groups > MAX_INTERSECTION_GROUPS:
            dropped.append(f"{crossed.name} ({crossed.n_groups:,} groups)")
        else:
            kept.append(crossed)
    notes = (
        (
            f"Intersections with more than {MAX_INTERSECTION_GROUPS} groups were not compared: "
            f"{'; '.join(dropped)}.",
        )
        if dropped
        else ()
    )
    return SensitiveGroupings(tuple(singles), tuple(kept), notes)
