"""The report's methodology section: how the scores and the verdict were computed, the
policy's thresholds and waivers, and every check that ran with what it measures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustscan.checks import registry
from trustscan.report.formatting import badge, flatten, fmt, key_value_table, table
from trustscan.types import Report, Status


def methodology_view(report: Report) -> dict[str, Any]:
    """The methodology section's view: scoring rules, contributions, thresholds, waivers."""
    from trustscan.scoring import CRITICAL_FAIL_CAP, STATUS_SCORE

    descriptions = {c.id: c.description for c in registry.SPECS}
    contributions = [
        {
            "dimension": s.dimension.value,
            "check": c.get("check_id"),
            "status": c.get("status"),
            "score": c.get("score"),
            "weight": c.get("weight"),
        }
        for s in report.scores
        for c in s.contributions
    ]
    policy = dict(report.policy)
    thresholds: list[tuple[str, Any]] = []
    for key, value in policy.items():
        if key in ("waiver", "justification"):
            continue
        if isinstance(value, Mapping):
            thresholds += [(f"{key}.{name}", v) for name, v in flatten(value)]
        else:
            thresholds.append((key, value))
    waivers = policy.get("waiver") or []
    justifications = policy.get("justification") or []
    waived = [
        {"check": f.check_id, "subject": f.subject, "finding": f.title, "reason": f.waiver_reason}
        for r in report.results
        for f in r.findings
        if f.waived
    ]
    checks = [
        {
            "id": r.check_id,
            "title": r.title,
            "dimension": r.dimension.value,
            "badge": badge(r.status.value),
            "duration": f"{r.duration_s:.2f} s",
            "description": descriptions.get(r.check_id, ""),
        }
        for r in report.results
    ]
    methods = sorted(
        {e.method for r in report.results for f in r.findings for e in f.evidence if e.method}
    )
    return {
        "scoring": [
            f"Each check that produced a judgement scores {fmt(STATUS_SCORE[Status.PASS])} for "
            f"pass, {fmt(STATUS_SCORE[Status.WARN])} for a warning and "
            f"{fmt(STATUS_SCORE[Status.FAIL])} for a failure; skipped and errored checks are "
            "not judgements and lower the dimension's coverage instead.",
            "A dimension's score is the weighted mean of its checks' scores (weights from the "
            "policy, default 1).",
            f"A dimension with a critical-severity failure is capped at {fmt(CRITICAL_FAIL_CAP)}.",
            "The verdict fails when any check failed or errored (an errored check leaves the "
            "audit incomplete and keeps its weight at 0 points), warns when any warned, and "
            f"passes otherwise; the gate fails the run on: {report.fail_on}.",
            "The headline is the failing finding about one declared sensitive attribute (then "
            "an intersection, then anything else) with the highest severity and the largest "
            "harm; without failures, the top warning, marked not conclusive.",
        ],
        "contributions": table(
            "How each dimension score was computed",
            contributions,
            ["dimension", "check", "status", "score", "weight"],
        )
        if contributions
        else None,
        "checks": checks,
        "thresholds": key_value_table("Policy thresholds", thresholds),
        "policy_sha256": report.policy_sha256,
        "seed": report.seed,
        "methods": methods,
        "waivers": table("Waivers in the policy", waivers) if waivers else None,
        "waived": table("Findings covered by a waiver", waived) if waived else None,
        "justifications": table("Recorded legal bases for special-category columns", justifications)
        if justifications
        else None,
    }
