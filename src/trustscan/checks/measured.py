"""Shared by the typed results of the check families (``<family>/measured.py``): reading
stored JSON values back into typed fields. Light to import (no numpy)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

Interval = tuple[float | None, float | None]
R = TypeVar("R", bound="StoredRow")
S = TypeVar("S", bound="StoredResult")


def number(value: Any) -> float | None:
    """A finite float, or None (bools, text and NaN are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def whole(value: Any) -> int | None:
    """An int, or None (bools and floats are not whole numbers here)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def interval(value: Any) -> Interval | None:
    """A stored ``[low, high]`` pair, or None."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return (number(value[0]), number(value[1]))
    return None


def span(low: Any, high: Any) -> Interval:
    """An interval from two numbers a check computed (numpy scalars too); a missing, NaN or
    infinite end is None."""
    return (
        None if low is None else number(float(low)),
        None if high is None else number(float(high)),
    )


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def rows(metrics: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The list of row mappings stored under ``key`` (empty when absent or malformed)."""
    value = metrics.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [r for r in value if isinstance(r, Mapping)]


def mapping(metrics: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The mapping stored under ``key`` (empty when absent or malformed)."""
    value = metrics.get(key)
    return value if isinstance(value, Mapping) else {}


def rest(metrics: Mapping[str, Any], known: Iterable[str]) -> dict[str, Any]:
    """The stored keys a typed result does not model, kept so it writes back what it read."""
    names = set(known)
    return {k: v for k, v in metrics.items() if k not in names}


def typed_rows(metrics: Mapping[str, Any], key: str, kind: type[R]) -> tuple[R, ...]:
    """The rows stored under ``key``, each read into ``kind``."""
    return tuple(kind.from_row(r) for r in rows(metrics, key))


def typed_by_name(metrics: Mapping[str, Any], key: str, kind: type[R]) -> dict[str, R]:
    """The rows stored by name (e.g. per attribute) under ``key``, each read into ``kind``."""
    return {
        str(name): kind.from_row(row)
        for name, row in mapping(metrics, key).items()
        if isinstance(row, Mapping)
    }


@dataclass(frozen=True)
class StoredRow:
    """A stored row: the fields a subclass names are typed, the rest kept as stored."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {}
    """Fields that hold other stored rows, with their type: a list of them when the field is
    a tuple, else one (a missing or malformed one reads as None)."""
    optional: ClassVar[frozenset[str]] = frozenset()
    """Fields a check writes only when they have a value (a row it built leaves them out
    when None)."""
    present: frozenset[str] | None = field(default=None, repr=False)
    """Which typed fields the row stored (absent and null differ in the JSON); None for a
    row a check built: every field, except the ``optional`` ones that are None."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys the type does not model, as stored."""

    @classmethod
    def from_row(cls: type[R], row: Mapping[str, Any]) -> R:
        typed = [f for f in dataclasses.fields(cls) if f.name not in ("present", "extra")]
        values: dict[str, Any] = {}
        for f in typed:
            raw = row.get(f.name)
            kind = str(f.type)
            if f.name in cls.nested:
                inner = cls.nested[f.name]
                if kind.startswith("tuple"):
                    values[f.name] = tuple(inner.from_row(r) for r in rows(row, f.name))
                else:
                    values[f.name] = inner.from_row(raw) if isinstance(raw, Mapping) else None
            elif kind.startswith("Mapping"):
                values[f.name] = raw if isinstance(raw, Mapping) else {}
            elif kind.startswith("tuple[str"):
                values[f.name] = tuple(str(v) for v in raw) if isinstance(raw, list) else ()
            elif kind.startswith("Interval"):
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

    def stored(self, name: str) -> bool:
        """Whether the row holds field ``name`` (read from JSON: it was stored there)."""
        if self.present is not None:
            return name in self.present
        return name not in self.optional or getattr(self, name) is not None

    def to_row(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name in ("present", "extra") or not self.stored(f.name):
                continue
            value = getattr(self, f.name)
            if isinstance(value, StoredRow):
                value = value.to_row()
            elif f.name in self.nested and isinstance(value, tuple):
                value = [r.to_row() for r in value]
            elif isinstance(value, tuple):
                value = list(value)  # JSON's lists, also in memory (intervals, names)
            out[f.name] = value
        out.update(self.extra)
        return out

    @property
    def ci(self) -> Interval:
        """``(ci_low, ci_high)`` for rows that store them."""
        return (getattr(self, "ci_low", None), getattr(self, "ci_high", None))


@dataclass(frozen=True)
class StoredResult(StoredRow):
    """A typed result whose JSON form is one flat row of its fields (plus nested rows): its
    ``from_metrics`` and ``to_metrics`` are ``from_row`` and ``to_row``."""

    @classmethod
    def from_metrics(cls: type[S], metrics: Mapping[str, Any]) -> S:
        return cls.from_row(metrics)

    def to_metrics(self) -> dict[str, Any]:
        return self.to_row()
