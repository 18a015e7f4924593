"""Findings of the fairness checks: one per group that warns or fails, the reported-only
rates, the groups too small to judge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from trustscan.checks.base import Check
from trustscan.checks.fairness.comparison import Comparison, Settings
from trustscan.checks.fairness.phrasing import (
    METRIC_TITLES,
    capital,
    format_p,
    group_phrase,
    metric_verb,
    ratio_pct,
)
from trustscan.checks.not_judged import groups_not_judged
from trustscan.numbers.display import number as _num
from trustscan.numbers.display import percent as _pct
from trustscan.numbers.json_safe import scalar as _json
from trustscan.stats import GroupCodes
from trustscan.types import Evidence, Finding, Severity, Status


def comparison_findings(
    check: Check,
    c: Comparison,
    grouping: GroupCodes,
    cfg: Settings,
    outcome_label: str | None,
    method: str,
    favourable: str | None = None,
) -> list[Finding]:
    """A finding for every group that warns or fails."""
    if c.reference is None:
        return []
    ref = c.reference
    prefix, verb = metric_verb(c.metric, outcome_label, favourable)

    def ev(name: str, k: int, values: tuple[float, float, float], **extra: Any) -> Evidence:
        estimate, lo, hi = (_json(float(v)) for v in values)
        return Evidence(name, estimate, lo, hi, cfg.confidence, n=int(c.denominator[k]), **extra)

    findings = []
    for i, status in enumerate(c.status):
        if status not in ("warn", "fail"):
            continue
        use_katz = math.isfinite(c.katz_low[i])
        low = c.katz_low[i] if use_katz else c.ratio_low[i]
        high = c.katz_high[i] if use_katz else c.ratio_high[i]
        p = float(c.p_adjusted[i])
        sentence = (
            f"{prefix}{group_phrase(grouping, i)} {verb} at {ratio_pct(float(c.ratio[i]))} of the rate of "
            f"{group_phrase(grouping, ref)} ({_pct(c.rate[i])} vs {_pct(c.rate[ref])}, "
            f"{cfg.confidence:.0%} CI of the ratio {_num(low)}–{_num(high)}, {format_p(p)}, "
            f"n = {int(c.denominator[i]):,} / {int(c.denominator[ref]):,})."
        )
        sentence = capital(sentence)
        if status == "fail":
            detail = (
                f" That is below the {cfg.threshold:.2f} threshold, statistically significant "
                f"(Holm-corrected, α = {cfg.alpha}) and not reversed by moving one person."
            )
            remediation = (
                "Investigate which features drive the gap (see the explainability checks), "
                "remove or neutralise proxies for the sensitive attribute, re-train, and "
                "re-run the audit; if the gap is justified by a job-related necessity, "
                "record it as a waiver with its evidence."
            )
        elif not (p < cfg.alpha):
            needed = c.people_needed[i]
            more = (
                f" Roughly {int(needed):,} people per group "
                f"(about {max(int(needed) - int(c.denominator[i]), 0):,} more in this group) "
                "would be needed to decide."
                if math.isfinite(needed)
                else ""
            )
            detail = (
                f" Insufficient evidence: below the {cfg.threshold:.2f} threshold but not "
                f"statistically significant at α = {cfg.alpha} (Holm-corrected).{more}"
            )
            remediation = "Collect more outcomes for these groups before relying on the model."
        else:
            detail = (
                f" The gap is significant, but moving one person would lift the ratio to "
                f"{_num(float(c.one_person_ratio[i]))}, so the finding is not robust."
            )
            remediation = "Collect more outcomes for these groups before relying on the model."

        interval = "Katz log-ratio interval" if use_katz else "bootstrap interval"
        evidence = (
            ev(
                f"{c.metric}_ratio",
                i,
                (c.ratio[i], low, high),
                p_value=_json(p),
                threshold=cfg.threshold,
                method=f"ratio to the most-favoured group ({grouping.labels[ref]}); {interval}; "
                f"{c.test[i]}, Holm-adjusted",
            ),
            ev(
                f"{c.metric}_ratio_bootstrap",
                i,
                (c.ratio[i], c.ratio_low[i], c.ratio_high[i]),
                p_value=_json(p),
                threshold=cfg.threshold,
                method=method,
            ),
            ev(
                f"{c.metric}[{grouping.labels[i]}]",
                i,
                (c.rate[i], c.rate_low[i], c.rate_high[i]),
                method=method,
            ),
            ev(
                f"{c.metric}[{grouping.labels[ref]}]",
                ref,
                (c.rate[ref], c.rate_low[ref], c.rate_high[ref]),
                method=method,
            ),
            ev(
                f"{c.metric}_difference",
                i,
                (c.difference[i], c.difference_low[i], c.difference_high[i]),
                p_value=_json(float(c.p_value[i])),
                method=f"{method}; unadjusted {c.test[i]}",
            ),
        )
        subject = f"{grouping.name} = {grouping.labels[i]}"
        if outcome_label is not None:
            subject += f" (class {outcome_label})"
        findings.append(
            check.finding(
                Status.FAIL if status == "fail" else Status.WARN,
                sentence + detail,
                subject=subject,
                evidence=evidence,
                remediation=remediation,
                severity=check.default_severity if status == "fail" else Severity.MEDIUM,
                title=f"{METRIC_TITLES[c.metric].capitalize()} gap: {subject}",
            )
        )
    return findings


def reported_finding(
    check: Check, reported: list[tuple[Comparison, GroupCodes, int]], cfg: Settings
) -> Finding:
    """One informational finding for the groups below the threshold on a reported-only rate,
    single attributes first, lowest ratio first."""
    ordered = sorted(reported, key=lambda r: (r[1].is_intersection, float(r[0].ratio[r[2]])))
    parts = []
    for c, grouping, i in ordered[:6]:
        ref = c.reference
        assert ref is not None
        parts.append(
            f"{group_phrase(grouping, i)} at {ratio_pct(float(c.ratio[i]))} of the rate of "
            f"{group_phrase(grouping, ref)} ({cfg.confidence:.0%} CI {_num(c.katz_low[i])}–"
            f"{_num(c.katz_high[i])})"
        )
    more = f" and {len(ordered) - 6} more" if len(ordered) > 6 else ""
    metric = ordered[0][0].metric
    return check.finding(
        Status.SKIP,
        f"{capital(METRIC_TITLES[metric])}, reported but not gated because the model's "
        f"decisions are judged above (set fairness.gate_scoring_rate to gate it): "
        f"{len(ordered)} group(s) below the {cfg.threshold:.2f} ratio: "
        + "; ".join(parts)
        + f"{more}.",
        subject=metric,
        severity=Severity.INFO,
        title=f"{capital(METRIC_TITLES[metric])} (reported, not gated)",
    )


def small_group_finding(check: Check, rows: Sequence[dict[str, Any]]) -> Finding | None:
    return groups_not_judged(
        check,
        ((r["feature"], r["group"], r["n"], r["excluded_reason"]) for r in rows if not r["gated"]),
    )
