"""Derived metrics, each defined once as numerator / denominator of group counts.

A metric is a row in ``RATES``: which counts add up to its numerator and which to its
denominator. Every function works on observed counts (shape ``(G,)``) and on bootstrap
resamples (shape ``(B, G)``) alike, and returns NaN, not an error, where a denominator is 0
(e.g. the true-positive rate of a group with no positives).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustscan.stats.groups import GroupCounts


@dataclass(frozen=True)
class RateDefinition:
    """A rate ``sum(numerator counts) / sum(denominator counts)``."""

    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    needs_target: bool
    description: str


RATES: dict[str, RateDefinition] = {
    d.name: d
    for d in (
        RateDefinition(
            "selection_rate",
            ("selected",),
            ("n",),
            False,
            "share of the group given the positive decision",
        ),
        RateDefinition(
            "true_positive_rate",
            ("tp",),
            ("tp", "fn"),
            True,
            "share of truly positive people given the positive decision",
        ),
        RateDefinition(
            "false_positive_rate",
            ("fp",),
            ("fp", "tn"),
            True,
            "share of truly negative people given the positive decision",
        ),
        RateDefinition(
            "false_negative_rate",
            ("fn",),
            ("tp", "fn"),
            True,
            "share of truly positive people denied the positive decision",
        ),
        RateDefinition(
            "true_negative_rate",
            ("tn",),
            ("fp", "tn"),
            True,
            "share of truly negative people denied the positive decision",
        ),
        RateDefinition(
            "precision",
            ("tp",),
            ("tp", "fp"),
            True,
            "share of positive decisions that were truly positive",
        ),
        RateDefinition(
            "accuracy", ("tp", "tn"), ("n",), True, "share of decisions that match the true label"
        ),
        RateDefinition(
            "base_rate",
            ("tp", "fn"),
            ("n",),
            True,
            "share of the group whose true label is positive",
        ),
    )
}
"""All rates trustscan derives from group counts, by name."""


def _total(counts: GroupCounts, fields: tuple[str, ...]) -> np.ndarray:
    parts = [getattr(counts, f) for f in fields]
    if any(p is None for p in parts):
        raise ValueError(f"counts without a target cannot give {fields}")
    return np.asarray(sum(parts), dtype=np.int64)


def numerator_denominator(counts: GroupCounts, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The integer numerator and denominator of rate ``name`` per group."""
    try:
        definition = RATES[name]
    except KeyError:
        raise ValueError(f"unknown rate {name!r}; known: {', '.join(RATES)}") from None
    return _total(counts, definition.numerator), _total(counts, definition.denominator)


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ``numerator / denominator`` as float, NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def rate(counts: GroupCounts, name: str) -> np.ndarray:
    """Rate ``name`` (a key of ``RATES``) per group; NaN where its denominator is 0."""
    num, den = numerator_denominator(counts, name)
    return safe_divide(num, den)


def available_rates(counts: GroupCounts) -> tuple[str, ...]:
    """Names of the rates these counts can give (label rates need a target)."""
    return tuple(n for n, d in RATES.items() if counts.has_target or not d.needs_target)


def ratio_to_reference(values: np.ndarray, reference: int) -> np.ndarray:
    """Each group's value divided by the reference group's (last axis); NaN when it is 0."""
    ref = np.asarray(values)[..., reference : reference + 1]
    return safe_divide(values, np.broadcast_to(ref, np.shape(values)))


def difference_to_reference(values: np.ndarray, reference: int) -> np.ndarray:
    """Each group's value minus the reference group's (last axis)."""
    arr = np.asarray(values, dtype=float)
    return np.asarray(arr - arr[..., reference : reference + 1])
