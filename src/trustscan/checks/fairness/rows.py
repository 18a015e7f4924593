"""The fairness checks' JSON rows: one flat row per group (and intersection) and the
summary metrics around them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trustscan import stats
from trustscan.checks.fairness.comparison import Comparison, Settings
from trustscan.checks.fairness.section import RateSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import pair as _pair
from trustscan.numbers.json_safe import scalar as _json
from trustscan.stats import GroupCodes, GroupCounts


def comparison_columns(c: Comparison, i: int) -> dict[str, Any]:
    """Flat, JSON-safe row keys for group ``i``, all prefixed with the metric name."""
    m = c.metric
    return {
        m: _json(float(c.rate[i])),
        f"{m}_ci": _pair(c.rate_low[i], c.rate_high[i]),
        f"{m}_numerator": int(c.numerator[i]),
        f"{m}_denominator": int(c.denominator[i]),
        f"{m}_ratio": _json(float(c.ratio[i])),
        f"{m}_ratio_ci": _pair(c.ratio_low[i], c.ratio_high[i]),
        f"{m}_ratio_ci_katz": _pair(c.katz_low[i], c.katz_high[i]),
        f"{m}_difference": _json(float(c.difference[i])),
        f"{m}_difference_ci": _pair(c.difference_low[i], c.difference_high[i]),
        f"{m}_p_value": _json(float(c.p_value[i])),
        f"{m}_p_value_adjusted": _json(float(c.p_adjusted[i])),
        f"{m}_test": c.test[i],
        f"{m}_one_person_ratio": _json(float(c.one_person_ratio[i])),
        f"{m}_people_needed": _json(float(c.people_needed[i])),
        f"{m}_status": c.status[i],
        f"{m}_excluded_reason": c.excluded[i],
    }


def row_base(
    grouping: GroupCodes,
    i: int,
    n: np.ndarray,
    total: int,
    outcome_label: str | None,
    excluded: str | None,
) -> dict[str, Any]:
    return {
        "feature": grouping.name,
        "group": grouping.labels[i],
        "class": outcome_label,
        "n": int(n[i]),
        "share": _json(float(n[i] / total)) if total else None,
        "gated": excluded is None,
        "excluded_reason": excluded,
    }


def row_status(statuses: list[str]) -> str:
    for s in ("fail", "warn", "pass", "reference", "excluded"):
        if s in statuses:
            return s
    return "n/a"


def described_rates(
    counts: GroupCounts, boot: GroupCounts | None, spec: RateSpec, cfg: Settings
) -> dict[str, list[Any]]:
    """Descriptive rates (not compared) with bootstrap intervals, per group."""
    out: dict[str, list[Any]] = {}
    for name in spec.described:
        if name in spec.compared or (stats.RATES[name].needs_target and not counts.has_target):
            continue
        value = stats.rate(counts, name)
        out[name] = [_json(float(v)) for v in value]
        if boot is not None:
            low, high = stats.percentile_interval(stats.rate(boot, name), confidence=cfg.confidence)
            out[f"{name}_ci"] = [_pair(lo, hi) for lo, hi in zip(low, high, strict=True)]
    return out


def summary_metrics(
    ctx: AuditContext, cfg: Settings, spec: RateSpec, tables: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    return {
        "task": ctx.task,
        "positive_label": None if ctx.positive_label is None else str(ctx.positive_label),
        "favourable_label": None if ctx.favourable_label is None else str(ctx.favourable_label),
        "sensitive": list(ctx.sensitive_names),
        "compared": list(spec.compared),
        "described": [m for m in spec.described if m not in spec.compared],
        "threshold": cfg.threshold,
        "alpha": cfg.alpha,
        "confidence": cfg.confidence,
        "bootstrap_resamples": cfg.resamples,
        "min_group_size": cfg.min_size,
        "min_group_share": cfg.min_share,
        "reference_rule": "most-favoured eligible group (highest rate; ties: larger group)",
        "methods": {
            "rate_ci": "percentile bootstrap from the group counts (multinomial per group)",
            "ratio_ci": "percentile bootstrap; ratio_ci_katz: Katz log-ratio interval",
            "test": "two-proportion z-test; Fisher's exact test when an expected cell < 5; "
            "Holm correction across the groups compared in each grouping",
            "one_person": "ratio after the single move that most helps the group",
            "people_needed": "people per group for 80% power at the Holm-adjusted level",
        },
        "classes": (
            [str(c) for c in ctx.classes] if ctx.task == "multiclass" and ctx.classes else None
        ),
        "groups": tables["groups"],
        "intersections": tables["intersections"],
    }
