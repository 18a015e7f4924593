"""Numbers as JSON can hold them: plain Python floats, ``None`` for NaN, infinity or nothing.

``json.dumps(..., allow_nan=False)`` refuses NaN, and a report must say "not measured" rather
than print ``NaN``; every check and formatter converts through these functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, not a number, NaN or infinite.

    Booleans are not numbers here (``True`` is not a measurement of 1.0)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def rounded(value: Any, digits: int = 4) -> float | None:
    """``finite(value)`` rounded to ``digits`` decimals (None stays None)."""
    number = finite(value)
    return None if number is None else round(number, digits)


def scalar(value: Any) -> Any:
    """A JSON-safe scalar: numpy scalars to Python, NaN and infinity to None, anything else
    (text, integers, booleans, None) unchanged."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def pair(low: Any, high: Any) -> list[float | None]:
    """An interval as a JSON list ``[low, high]`` with missing ends as None."""
    return [finite(low), finite(high)]
