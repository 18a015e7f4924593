"""Comparing a rate of every group with the most-favoured eligible group: ratios,
differences, their intervals, the tests and the pass / warn / fail judgement.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from trustscan import stats
from trustscan.policy import Policy
from trustscan.stats import GroupCodes, GroupCounts

JUDGED = ("pass", "warn", "fail")
"""Per-group statuses of groups that were compared with the reference."""


@dataclass(frozen=True)
class Settings:
    threshold: float
    alpha: float
    confidence: float
    resamples: int
    min_size: int
    min_share: float


def settings(policy: Policy, threshold: float) -> Settings:
    s = policy.stats
    return Settings(
        threshold, s.alpha, s.confidence, s.bootstrap_resamples, s.min_group_size, s.min_group_share
    )


def exclusions(
    grouping: GroupCodes, n: np.ndarray, denominator: np.ndarray, total: int, cfg: Settings
) -> list[str | None]:
    """Why each group is not gated (None when it is): ``stats.Eligibility``."""
    rule = stats.Eligibility(cfg.min_size, cfg.min_share)
    return rule.reasons(n, total, unknown=grouping.unknown, denominator=denominator)


@dataclass(frozen=True)
class Comparison:
    """A rate compared across the groups of one grouping. Arrays have one entry per group."""

    metric: str
    numerator: np.ndarray
    denominator: np.ndarray
    rate: np.ndarray
    rate_low: np.ndarray
    rate_high: np.ndarray
    reference: int | None
    ratio: np.ndarray
    ratio_low: np.ndarray
    ratio_high: np.ndarray
    katz_low: np.ndarray
    katz_high: np.ndarray
    difference: np.ndarray
    difference_low: np.ndarray
    difference_high: np.ndarray
    p_value: np.ndarray
    p_adjusted: np.ndarray
    test: list[str | None]
    one_person_ratio: np.ndarray
    people_needed: np.ndarray
    excluded: list[str | None]
    status: list[str]
    """Per group: pass, warn, fail, reference, excluded or n/a."""
    survives: np.ndarray | None = None
    """Per group: whether a ratio below the threshold survives the one-person check."""


def compare_rates(
    metric: str,
    counts: GroupCounts,
    boot: GroupCounts | None,
    grouping: GroupCodes,
    total: int,
    cfg: Settings,
) -> Comparison:
    """Compare rate ``metric`` of every group with the most-favoured eligible group."""
    num, den = stats.numerator_denominator(counts, metric)
    value = stats.safe_divide(num, den)
    g = counts.n_groups
    nan = np.full(g, np.nan)
    excluded = exclusions(grouping, counts.n, den, total, cfg)
    eligible = np.array([r is None for r in excluded]) & np.isfinite(value)
    reference = stats.reference_group(value, den, eligible)

    if boot is not None:
        boot_rate = stats.rate(boot, metric)
        rate_low, rate_high = stats.percentile_interval(boot_rate, confidence=cfg.confidence)
    else:
        boot_rate, rate_low, rate_high = None, nan, nan

    common: dict[str, Any] = {
        "metric": metric,
        "numerator": num,
        "denominator": den,
        "rate": value,
        "rate_low": rate_low,
        "rate_high": rate_high,
        "reference": reference,
        "excluded": excluded,
    }
    if reference is None or value[reference] == 0:
        # No eligible group, or nobody has the outcome. In the second case every eligible
        # group's rate is 0: ratios are undefined but there is no gap, so they pass.
        if reference is None:
            undecided = ["excluded" if r else "n/a" for r in excluded]
        else:
            undecided = [
                "excluded" if r else "reference" if i == reference else "pass"
                for i, r in enumerate(excluded)
            ]
        return Comparison(
            **common,
            ratio=nan,
            ratio_low=nan,
            ratio_high=nan,
            katz_low=nan,
            katz_high=nan,
            difference=nan
            if reference is None
            else stats.difference_to_reference(value, reference),
            difference_low=nan,
            difference_high=nan,
            p_value=nan,
            p_adjusted=nan,
            test=[None] * g,
            one_person_ratio=nan,
            people_needed=nan,
            status=undecided,
        )

    ratio, katz_low, katz_high = stats.katz_ratio_interval(
        num, den, num[reference], den[reference], confidence=cfg.confidence
    )
    if boot_rate is not None:
        ratio_low, ratio_high = stats.percentile_interval(
            stats.ratio_to_reference(boot_rate, reference), confidence=cfg.confidence
        )
        diff_low, diff_high = stats.percentile_interval(
            stats.difference_to_reference(boot_rate, reference), confidence=cfg.confidence
        )
    else:
        ratio_low = ratio_high = diff_low = diff_high = nan

    compared = eligible.copy()
    compared[reference] = False
    p_value = np.full(g, np.nan)
    test: list[str | None] = [None] * g
    idx = np.flatnonzero(compared)
    if idx.size:
        p, methods = stats.compare_proportions(num[idx], den[idx], num[reference], den[reference])
        p_value[idx] = p
        for i, m in zip(idx.tolist(), methods.tolist(), strict=True):
            test[i] = m
    survives, after = stats.one_person_check(
        num, den, num[reference], den[reference], threshold=cfg.threshold
    )
    comparison = Comparison(
        **common,
        ratio=ratio,
        ratio_low=ratio_low,
        ratio_high=ratio_high,
        katz_low=katz_low,
        katz_high=katz_high,
        difference=stats.difference_to_reference(value, reference),
        difference_low=diff_low,
        difference_high=diff_high,
        p_value=p_value,
        p_adjusted=nan,
        test=test,
        one_person_ratio=after,
        people_needed=nan,
        status=[
            "reference" if i == reference else "excluded" if excluded[i] else "n/a"
            for i in range(g)
        ],
        survives=survives,
    )
    return judge(comparison, stats.holm(p_value), cfg)


def judge(c: Comparison, p_adjusted: np.ndarray, cfg: Settings) -> Comparison:
    """Statuses from the adjusted p-values: fail needs ratio < threshold, significance and
    the one-person check; below the threshold without both is a warning."""
    if c.reference is None or c.survives is None:
        return c
    tests = int(np.isfinite(p_adjusted).sum())
    needed = stats.people_needed(c.rate, c.rate[c.reference], alpha=cfg.alpha / max(tests, 1))
    status: list[str] = []
    for i, previous in enumerate(c.status):
        if previous in ("reference", "excluded") or not math.isfinite(c.p_value[i]):
            status.append(previous)
        elif c.ratio[i] >= cfg.threshold:
            status.append("pass")
        elif p_adjusted[i] < cfg.alpha and c.survives[i]:
            status.append("fail")
        else:
            status.append("warn")
    return dataclasses.replace(c, p_adjusted=p_adjusted, people_needed=needed, status=status)


def judge_family(comparisons: list[Comparison], cfg: Settings) -> list[Comparison]:
    """Holm-correct every comparison of one grouping together (all metrics and classes a
    check makes for it), so more metrics or classes do not mean more false alarms."""
    if not comparisons:
        return comparisons
    adjusted = stats.holm(np.concatenate([c.p_value for c in comparisons]))
    out, start = [], 0
    for c in comparisons:
        end = start + c.p_value.size
        out.append(judge(c, adjusted[start:end], cfg))
        start = end
    return out


BELOW = "below threshold (reported, not gated)"
"""Per-group status of a reported-only comparison (the LL144 scoring rate beside decisions)."""


def reported_only(c: Comparison) -> Comparison:
    """``c`` with its warn/fail statuses replaced by :data:`BELOW`: measured, not judged."""
    status = [BELOW if s in ("warn", "fail") else s for s in c.status]
    return dataclasses.replace(c, status=status)
