"""docs.consequence_scan: schema with line-precise errors and each rule, passing and failing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from trustscan.checks.documentation.core import ConsequenceScanCheck
from trustscan.context import AuditContext
from trustscan.governance.consequences import parse_consequences
from trustscan.pipeline import with_documents
from trustscan.policy import Policy, policy_from_mapping
from trustscan.types import CheckResult, Dimension, Finding, Severity, Status

from .conftest import filled_consequences


def run_scan(
    context: AuditContext, text: str | None, earlier: tuple[CheckResult, ...] = ()
) -> CheckResult:
    if text is not None:
        Path("consequences.yaml").write_text(text, encoding="utf-8")
    return ConsequenceScanCheck().run_after(with_documents(context, Policy()), Policy(), earlier)


def titles(result: CheckResult, status: Status) -> list[str]:
    return [f.title for f in result.findings if f.status is status]


def failing_result(check_id: str, *subjects: str) -> CheckResult:
    findings = tuple(
        Finding(check_id, Status.FAIL, Severity.HIGH, "t", f"{s} is bad", subject=s)
        for s in subjects
    )
    return CheckResult(
        check_id, "t", Dimension.ETHICS, Severity.HIGH, Status.FAIL, "failed", findings
    )


ENTRY = """\
  - statement: {statement}
    intended: {intended}
    impact: {impact}
    affected_group: Applicants
