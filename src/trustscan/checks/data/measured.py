"""What ``data.quality`` measured, typed: the data's size, duplicate rows, constant features
and missing shares (its JSON form is these fields, flat). Light to import (no numpy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trustscan.checks.measured import StoredResult


@dataclass(frozen=True)
class DataQuality(StoredResult):
    """What ``data.quality`` measured."""

    rows: int | None = None
    columns: int | None = None
    duplicate_rows: int | None = None
    """Rows that repeat an earlier row exactly."""
    constant_features: tuple[str, ...] = ()
    missing_share: Mapping[str, float] = field(default_factory=dict)
    """Share of missing values per feature, for the features that have any."""
