"""Numbers in plain-language messages: two decimals, percentages and intervals, "n/a" when
a value is missing or not finite (reports never print NaN)."""

from __future__ import annotations

from typing import Any

from trustscan.numbers.json_safe import finite

MISSING = "n/a"


def number(value: Any, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, or "n/a"."""
    x = finite(value)
    return MISSING if x is None else f"{x:.{digits}f}"


def percent(value: Any, digits: int = 1) -> str:
    """A share as a percentage (0.123 -> "12.3%"), or "n/a"."""
    x = finite(value)
    return MISSING if x is None else f"{x:.{digits}%}"


def interval(low: Any, high: Any, digits: int = 2) -> str:
    """An interval as "low–high" with each end as ``number``."""
    return f"{number(low, digits)}–{number(high, digits)}"
