"""Which groups are judged, and which group the others are compared with — defined once.

Every family that compares groups (fairness, performance, explainability) asks these two
questions; answering them in one place keeps a group from being judged in one section and
"too small" in another, and keeps the explainability section quoting the same impact ratio
as the fairness section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from trustscan.stats.intervals import katz_ratio_interval


class _GroupLimits(Protocol):
    @property
    def min_group_size(self) -> int: ...
    @property
    def min_group_share(self) -> float: ...


@dataclass(frozen=True)
class Eligibility:
    """A group is judged when its sensitive value is known, it has at least ``min_size``
    people and ``min_share`` of the data, and (for a rate) ``min_size`` in the rate's
    denominator. Smaller groups are reported with their n, never judged."""

    min_size: int
    min_share: float

    @classmethod
    def from_policy(cls, limits: _GroupLimits) -> Eligibility:
        """From ``policy.stats`` (``min_group_size``, ``min_group_share``)."""
        return cls(int(limits.min_group_size), float(limits.min_group_share))

    def reason(
        self, n: float, total: float, *, unknown: bool = False, denominator: float | None = None
    ) -> str | None:
        """Why one group is not judged (None when it is)."""
        if unknown:
            return "sensitive value missing"
        if n < self.min_size:
            return f"below the minimum group size of {self.min_size}"
        if total and n / total < self.min_share:
            return f"{n / total:.1%} of the data, below the minimum share of {self.min_share:.0%}"
        if denominator is not None and denominator < self.min_size:
            return (
                f"only {int(denominator)} people in the rate's denominator, below {self.min_size}"
            )
        return None

    def reasons(
        self,
        n: np.ndarray,
        total: float,
        *,
        unknown: Sequence[bool] | None = None,
        denominator: np.ndarray | None = None,
    ) -> list[str | None]:
        """``reason`` for every group."""
        return [
            self.reason(
                float(n[g]),
                total,
                unknown=bool(unknown[g]) if unknown is not None else False,
                denominator=None if denominator is None else float(denominator[g]),
            )
            for g in range(len(n))
        ]

    def mask(
        self,
        n: np.ndarray,
        total: float,
        *,
        unknown: Sequence[bool] | None = None,
        denominator: np.ndarray | None = None,
    ) -> np.ndarray:
        """True for every group that is judged."""
        reasons = self.reasons(n, total, unknown=unknown, denominator=denominator)
        return np.array([r is None for r in reasons], dtype=bool)


def reference_group(values: np.ndarray, size: np.ndarray, eligible: np.ndarray) -> int | None:
    """The group others are compared with: the most favoured eligible group (highest value);
    ties go to the larger group, then to the first. None when no group is eligible."""
    ok = np.asarray(eligible, dtype=bool) & np.isfinite(values)
    if not ok.any():
        return None
    key = np.where(ok, values, -np.inf)
    best = np.flatnonzero(key == key.max())
    return int(best[np.argmax(np.asarray(size)[best])])


@dataclass(frozen=True)
class ImpactRatio:
    """Lowest selection rate over the reference group's, among the groups judged."""

    ratio: float
    ci_low: float
    ci_high: float
    """Katz log-ratio interval."""
    lowest: str
    highest: str
    """The reference group (``reference_group``)."""
    rates: dict[str, float]
    """Selection rate of every judged group."""


def impact_ratio(
    selected: np.ndarray,
    n: np.ndarray,
    labels: Sequence[str],
    eligible: np.ndarray,
    confidence: float,
) -> ImpactRatio | None:
    """Impact ratio of the lowest judged group against the reference group, with a Katz
    interval (``selected`` may be averaged counts). None below two judged groups or when
    nobody in the reference group is selected."""
    n = np.asarray(n, dtype=float)
    selected = np.asarray(selected, dtype=float)
    judged = np.asarray(eligible, dtype=bool) & (n > 0)
    idx = np.flatnonzero(judged)
    if idx.size < 2:
        return None
    rates = np.divide(selected, n, out=np.full(n.shape, np.nan), where=n > 0)
    high = reference_group(rates, n, judged)
    assert high is not None
    low = int(idx[int(np.argmin(rates[idx]))])
    if selected[high] <= 0:
        return None
    ratio, ci_low, ci_high = katz_ratio_interval(
        selected[low], n[low], selected[high], n[high], confidence=confidence
    )
    return ImpactRatio(
        float(ratio),
        float(ci_low),
        float(ci_high),
        labels[low],
        labels[high],
        {labels[i]: float(rates[i]) for i in idx.tolist()},
    )
