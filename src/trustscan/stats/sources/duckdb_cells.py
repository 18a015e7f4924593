"""Binned cells counted in numpy: DuckDB codes each row, ``np.bincount`` adds them up.

A ``GROUP BY`` of 100M rows into ~300,000 cells (two sensitive columns, decision, target
and 16,384 score bins) spends most of its time in DuckDB's hash table. When every key
column has few values, each row is instead turned into one integer in DuckDB (a position
in a small sorted dictionary per column, times the score's bin) and streamed to numpy,
where counting is an array increment: about half the time, the same cells in the same
order (keys ascending, missing values last, as ``ORDER BY ALL``).

The dictionaries are read from the first rows; a value they miss is found while counting
(its code is 0) and the caller falls back to the ``GROUP BY``, so the cells stay exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from trustscan.stats.sources.base import ScoreBinning

DICTIONARY_ROWS = 1_000_000
"""The first rows, kept by the source in the table ``__first``, where each key column's
values are looked up."""
MAX_VALUES = 255
"""A key column with more values than this is grouped by DuckDB."""
MAX_KEYS = 1 << 22
"""Largest key space counted in numpy (a 32 MB array of counts)."""
_BATCH = 1 << 22


def binned_cells(
    execute: Callable[[str], Any],
    batches: Callable[[str, int], Iterator[Any]],
    keys: Sequence[str],
    score: str,
    binning: ScoreBinning,
    high: float,
    nulls: Mapping[str, bool],
    quote: Callable[[str], str],
) -> pd.DataFrame | None:
    """The cells of ``keys`` and ``score`` binned as ``binning`` (``high``: the largest
    finite score; ``nulls``: whether each key column has missing values), with ``__rows``;
    None when numpy cannot count them (see the module)."""
    assert binning.width is not None
    dictionaries: list[pd.Series] = []
    for name in keys:
        column = quote(name)
        values = execute(
            f"SELECT DISTINCT {column} AS v FROM __first WHERE {column} IS NOT NULL ORDER BY v"
        ).df()["v"]
        if len(values) > MAX_VALUES or (len(values) == 0 and not nulls.get(name, True)):
            return None
        if nulls.get(name, True):
            # The missing value's code is last, as ORDER BY puts it; typed by DuckDB.
            values = execute(
                f"SELECT v FROM (SELECT DISTINCT {column} AS v FROM __first WHERE {column} IS "
                "NOT NULL UNION ALL SELECT NULL) ORDER BY v NULLS LAST"
            ).df()["v"]
        dictionaries.append(values)
    width, start = binning.width, binning.low
    finite_bins = int(np.floor((high - start) / width)) + 1
    # Score codes in ORDER BY order: -inf, the bins, +inf, NaN, missing.
    score_codes = finite_bins + 4
    sizes = [len(d) + 1 for d in dictionaries]  # code 0: not in the dictionary
    space = int(np.prod(sizes, dtype=np.int64)) * score_codes
    if space > MAX_KEYS:
        return None
    column = quote(score)
    value = f"{column}::DOUBLE"
    key = (
        f"CASE WHEN isfinite({value}) THEN floor(({value} - {start!r}) / {width!r})::BIGINT + 1 "
        f"WHEN {value} = '-inf'::DOUBLE THEN 0 WHEN {value} = 'inf'::DOUBLE THEN "
        f"{finite_bins + 1} WHEN isnan({value}) THEN {finite_bins + 2} ELSE {finite_bins + 3} END"
    )
    stride = score_codes
    for name, values, size in zip(
        reversed(keys), reversed(dictionaries), reversed(sizes), strict=True
    ):
        known = [_literal(v) for v in (values.iloc[:-1] if nulls[name] else values).tolist()]
        if any(v is None for v in known):
            return None  # a type without a plain SQL literal: DuckDB groups it
        literal = "[" + ", ".join(str(v) for v in known) + "]"
        code = (
            f"CASE WHEN {quote(name)} IS NULL THEN {len(values)} "
            f"ELSE coalesce(list_position({literal}, {quote(name)}), 0) END"
        )
        key = f"({code}) * {stride} + {key}"
        stride *= size
    counts = np.zeros(space, dtype=np.int64)
    for batch in batches(f"SELECT ({key})::INTEGER AS k FROM data", _BATCH):
        counts += np.bincount(batch.column(0).to_numpy(), minlength=space)
    present = np.flatnonzero(counts)
    codes = []
    score_code = present % score_codes
    rest = present // score_codes
    for size in reversed(sizes):
        codes.append(rest % size)
        rest = rest // size
    codes.reverse()
    if any(bool((c == 0).any()) for c in codes):
        return None  # a value the first rows did not show: DuckDB groups instead
    frame = pd.DataFrame(
        {
            name: values.take(c - 1).reset_index(drop=True)
            for name, values, c in zip(keys, dictionaries, codes, strict=True)
        }
    )
    bins = (score_code - 1).astype(np.float64) * width + start
    special = np.array([np.nan, np.inf, np.nan, np.nan])  # by code - finite_bins
    edge = score_code > finite_bins
    bins[score_code == 0] = -np.inf
    bins[edge] = special[score_code[edge] - finite_bins]
    frame[score] = bins
    frame["__rows"] = counts[present]
    return frame


def _literal(value: Any) -> str | None:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if np.isfinite(value) else None
    return None
