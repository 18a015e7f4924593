"""The statistics-source seam: what the audit asks of the data, whoever holds it.

Counts-only checks (fairness rates, error rates, performance, calibration, output
inference, data quality) need a few numbers per group, not rows. A source answers them:

- ``cells``: the distinct combinations of the raw sensitive values, decision, target and
  score (exact, or in fine bins with a stated width) with the number of rows behind each.
  Group labels are then made from those raw values by the same Python code the in-memory
  path runs on rows, so labels are identical on every engine, and every count is a
  weighted sum over cells;
- ``column_stats``: missing values, constant columns and duplicate rows, for data quality;
- ``sample``: a stratified row sample (size and how it was drawn stated) for the checks that
  need rows or the model.

Sources: ``memory`` (a pandas frame already loaded), ``duckdb`` (files of any size, out of
core). A source never judges anything; checks do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

MAX_CELLS = 5_000_000
"""More distinct (sensitive, decision, target, score) combinations than this are not
audited out of core: the cells would no longer be much smaller than the rows."""

EXACT_SCORE_LEVELS = 4096
"""Scores with at most this many distinct values are grouped exactly; finer scores are cut
into ``SCORE_BINS`` equal-width bins (see ``ScoreBinning``)."""

SCORE_BINS = 2**14
"""Bins across the score's range when it has too many distinct values (16,384: a bin of
2^-14 ≈ 0.00006 on a probability, and 0.5 stays a bin edge)."""


@dataclass(frozen=True)
class Roles:
    """The columns the counts are about."""

    sensitive: tuple[str, ...]
    decision: str | None = None
    target: str | None = None
    score: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        named = (*self.sensitive, self.decision, self.target, self.score)
        return tuple(dict.fromkeys(c for c in named if c))


@dataclass(frozen=True)
class ScoreBinning:
    """How the score column was grouped."""

    distinct: int
    """Distinct score values in the data (approximate above ``EXACT_SCORE_LEVELS``)."""
    width: float | None = None
    """Bin width; None = every distinct score kept exactly."""
    low: float = 0.0
    """Lower edge of the first bin (a score stands for its bin's lower edge)."""
    at_least: bool = False
    """``distinct`` counts the first rows only (already too many to keep exactly)."""

    @property
    def exact(self) -> bool:
        return self.width is None

    def describe(self) -> str:
        if self.width is None:
            return f"scores grouped exactly ({self.distinct:,} distinct values)"
        about = "at least" if self.at_least else "about"
        return (
            f"scores in bins of width {self.width:.3g} from {self.low:g} ({about} "
            f"{self.distinct:,} distinct values): ROC AUC is exact up to pairs tied in one bin "
            f"(error at most half their share), calibration means move by at most {self.width:.3g}"
        )


def score_bins(low: float, high: float) -> tuple[float, float]:
    """Width and first edge of ``SCORE_BINS`` bins over [low, high]. A power-of-two width
    keeps the edges exact in binary floating point, so 0.5 (the default threshold) is an
    edge and "score >= 0.5" is decided the same on bins as on scores."""
    width = 2.0 ** math.ceil(math.log2((high - low) / SCORE_BINS))
    return width, math.floor(low / width) * width


@dataclass(frozen=True)
class Cells:
    """Distinct combinations of raw values with the number of rows behind each."""

    frame: pd.DataFrame
    """One row per combination; columns are ``Roles.columns``."""
    weights: np.ndarray
    """``int64`` rows per combination; sums to ``n_rows``."""
    binning: ScoreBinning | None = None

    @property
    def n_rows(self) -> int:
        return int(self.weights.sum())


@dataclass(frozen=True)
class ColumnStats:
    """What data quality needs about the columns, computed where the data lives."""

    n_rows: int
    n_columns: int
    missing: Mapping[str, int]
    """Per asked column, the number of missing values."""
    constant: tuple[str, ...]
    """Asked columns with a single value (or a single missing value) in every row."""
    duplicate_rows: int
    """Rows equal to an earlier row over all columns."""


@dataclass(frozen=True)
class RowSample:
    """Rows for the checks that need rows or the model."""

    frame: pd.DataFrame
    total: int
    """Rows in the whole data."""
    how: str
    """How the rows were drawn, in words for the report."""

    @property
    def size(self) -> int:
        return int(self.frame.shape[0])

    @property
    def complete(self) -> bool:
        return self.size == self.total


class StatisticsSource(Protocol):
    """Where the audit's statistics come from (see the module docstring)."""

    engine: str
    """``memory``, ``duckdb`` or ``spark``."""

    def columns(self) -> tuple[str, ...]: ...

    def n_rows(self) -> int: ...

    def cells(self, roles: Roles) -> Cells: ...

    def column_stats(self, columns: Sequence[str]) -> ColumnStats: ...

    def sample(self, size: int, *, strata: Sequence[str], seed: int) -> RowSample: ...


class OutOfCoreSource(StatisticsSource, Protocol):
    """A source over data that is not in memory: it names itself for the report."""

    label: str
    """The engine as the report names it: ``DuckDB``, ``Spark (local[*])``."""
    name: str
    """The data as the report names it: a file, a pattern, a table."""
