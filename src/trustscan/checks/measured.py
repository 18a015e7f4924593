"""Shared by the typed results of the check families (``<family>/measured.py``): reading
stored JSON values back into typed fields. Light to import (no numpy)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

Interval = tuple[float | None, float | None]
R = TypeVar("R", bound="StoredRow")


def number(value: Any) -> float | None:
    """A finite float, or None (bools, text and NaN are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def interval(value: Any) -> Interval | None:
    """A stored ``[low, high]`` pair, or None."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return (number(value[0]), number(value[1]))
    return None


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def rows(metrics: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The list of row mappings stored under ``key`` (empty when absent or malformed)."""
    value = metrics.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [r for r in value if isinstance(r, Mapping)]


@dataclass(frozen=True)
class StoredRow:
    """A stored row: the fields a subclass names are typed, the rest kept as stored."""

    present: frozenset[str] = field(default=frozenset(), repr=False)
    """Which typed fields the row stored (absent and null differ in the JSON)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys the type does not model, as stored."""

    @classmethod
    def from_row(cls: type[R], row: Mapping[str, Any]) -> R:
        typed = [f for f in dataclasses.fields(cls) if f.name not in ("present", "extra")]
        values: dict[str, Any] = {}
        for f in typed:
            raw = row.get(f.name)
            kind = str(f.type)
            if kind.startswith("Interval"):
                values[f.name] = interval(raw)
            elif "float" in kind:
                values[f.name] = number(raw)
            elif kind.startswith("bool"):
                values[f.name] = raw if isinstance(raw, bool) else None
            elif kind.startswith("int"):
                values[f.name] = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
            elif kind.startswith("str"):
                values[f.name] = None if raw is None else str(raw)
            else:
                values[f.name] = raw
        names = {f.name for f in typed}
        return cls(
            present=frozenset(n for n in names if n in row),
            extra={k: v for k, v in row.items() if k not in names},
            **values,
        )

    def to_row(self) -> dict[str, Any]:
        out = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name in self.present
        }
        out.update(self.extra)
        return out

    @property
    def ci(self) -> Interval:
        """``(ci_low, ci_high)`` for rows that store them."""
        return (getattr(self, "ci_low", None), getattr(self, "ci_high", None))
