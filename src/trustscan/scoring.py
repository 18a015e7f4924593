"""Pure scoring: check results -> per-dimension trust scores and the policy gate.

How a score is made (this text is also the reference in ``docs/checks.md``):

1. **Check score (0-100).** A check that measured a number reports it in its result's
   ``scoring.score_input`` (``value`` x, ``green`` g, ``red`` r): ``x`` at or
   beyond the green threshold scores 100, at or beyond the red threshold 0, linearly in
   between (``green > red`` means higher is better, ``green < red`` lower is better). The
   check's status then bounds the score to its band (pass 75-100, warn 40-75, fail 0-40), so
   a score never contradicts the status the statistics decided (a point estimate can look
   worse than a confidence interval allows a check to conclude). A check without a measured
   value scores by status: pass 100, warn 60, fail 20.
2. **Coverage.** Skipped and errored checks, checks the policy deselected, and checks that
   report ``scoring.insufficient_evidence`` are not judgements: they score nothing
   and count 0 towards their dimension's coverage, never as passes. An *errored* check is
   worse than a skipped one (it should have run): it stays in its dimension's weights with
   0 points ("not judged"), so a dimension never scores above the share that was judged. A check that could judge
   only part of its subjects reports ``scoring.evidence_coverage`` (0-1). Dimension coverage
   is the mean over its checks.
3. **Dimension score** is the weighted mean (``policy.weights``, default 1) of its judged
   checks (and its errored ones, at 0); each check's ``contribution`` is its share of that
   mean in points. A critical failure, or an errored critical check, caps the dimension at
   ``policy.critical_fail_cap`` (default 40), so averaging never hides it.
4. **Overall grade** is the weakest dimension's score (A >= 90, B >= 75, C >= 60, D >= 40,
   else F), always shown beside the full profile.

Scores use the *measured* status (waived findings included): a waiver changes the gate, not
what was measured. The verdict uses the status after waivers.

The verdict fails when any check failed or errored: a check that could not run leaves the
audit incomplete, and an incomplete audit cannot vouch for the model (``--fail-on fail`` and
``warn`` exit 1 with "incomplete audit"; ``never`` reports it and exits 0). It warns when any
check warned, and passes otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trustscan.policy import Policy
from trustscan.types import (
    CheckResult,
    Dimension,
    DimensionScore,
    ScoreInput,
    Scoring,
    Severity,
    Status,
)
from trustscan.types import verdict as verdict  # the gate's rule lives with Status

STATUS_SCORE = {Status.PASS: 100.0, Status.WARN: 60.0, Status.FAIL: 20.0}
"""Score of a judged check without a measured value, by status."""

STATUS_BAND = {Status.PASS: (75.0, 100.0), Status.WARN: (40.0, 75.0), Status.FAIL: (0.0, 40.0)}
"""Range a measured score is clamped to, by status, so score and status always agree."""

CRITICAL_FAIL_CAP = 40.0
"""Default of ``policy.critical_fail_cap``: a dimension with a critical failure never scores
above this, whatever its other checks say."""

GRADES = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (40.0, "D"))
"""Lowest score for each letter grade; anything below the last is F."""


@dataclass(frozen=True)
class CheckScore:
    """How one check's score was computed."""

    score: float | None
    """0-100, or None when the check made no judgement."""
    basis: str
    """``measured`` (from ``score_input``), ``status``, or why there is no score."""
    coverage: float
    """0-1: how much of a judgement this check made."""
    value: float | None = None
    green: float | None = None
    red: float | None = None


def measured_status(result: CheckResult) -> Status:
    """The status before waivers: the worst of the result's status and its waived findings'."""
    statuses = [result.status, *(f.status for f in result.findings if f.waived)]
    return max(statuses, key=lambda s: s.rank)


def interpolate(value: float, green: float, red: float) -> float:
    """0-100: 100 at (or beyond) ``green``, 0 at (or beyond) ``red``, linear in between.
    ``green`` and ``red`` must differ; their order says which direction is better."""
    return ScoreInput(value, green, red).points()


def _score_input(scoring: Scoring) -> tuple[float, float, float] | None:
    raw = scoring.score_input
    if raw is None:
        return None
    value, green, red = raw.value, raw.green, raw.red
    # Equal thresholds give no direction; such a check scores by its status instead.
    if not all(math.isfinite(x) for x in (value, green, red)) or green == red:
        return None
    return value, green, red


def _evidence_coverage(scoring: Scoring) -> float:
    if scoring.insufficient_evidence:
        return 0.0
    raw = scoring.evidence_coverage
    if raw is not None and math.isfinite(raw):
        return min(1.0, max(0.0, float(raw)))
    return 1.0


