"""What a family renderer returns and the helpers the renderers share.

Each renderer reads only what it knows, tolerates missing values, and names the metrics it
used (``consumed``) so the generic tables skip them. Anything it does not use still reaches
the report through ``formatting.generic_tables``. A renderer that meets an unexpected shape
raises (KeyError/TypeError/ValueError) and the presenter falls back to the generic view.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trustscan.numbers.json_safe import finite as _num
from trustscan.report import charts
from trustscan.report.formatting import (
    STATUS_LABEL,
    fmt,
)
from trustscan.types import CheckResult

MAX_BARS = 15
MAX_PD_CHARTS = 4


@dataclass
class RenderContext:
    """State shared while presenting one report: policy values and unique chart ids."""

    policy: Mapping[str, Any]
    used_proxies: Mapping[str, str] = field(default_factory=dict)
    """Feature -> sensitive attribute it stands in for (from leakage.proxy_features)."""
    _next_id: int = 0

    def chart_id(self) -> str:
        self._next_id += 1
        return f"chart{self._next_id}"

    def threshold(self, section: str, key: str, default: float) -> float:
        family = self.policy.get(section)
        value = family.get(key) if isinstance(family, Mapping) else None
        number = _num(value)
        return default if number is None else number


@dataclass
class Extras:
    """What a richer renderer adds to a check's block."""

    charts: list[charts.Chart] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)


Renderer = Callable[[CheckResult, RenderContext], Extras]


# --------------------------------------------------------------------------- helpers


def rows_of(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        return value
    return []


def _tone(status: Any) -> str:
    return status if isinstance(status, str) and status in STATUS_LABEL else "neutral"


def _with_interval(value: Any, low: Any, high: Any, show: Callable[[Any], str] = fmt) -> str:
    if _num(value) is None:
        return "—"
    if _num(low) is None or _num(high) is None:
        return show(value)
    return f"{show(value)} [{show(low)}–{show(high)}]"


def _grouping(row: Mapping[str, Any]) -> str:
    value = row.get("feature", row.get("grouping", row.get("attribute")))
    return "all rows" if value is None else str(value)


def _by_grouping(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(_grouping(row), []).append(row)
    return grouped


def _describe(bars: Sequence[charts.Bar]) -> str:
    return "; ".join(f"{b.label}: {b.note}" for b in bars)


def _domain_top(values: Sequence[float | None], floor: float = 0.0) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return charts._nice_ceiling(max([floor, *finite]) or 1.0)
