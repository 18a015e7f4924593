"""Statistics sources: the audit's counts from memory, DuckDB or Spark (see ``base``)."""

from trustscan.stats.sources.base import (
    Cells,
    ColumnStats,
    Roles,
    RowSample,
    ScoreBinning,
    StatisticsSource,
)
from trustscan.stats.sources.memory import MemorySource

__all__ = [
    "Cells",
    "ColumnStats",
    "MemorySource",
    "Roles",
    "RowSample",
    "ScoreBinning",
    "StatisticsSource",
]