def check_score(result: CheckResult) -> CheckScore:
    """Score one check (see the module docstring for the convention)."""
    status = measured_status(result)
    if status is Status.SKIP:
        return CheckScore(None, "skipped", 0.0)
    if status is Status.ERROR:
        return CheckScore(None, "error: not judged (counts 0 points)", 0.0)
    coverage = _evidence_coverage(result.scoring)
    if coverage == 0.0:
        return CheckScore(None, "insufficient evidence", 0.0)
    measured = _score_input(result.scoring)
    if measured is None:
        return CheckScore(STATUS_SCORE[status], "status", coverage)
    value, green, red = measured
    low, high = STATUS_BAND[status]
    score = min(high, max(low, interpolate(value, green, red)))
    return CheckScore(round(score, 1), "measured", coverage, value, green, red)


def _critical_fail(result: CheckResult) -> bool:
    """A critical failure, or a critical check that errored (it cannot vouch either)."""
    status = measured_status(result)
    if status is Status.ERROR:
        return result.severity >= Severity.CRITICAL
    if status is not Status.FAIL:
        return False
    if result.severity >= Severity.CRITICAL:
        return True
    return any(f.status is Status.FAIL and f.severity >= Severity.CRITICAL for f in result.findings)


def score_dimensions(
    results: Sequence[CheckResult],
    policy: Policy,
    *,
    deselected: Sequence[tuple[str, Dimension]] = (),
) -> tuple[DimensionScore, ...]:
    """Score the six dimensions. ``deselected`` lists registered checks the policy did not
    run, as ``(check_id, dimension)``: they lower coverage like skipped checks."""
    scores = []
    for dimension in Dimension:
        members = [r for r in results if r.dimension is dimension]
        scored = [(r, check_score(r)) for r in members]
        weights = {r.check_id: float(policy.weights.get(r.check_id, 1.0)) for r in members}
        # Errored checks keep their weight with 0 points: what did not run is not vouched for.
        errored = {r.check_id for r, _ in scored if measured_status(r) is Status.ERROR}
        total_weight = sum(
            weights[r.check_id] for r, s in scored if s.score is not None or r.check_id in errored
        )
        contributions: list[dict[str, Any]] = []
        mean = 0.0
        for result, s in scored:
            weight = weights[result.check_id]
            contribution = None
            if s.score is not None and total_weight > 0:
                contribution = weight * s.score / total_weight
                mean += contribution
            elif result.check_id in errored:
                contribution = 0.0
            contributions.append(
                {
                    "check_id": result.check_id,
                    "status": result.status.value,
                    "measured_status": measured_status(result).value,
                    "waived": any(f.waived for f in result.findings),
                    "score": s.score,
                    "basis": s.basis,
                    "value": s.value,
                    "green": s.green,
                    "red": s.red,
                    "weight": weight,
                    "contribution": None if contribution is None else round(contribution, 2),
                    "coverage": round(s.coverage, 3),
                }
            )
        skipped_by_policy = [check_id for check_id, dim in deselected if dim is dimension]
        for check_id in skipped_by_policy:
            contributions.append(
                {
                    "check_id": check_id,
                    "status": "not run",
                    "measured_status": "not run",
                    "waived": False,
                    "score": None,
                    "basis": "deselected by policy (skip/only)",
                    "value": None,
                    "green": None,
                    "red": None,
                    "weight": float(policy.weights.get(check_id, 1.0)),
                    "contribution": None,
                    "coverage": 0.0,
                }
            )
        judged = any(s.score is not None for _, s in scored)
        score: float | None = mean if judged and total_weight > 0 else None
        capped_by = tuple(r.check_id for r in members if _critical_fail(r))
        if score is not None and capped_by:
            score = min(score, policy.critical_fail_cap)
        n_checks = len(members) + len(skipped_by_policy)
        coverage = sum(s.coverage for _, s in scored) / n_checks if n_checks else 0.0
        scores.append(
            DimensionScore(
                dimension=dimension,
                score=None if score is None else round(score, 1),
                coverage=round(coverage, 3),
                contributions=tuple(contributions),
                capped_by=capped_by,
            )
        )
    return tuple(scores)


def grade(score: float | None) -> str | None:
    """Letter grade of a 0-100 score (None stays None)."""
    if score is None:
        return None
    return next((letter for floor, letter in GRADES if score >= floor), "F")


def weakest(scores: Sequence[DimensionScore]) -> DimensionScore | None:
    """The overall grade's dimension: the lowest score (ties: the lower coverage, then order)."""
    judged = [s for s in scores if s.score is not None]
    return min(judged, key=lambda s: (s.score, s.coverage), default=None)


def overall(scores: Sequence[DimensionScore]) -> dict[str, Any]:
    """``{"score", "grade", "dimension"}`` of the weakest dimension (all None if none scored)."""
    low = weakest(scores)
    if low is None:
        return {"score": None, "grade": None, "dimension": None}
    return {"score": low.score, "grade": grade(low.score), "dimension": low.dimension.value}


def gate_fails(outcome: Status, fail_on: str) -> bool:
    """Whether ``outcome`` fails the CI gate under ``fail_on`` (fail / warn / never)."""
    if fail_on == "never":
        return False
    if fail_on == "warn":
        return outcome in (Status.WARN, Status.FAIL, Status.ERROR)
    return outcome in (Status.FAIL, Status.ERROR)
