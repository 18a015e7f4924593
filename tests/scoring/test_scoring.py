"""Scoring: measured values between thresholds, status bands, weights, the critical cap,
coverage and the overall grade, each with a hand-computed answer."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from tests.scoring.helpers import finding, result
from trustscan.policy import Policy
from trustscan.scoring import (
    CRITICAL_FAIL_CAP,
    check_score,
    grade,
    interpolate,
    overall,
    score_dimensions,
    verdict,
)
from trustscan.types import Dimension, DimensionScore, ScoreInput, Scoring, Severity, Status


def by_dimension(scores: Sequence[DimensionScore], dimension: Dimension) -> DimensionScore:
    return next(s for s in scores if s.dimension is dimension)


@pytest.mark.parametrize(
    ("value", "green", "red", "expected"),
    [
        (0.9, 0.8, 0.5, 100.0),  # beyond green, higher is better
        (0.65, 0.8, 0.5, 50.0),
        (0.4, 0.8, 0.5, 0.0),
        (0.70, 0.65, 0.75, 50.0),  # lower is better (an AUC that should stay low)
        (0.60, 0.65, 0.75, 100.0),
        (0.80, 0.65, 0.75, 0.0),
    ],
)
def test_measured_value_maps_linearly_between_green_and_red(
    value: float, green: float, red: float, expected: float
) -> None:
    assert interpolate(value, green, red) == pytest.approx(expected)


def test_measured_score_is_bounded_by_the_status_band() -> None:
    inputs = Scoring(ScoreInput(0.65, 0.8, 0.5))  # raw 50
    assert check_score(result("a.x", Status.WARN, scoring=inputs)).score == 50.0
    # A pass whose point estimate looks worse is still a pass: at least 75.
    assert check_score(result("a.x", Status.PASS, scoring=inputs)).score == 75.0
    # A fail never scores above the fail band, even if the point estimate looks fine.
    good = Scoring(ScoreInput(0.9, 0.8, 0.5))
    assert check_score(result("a.x", Status.FAIL, scoring=good)).score == 40.0
    measured = check_score(result("a.x", Status.WARN, scoring=inputs))
    assert (measured.basis, measured.value, measured.green, measured.red) == (
        "measured",
        0.65,
        0.8,
        0.5,
    )


def test_without_a_measured_value_the_status_decides() -> None:
    assert check_score(result("a.x", Status.PASS)).score == 100.0
    assert check_score(result("a.x", Status.WARN)).score == 60.0
    assert check_score(result("a.x", Status.FAIL)).score == 20.0
    broken = Scoring(ScoreInput(math.nan, 1.0, 0.0))
    assert check_score(result("a.x", Status.PASS, scoring=broken)).basis == "status"
    same = Scoring(ScoreInput(1.0, 1.0, 1.0))
    assert check_score(result("a.x", Status.PASS, scoring=same)).basis == "status"
    # Keys in the free-form metrics are not read: only the typed fields score.
    untyped = {"score_input": {"value": 0.0, "green": 1, "red": 0.5}}
    assert check_score(result("a.x", Status.PASS, metrics=untyped)).score == 100.0


def test_weighted_mean_and_contributions_add_up() -> None:
    results = (
        result("a.one", Status.PASS),  # 100
        result("a.two", Status.WARN),  # 60
        result("a.three", Status.SKIP),
    )
    policy = Policy(weights={"a.one": 3.0})
    ethics = by_dimension(score_dimensions(results, policy), Dimension.ETHICS)
    assert ethics.score == round((3 * 100 + 60) / 4, 1)
    rows = {c["check_id"]: c for c in ethics.contributions}
    assert rows["a.one"]["weight"] == 3.0 and rows["a.two"]["weight"] == 1.0
    assert rows["a.three"]["score"] is None and rows["a.three"]["contribution"] is None
    total = sum(c["contribution"] for c in ethics.contributions if c["contribution"] is not None)
    assert total == pytest.approx(ethics.score)


def test_a_critical_failure_caps_its_dimension() -> None:
    passes = [result(f"a.p{i}", Status.PASS) for i in range(9)]
    results = (*passes, result("a.bad", Status.FAIL, severity=Severity.CRITICAL))
    ethics = by_dimension(score_dimensions(results, Policy()), Dimension.ETHICS)
    assert CRITICAL_FAIL_CAP < (9 * 100 + 20) / 10  # the mean alone would hide it
    assert ethics.score == CRITICAL_FAIL_CAP
    assert ethics.capped_by == ("a.bad",)
    stricter = score_dimensions(results, Policy(critical_fail_cap=10.0))
    assert by_dimension(stricter, Dimension.ETHICS).score == 10.0


def test_a_critical_failing_finding_also_caps() -> None:
    bad = result(
        "a.bad",
        Status.FAIL,
        severity=Severity.MEDIUM,
        findings=(finding("a.bad", Status.FAIL, "g", severity=Severity.CRITICAL),),
    )
    results = (*(result(f"a.p{i}", Status.PASS) for i in range(5)), bad)
    assert by_dimension(score_dimensions(results, Policy()), Dimension.ETHICS).score == 40.0
    high = (*results[:5], result("a.bad", Status.FAIL, severity=Severity.HIGH))
    uncapped = by_dimension(score_dimensions(high, Policy()), Dimension.ETHICS)
    assert uncapped.score == round((5 * 100 + 20) / 6, 1)


def test_skips_errors_and_insufficient_evidence_lower_coverage_never_count_as_passes() -> None:
    results = (
        result("a.pass", Status.PASS),
        result("a.skip", Status.SKIP),
        result("a.error", Status.ERROR),
        result("a.thin", Status.WARN, scoring=Scoring(insufficient_evidence=True)),
        result("a.half", Status.PASS, scoring=Scoring(evidence_coverage=0.5)),
    )
    ethics = by_dimension(score_dimensions(results, Policy()), Dimension.ETHICS)
    # The judged checks make the score, and the errored one keeps its weight at 0 points:
    # (100 + 100 + 0) / 3. Skips and thin evidence are left out of the mean.
    assert ethics.score == pytest.approx(66.7)
    assert ethics.coverage == pytest.approx((1 + 0 + 0 + 0 + 0.5) / 5)  # ...coverage says how much
    bases = {c["check_id"]: c["basis"] for c in ethics.contributions}
    assert bases["a.thin"] == "insufficient evidence"
    assert bases["a.skip"] == "skipped" and bases["a.error"].startswith("error: not judged")


def test_a_dimension_cannot_score_above_what_was_judged() -> None:
    # One fairness check passed, two crashed: a third of the dimension vouched for.
    results = (
        result("a.pass", Status.PASS, severity=Severity.MEDIUM),
        result("a.err1", Status.ERROR, severity=Severity.MEDIUM),
        result("a.err2", Status.ERROR, severity=Severity.MEDIUM),
    )
    ethics = by_dimension(score_dimensions(results, Policy()), Dimension.ETHICS)
    assert ethics.score == pytest.approx(33.3)
    assert ethics.capped_by == ()
    # Without errors the same passing check scores 100 (the passing case of the rule).
    alone = by_dimension(score_dimensions(results[:1], Policy()), Dimension.ETHICS)
    assert alone.score == 100.0
    # A critical check that errored caps its dimension like a critical failure.
    critical = (*results[:1], result("a.crit", Status.ERROR, severity=Severity.CRITICAL))
    capped = by_dimension(score_dimensions(critical, Policy()), Dimension.ETHICS)
    assert capped.capped_by == ("a.crit",) and capped.score is not None
    assert capped.score <= CRITICAL_FAIL_CAP
    # Nothing judged at all: no score (not judged), never 100.
    nothing = by_dimension(score_dimensions(results[1:], Policy()), Dimension.ETHICS)
    assert nothing.score is None and nothing.coverage == 0.0


def test_checks_deselected_by_the_policy_lower_coverage() -> None:
    results = (result("a.pass", Status.PASS),)
    scores = score_dimensions(results, Policy(), deselected=[("a.off", Dimension.ETHICS)])
    ethics = by_dimension(scores, Dimension.ETHICS)
    assert ethics.coverage == 0.5
    assert [c["check_id"] for c in ethics.contributions] == ["a.pass", "a.off"]


def test_a_dimension_without_checks_has_no_score_and_zero_coverage() -> None:
    scores = score_dimensions((result("a.pass", Status.PASS),), Policy())
    assert [s.dimension for s in scores] == list(Dimension)
    competence = by_dimension(scores, Dimension.COMPETENCE)
    assert competence.score is None and competence.coverage == 0.0


def test_overall_grade_is_the_weakest_dimension() -> None:
    results = (
        result("a.pass", Status.PASS, dimension=Dimension.ETHICS),
        result("b.warn", Status.WARN, dimension=Dimension.OPENNESS),
        result("c.fail", Status.FAIL, dimension=Dimension.CONSISTENCY),
    )
    summary = overall(score_dimensions(results, Policy()))
    assert summary == {"score": 20.0, "grade": "F", "dimension": "consistency"}
    assert [grade(x) for x in (95, 80, 65, 45, 10, None)] == ["A", "B", "C", "D", "F", None]
    assert overall(score_dimensions((), Policy()))["grade"] is None


def test_waived_failures_still_score_as_failures() -> None:
    from dataclasses import replace

    waived = replace(finding("a.bad", Status.FAIL, "g"), waived=True, waiver_reason="ok")
    # After waivers the result passes the gate, but the measurement was a failure.
    passed = result("a.bad", Status.PASS, findings=(waived,))
    score = by_dimension(score_dimensions((passed,), Policy()), Dimension.ETHICS)
    assert score.score == 20.0
    assert score.contributions[0]["waived"] is True
    assert score.contributions[0]["measured_status"] == "fail"
    assert verdict((passed,)) is Status.PASS


def test_verdict_fails_on_errors_and_warns_on_warnings() -> None:
    assert verdict((result("a.x", Status.PASS), result("a.y", Status.ERROR))) is Status.FAIL
    assert verdict((result("a.x", Status.PASS), result("a.y", Status.WARN))) is Status.WARN
    assert verdict((result("a.x", Status.SKIP),)) is Status.PASS
