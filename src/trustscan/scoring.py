"""Pure scoring: check results -> per-dimension trust scores and the policy gate."""

from __future__ import annotations

from collections.abc import Sequence

from trustscan.policy import Policy
from trustscan.types import CheckResult, Dimension, DimensionScore, Severity, Status

STATUS_SCORE = {Status.PASS: 100.0, Status.WARN: 60.0, Status.FAIL: 20.0}
"""Score of a judged check by status; skip and error are not judgements (they lower coverage)."""

CRITICAL_FAIL_CAP = 40.0
"""A dimension with a critical failure never scores above this, whatever its other checks say."""


def check_score(result: CheckResult) -> float | None:
    return STATUS_SCORE.get(result.status)


def score_dimensions(results: Sequence[CheckResult], policy: Policy) -> tuple[DimensionScore, ...]:
    scores = []
    for dimension in Dimension:
        members = [r for r in results if r.dimension is dimension]
        contributions = []
        total_weight = weighted = 0.0
        for result in members:
            value = check_score(result)
            weight = float(policy.weights.get(result.check_id, 1.0))
            contributions.append(
                {
                    "check_id": result.check_id,
                    "status": result.status.value,
                    "score": value,
                    "weight": weight,
                }
            )
            if value is not None:
                total_weight += weight
                weighted += weight * value
        score = weighted / total_weight if total_weight else None
        if score is not None and any(
            r.status is Status.FAIL and r.severity >= Severity.CRITICAL for r in members
        ):
            score = min(score, CRITICAL_FAIL_CAP)
        judged = sum(1 for r in members if check_score(r) is not None)
        coverage = judged / len(members) if members else 0.0
        scores.append(
            DimensionScore(
                dimension=dimension,
                score=None if score is None else round(score, 1),
                coverage=round(coverage, 3),
                contributions=tuple(contributions),
            )
        )
    return tuple(scores)


def verdict(results: Sequence[CheckResult]) -> Status:
    """FAIL when any check failed or crashed (an audit that could not run cannot vouch),
    WARN when any warned, else PASS."""
    statuses = {r.status for r in results}
    if Status.FAIL in statuses or Status.ERROR in statuses:
        return Status.FAIL
    if Status.WARN in statuses:
        return Status.WARN
    return Status.PASS


def gate_fails(outcome: Status, fail_on: str) -> bool:
    """Whether ``outcome`` fails the CI gate under ``fail_on`` (fail / warn / never)."""
    if fail_on == "never":
        return False
    if fail_on == "warn":
        return outcome in (Status.WARN, Status.FAIL)
    return outcome is Status.FAIL
