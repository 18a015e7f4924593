"""What ``data.quality`` measured, typed: the data's size, duplicate rows, constant features
and missing shares. ``from_metrics`` reads the JSON layout the check stores and
``to_metrics`` writes it. Light to import (no numpy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.measured import mapping, number, rest, whole

_KEYS = ("rows", "columns", "duplicate_rows", "constant_features", "missing_share")


@dataclass(frozen=True)
class DataQuality:
    """What ``data.quality`` measured."""

    rows: int | None
    columns: int | None
    duplicate_rows: int | None
    """Rows that repeat an earlier row exactly."""
    constant_features: tuple[str, ...]
    missing_share: Mapping[str, float]
    """Share of missing values per feature, for the features that have any."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> DataQuality:
        constant = metrics.get("constant_features")
        return cls(
            rows=whole(metrics.get("rows")),
            columns=whole(metrics.get("columns")),
            duplicate_rows=whole(metrics.get("duplicate_rows")),
            constant_features=tuple(str(c) for c in constant) if isinstance(constant, list) else (),
            missing_share={
                str(k): v
                for k, raw in mapping(metrics, "missing_share").items()
                if (v := number(raw)) is not None
            },
            other=rest(metrics, _KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "columns": self.columns,
            "duplicate_rows": self.duplicate_rows,
            "constant_features": list(self.constant_features),
            "missing_share": dict(self.missing_share),
            **self.other,
        }
