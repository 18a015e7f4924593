"""Aggregated tables: rows that each stand for several people (``--counts COL``).

Published decision data often comes as counts per cell (UCB admissions: department, gender,
admitted or not, and how many people). Audited row by row, 24 cells look like 24 people;
``--counts`` repeats each row that many times first, so every check (bootstrap included)
sees the people the table stands for. Without ``--counts``, a small table with a count-named
column of whole numbers gets a note suggesting it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trustscan.errors import InputError

MAX_EXPANDED_ROWS = 20_000_000
"""More people than this are not expanded in memory (about 160 MB per numeric column)."""

_COUNT_NAME = re.compile(r"^(freq|frequency|count|counts|n|cases|persons|people)$", re.IGNORECASE)
"""Names that say "how many people" (not weight, total or number: a body weight in kg, a
total charge or a house number are whole numbers too)."""
_HINT_MAX_ROWS = 10_000
"""Tables longer than this are taken to list people, whatever a column is called."""


def expand_counts(data: pd.DataFrame, column: str, where: str) -> tuple[pd.DataFrame, str]:
    """``data`` with each row repeated ``data[column]`` times and that column removed, and
    a note saying so. Refuses counts that are missing, negative or fractional."""
    if column not in data.columns:
        raise InputError(
            f"counts column {column!r} not found in {where}",
            "check --counts; it names the column holding how many people each row stands for",
        )
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        raise InputError(
            f"counts column {column!r} has {int(bad.sum()):,} values that are not whole "
            "numbers of people (empty, negative, fractional or text)",
            "give every row a count of 0 or more, or leave out --counts",
        )
    counts = values.astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        raise InputError(f"counts column {column!r} adds up to no one", "check --counts")
    if total > MAX_EXPANDED_ROWS:
        raise InputError(
            f"counts column {column!r} stands for {total:,} people, more than the "
            f"{MAX_EXPANDED_ROWS:,} an audit expands in memory",
            "audit a sample of the table, or its people as rows with --engine duckdb",
        )
    expanded = data.drop(columns=[column]).loc[data.index.repeat(counts)]
    note = (
        f"Each row of {where} stands for the number of people in {column!r}: "
        f"{len(data):,} rows were expanded to {total:,} people before the audit."
    )
    return expanded.reset_index(drop=True), note


def counts_hint(data: pd.DataFrame) -> str | None:
    """A note when a short table has a count-named column of whole numbers adding up to
    many more people than rows: it is probably aggregated."""
    if len(data) > _HINT_MAX_ROWS:
        return None
    for column in data.columns:
        if not _COUNT_NAME.match(str(column)):
            continue
        series = data[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        values = series.to_numpy(dtype=float)
        if not np.isfinite(values).all() or (values < 0).any():
            continue
        ordered = np.sort(values)
        if np.array_equal(ordered, ordered[0] + np.arange(values.size)):
            continue  # a row number (0..n-1, 1..n), not counts
        if (values == np.round(values)).all() and values.sum() >= 5 * len(data):
            return (
                f"Column {column!r} looks like a count of people per row ({int(values.sum()):,} "
                f"in {len(data):,} rows): if each row stands for several people, pass "
                f"--counts {column} so they are audited as people, not as {len(data):,} rows."
            )
    return None