"""


def entries(*items: str) -> str:
    return "consequences:\n" + "".join(items)


def entry(
    intended: str = "true", impact: str = "positive", extra: str = "", statement: str = "S"
) -> str:
    return ENTRY.format(statement=statement, intended=intended, impact=impact) + extra


def test_filled_scan_passes_every_rule(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, filled_consequences())
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert result.metrics["intended"] == 1 and result.metrics["unintended"] == 1
    rows = result.metrics["consequences"]
    assert len(rows) == 2
    assert {row["intended"] for row in rows} == {True, False}
    assert all(row["statement"] for row in rows)


def test_missing_file_warns_and_points_to_init(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, None)
    assert result.status is Status.WARN
    assert "trustscan init" in result.summary


# --- schema --------------------------------------------------------------------------------


def test_schema_errors_name_their_lines() -> None:
    text = (
        "consequences:\n"  # 1
        "  - statement: Faster shortlists\n"  # 2
        "    intended: yes please\n"  # 3  not a bool
        "    impact: neutral\n"  # 4  not positive/negative
        "    affected_group: Recruiters\n"  # 5
        "    due: next week\n"  # 6  not a date
        "    colour: red\n"  # 7  unknown field
        "  - statement: Missing the rest\n"  # 8  required fields missing
    )
    scan = parse_consequences(text)
    found = [(e.line, e.message.split(":")[0].split(" ")[0]) for e in scan.errors]
    assert (3, "intended") in found
    assert (4, "impact") in found
    assert (6, "due") in found
    assert any(e.line == 7 and "colour" in e.message for e in scan.errors)
    missing = sorted(e.message for e in scan.errors if e.line == 8)
    assert missing == [
        "missing required field 'affected_group'",
        "missing required field 'impact'",
        "missing required field 'intended'",
    ]


def test_yaml_syntax_error_names_its_line(in_tmp: Path, context: AuditContext) -> None:
    text = "consequences:\n  - statement: ok\n    intended: [true\n    impact: positive\n"
    result = run_scan(context, text)
    assert result.status is Status.FAIL
    [finding] = [f for f in result.findings if f.title == "Consequence scan schema error"]
    assert finding.message.startswith("consequences.yaml:")
    assert int(finding.message.split(":")[1]) in (3, 4)


def test_placeholder_and_duplicate_id_are_schema_errors() -> None:
    text = (
        "consequences:\n"  # 1
        "  - id: C1\n"  # 2
        "    statement: TBD\n"  # 3
        "    intended: true\n"  # 4
        "    impact: positive\n"  # 5
        "    affected_group: All\n"  # 6
        "  - id: C1\n"  # 7
        "    statement: Other\n"  # 8
        "    intended: false\n"  # 9
        "    impact: positive\n"  # 10
        "    affected_group: All\n"  # 11
    )
    scan = parse_consequences(text)
    messages = [(e.line, e.message) for e in scan.errors]
    assert (3, "statement: 'TBD' is a placeholder; write the real statement") in messages
    assert any(line == 7 and "duplicate id 'C1'" in m for line, m in messages)


def test_schema_error_fails_the_check(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, filled_consequences().replace("intended: true", "intended: maybe"))
    assert result.status is Status.FAIL
    assert titles(result, Status.FAIL) == [
        "Consequence scan schema error",
        "No intended consequence",
    ]


# --- one intended and one unintended ---------------------------------------------------------


def test_only_intended_consequences_fail(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, entries(entry(), entry()))
    assert titles(result, Status.FAIL) == ["No unintended consequence"]


def test_only_unintended_consequences_fail(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, entries(entry("false", "positive")))
    assert titles(result, Status.FAIL) == ["No intended consequence"]


def test_one_of_each_passes(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, entries(entry(), entry("false", "positive")))
    assert result.status is Status.PASS


# --- negative consequences need a disposition -------------------------------------------------


def test_negative_without_disposition_fails(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, entries(entry(), entry("false", "negative")))
    assert titles(result, Status.FAIL) == ["Negative consequence without a disposition"]
    assert "line 6" in (result.findings[0].subject or "")


def test_negative_with_influence_disposition_passes(in_tmp: Path, context: AuditContext) -> None:
    text = entries(entry(), entry("false", "negative", "    disposition: influence\n"))
    assert run_scan(context, text).status is Status.PASS


# --- act: owner and a due date not in the past ------------------------------------------------


def act(owner: str | None, due: str | None) -> str:
    extra = "    disposition: act\n"
    extra += f"    owner: {owner}\n" if owner else ""
    extra += f"    due: {due}\n" if due else ""
    return entries(entry(), entry("false", "negative", extra))


def audit_day(context: AuditContext) -> dt.date:
    return dt.datetime.fromtimestamp(context.started_at, tz=dt.timezone.utc).date()


@pytest.mark.parametrize(
    ("owner", "due", "problem"),
    [
        (None, "2099-01-01", "has no owner"),
        ("Joan", None, "has no due date"),
        (None, None, "has no owner and no due date"),
    ],
)
def test_act_without_owner_or_due_fails(
    in_tmp: Path, context: AuditContext, owner: str | None, due: str | None, problem: str
) -> None:
    result = run_scan(context, act(owner, due))
    [finding] = [f for f in result.findings if f.status is Status.FAIL]
    assert problem in finding.message


def test_act_due_yesterday_fails_and_due_today_passes(in_tmp: Path, context: AuditContext) -> None:
    today = audit_day(context)
    overdue = run_scan(context, act("Joan", (today - dt.timedelta(days=1)).isoformat()))
    assert titles(overdue, Status.FAIL) == ["Action without owner or with a past due date"]
    assert "overdue" in overdue.findings[0].message
    assert run_scan(context, act("Joan", today.isoformat())).status is Status.PASS


def test_due_date_is_judged_against_the_audit_start_day(
    in_tmp: Path, context: AuditContext
) -> None:
    later = dataclasses.replace(context, started_at=context.started_at + 3 * 86400)
    due = (audit_day(context) + dt.timedelta(days=1)).isoformat()
    assert run_scan(context, act("Joan", due)).status is Status.PASS
    assert run_scan(later, act("Joan", due)).status is Status.FAIL


# --- monitor links a check ---------------------------------------------------------------------


def test_monitor_without_check_fails(in_tmp: Path, context: AuditContext) -> None:
    text = entries(entry(), entry("false", "negative", "    disposition: monitor\n"))
    result = run_scan(context, text)
    assert titles(result, Status.FAIL) == ["Monitored consequence without a check"]


def test_monitor_with_check_passes(in_tmp: Path, context: AuditContext) -> None:
    extra = "    disposition: monitor\n    checks: [data.quality]\n"
    assert (
        run_scan(context, entries(entry(), entry("false", "negative", extra))).status is Status.PASS
    )


def test_link_to_unknown_check_warns(in_tmp: Path, context: AuditContext) -> None:
    extra = "    disposition: monitor\n    checks: [data.qualty]\n"
    result = run_scan(context, entries(entry(), entry("false", "negative", extra)))
    assert titles(result, Status.WARN) == ["Link to an unknown check"]


def test_overdue_review_warns(in_tmp: Path, context: AuditContext) -> None:
    result = run_scan(context, entries(entry(extra="    review: 2020-01-01\n"), entry("false")))
    assert titles(result, Status.WARN) == ["Consequence review overdue"]


# --- every fail of this run is covered -----------------------------------------------------------


def test_uncovered_fail_warns_listing_the_findings(in_tmp: Path, context: AuditContext) -> None:
    earlier = (failing_result("fairness.selection_rate", "gender=female", "race=b"),)
    result = run_scan(context, filled_consequences(), earlier)
    assert result.status is Status.WARN
    [finding] = result.findings
    assert finding.title == "Failing findings without a consequence"
    assert "fairness.selection_rate (gender=female)" in finding.message
    assert "fairness.selection_rate (race=b)" in finding.message
    assert result.metrics["uncovered"] == [
        {"check_id": "fairness.selection_rate", "subject": "gender=female"},
        {"check_id": "fairness.selection_rate", "subject": "race=b"},
    ]


def test_fail_covered_by_linked_check_passes(in_tmp: Path, context: AuditContext) -> None:
    earlier = (failing_result("data.quality", "empty_column"),)
    result = run_scan(context, filled_consequences("data.quality"), earlier)
    assert result.status is Status.PASS
    assert result.metrics["uncovered"] == []


def test_family_prefix_covers_its_checks(in_tmp: Path, context: AuditContext) -> None:
    earlier = (failing_result("data.quality", "x"),)
    assert run_scan(context, filled_consequences("data."), earlier).status is Status.PASS


def test_passing_and_warning_results_need_no_coverage(in_tmp: Path, context: AuditContext) -> None:
    warned = dataclasses.replace(failing_result("data.quality"), status=Status.WARN)
    assert run_scan(context, filled_consequences(), (warned,)).status is Status.PASS


def test_consequence_check_runs_after_every_other_check_wherever_it_is_listed() -> None:
    from trustscan.checks import registry

    scan = registry.spec_by_id(ConsequenceScanCheck.id)
    assert scan is not None
    others = tuple(s for s in registry.SPECS if s is not scan)
    for listed in ((*others, scan), (scan, *others)):
        assert registry.run_order(listed)[-1] is scan


def test_consequences_path_comes_from_the_policy(in_tmp: Path, context: AuditContext) -> None:
    (in_tmp / "scan.yaml").write_text(filled_consequences())
    policy = policy_from_mapping({"docs": {"consequences": "scan.yaml"}})
    assert ConsequenceScanCheck().run(with_documents(context, policy), policy).status is Status.PASS
