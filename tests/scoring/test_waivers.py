"""Waivers: a waived finding stays visible and stops failing the gate; an expired one does not
apply and the report says so. "today" is injected, so these answers never change."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.scoring.helpers import finding, result
from trustscan.errors import InputError
from trustscan.governance.waivers import apply_waivers, validate_policy_references
from trustscan.policy import Policy, Waiver, policy_from_mapping
from trustscan.scoring import verdict
from trustscan.types import CheckResult, Status

TODAY = date(2026, 6, 1)


def waiver(check: str, expires: str = "2026-12-31", subject: str | None = None) -> Waiver:
    return Waiver(check, "accepted risk R-12", "Head of Risk", expires, subject)


def failing() -> tuple[CheckResult, ...]:
    return (
        result(
            "fairness.selection_rate",
            Status.FAIL,
            findings=(
                finding("fairness.selection_rate", Status.FAIL, "gender = female"),
                finding("fairness.selection_rate", Status.PASS, "race = black"),
            ),
        ),
        result("data.quality", Status.PASS),
    )


def test_a_waiver_marks_the_finding_and_the_gate_passes() -> None:
    results, notes = apply_waivers(failing(), [waiver("fairness.selection_rate")], TODAY)
    fairness = results[0]
    assert fairness.status is Status.PASS
    assert "waived" in fairness.summary
    waived = fairness.findings[0]
    assert waived.waived and waived.status is Status.FAIL  # still visible as a failure
    assert "accepted risk R-12" in (waived.waiver_reason or "")
    assert "Head of Risk" in (waived.waiver_reason or "")
    assert not fairness.findings[1].waived  # a passing finding needs no waiver
    assert verdict(results) is Status.PASS
    assert notes == ()


def test_an_expired_waiver_does_not_apply_and_says_so() -> None:
    results, notes = apply_waivers(
        failing(), [waiver("fairness.selection_rate", "2026-05-31")], TODAY
    )
    assert results[0].status is Status.FAIL
    assert not any(f.waived for f in results[0].findings)
    assert verdict(results) is Status.FAIL
    assert len(notes) == 1 and "expired on 2026-05-31" in notes[0]
    assert "1 finding(s) count again" in notes[0]


def test_a_waiver_applies_through_its_expiry_day() -> None:
    results, _ = apply_waivers(failing(), [waiver("fairness.selection_rate", "2026-06-01")], TODAY)
    assert results[0].status is Status.PASS


def test_a_subject_waiver_covers_only_that_subject() -> None:
    two = result(
        "fairness.selection_rate",
        Status.FAIL,
        findings=(
            finding("fairness.selection_rate", Status.FAIL, "gender = female"),
            finding("fairness.selection_rate", Status.WARN, "race = other"),
        ),
    )
    results, _ = apply_waivers(
        (two,), [waiver("fairness.selection_rate", subject="gender = female")], TODAY
    )
    assert [f.waived for f in results[0].findings] == [True, False]
    assert results[0].status is Status.WARN  # the unwaived warning still counts


def test_an_unjudged_finding_does_not_turn_a_waived_result_into_a_skip() -> None:
    mixed = result(
        "fairness.error_rates",
        Status.FAIL,
        findings=(
            finding("fairness.error_rates", Status.FAIL, "gender = female"),
            finding("fairness.error_rates", Status.SKIP, "intersections"),
        ),
    )
    results, _ = apply_waivers((mixed,), [waiver("fairness.error_rates")], TODAY)
    assert results[0].status is Status.PASS


def test_a_prefix_waiver_covers_a_family() -> None:
    results, _ = apply_waivers(failing(), [waiver("fairness.")], TODAY)
    assert results[0].status is Status.PASS


def test_a_failing_result_without_findings_is_waived_as_a_visible_finding() -> None:
    bare = result("docs.model_card", Status.WARN, summary="No model card")
    results, _ = apply_waivers((bare,), [waiver("docs.model_card")], TODAY)
    assert results[0].status is Status.PASS
    assert len(results[0].findings) == 1
    assert results[0].findings[0].waived and results[0].findings[0].message == "No model card"


def test_errors_are_never_waived() -> None:
    crashed = result("data.quality", Status.ERROR)
    results, notes = apply_waivers((crashed,), [waiver("data.quality")], TODAY)
    assert results[0].status is Status.ERROR
    assert "matched no warning or failure" in notes[0]


def test_unused_waiver_is_noted() -> None:
    _, notes = apply_waivers(failing(), [waiver("data.quality")], TODAY)
    assert notes and "data.quality" in notes[0]


def test_waivers_load_from_toml_tables_and_dates() -> None:
    policy = policy_from_mapping(
        {
            "waiver": [
                {
                    "check": "data.quality",
                    "reason": "r",
                    "approved_by": "a",
                    "expires": date(2026, 12, 31),  # an unquoted TOML date
                }
            ]
        }
    )
    assert policy.waiver[0].expires == "2026-12-31"


@pytest.mark.parametrize(
    ("table", "named"),
    [
        (
            {"check": "data.quality", "reason": "r", "approved_by": "a", "expires": "soon"},
            "waiver.expires",
        ),
        (
            {"check": "data.quality", "reason": "r", "expires": "2026-01-01"},
            "waiver[0].approved_by",
        ),
        (
            {"check": "data.quality", "reason": " ", "approved_by": "a", "expires": "2026-01-01"},
            "waiver.reason",
        ),
        (
            {
                "check": "data.quality",
                "reason": "r",
                "approved_by": "a",
                "expires": "2026-01-01",
                "owner": "x",
            },
            "waiver[0].owner",
        ),
    ],
)
def test_bad_waivers_are_errors_naming_the_key(table: dict[str, Any], named: str) -> None:
    with pytest.raises(InputError) as caught:
        policy_from_mapping({"waiver": [table]})
    assert named in caught.value.one_line()


def test_waivers_and_weights_must_name_real_checks() -> None:
    known = ["data.quality", "fairness.selection_rate"]
    validate_policy_references(
        Policy(waiver=(waiver("fairness."),), weights={"data.quality": 2}), known
    )
    with pytest.raises(InputError) as caught:
        validate_policy_references(Policy(waiver=(waiver("data.qualty"),)), known)
    assert "waiver[0].check" in caught.value.one_line()
    assert "did you mean data.quality" in caught.value.one_line()
    with pytest.raises(InputError, match=r"weights\.data\.qualty"):
        validate_policy_references(Policy(weights={"data.qualty": 1.0}), known)
    with pytest.raises(InputError, match="critical_fail_cap"):
        validate_policy_references(Policy(critical_fail_cap=140.0), known)
    with pytest.raises(InputError, match="negative"):
        validate_policy_references(Policy(weights={"data.quality": -1.0}), known)
