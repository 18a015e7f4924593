"""The demo ships a model card and a consequence scan per case, and they are complete, valid
and cover what the demo's audits fail on. The end-to-end demo run that checks the docs
results in real reports is in test_sample_data_and_demo.py."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.context_builders import predictions_context
from trustscan.checks import ALL_CHECKS
from trustscan.checks.documentation.core import ConsequenceScanCheck, ModelCardCheck
from trustscan.cli import main
from trustscan.config import make_scan_config
from trustscan.context import AuditContext
from trustscan.demo import CASES, DemoCase, governance_paths, with_governance_docs
from trustscan.governance.consequences import (
    act_problems,
    missing_kinds,
    monitor_without_checks,
    negative_without_disposition,
    review_overdue,
    unknown_check_links,
)
from trustscan.loading.documents import read_consequences, read_model_card
from trustscan.pipeline import with_documents
from trustscan.policy import Policy
from trustscan.types import CheckResult, Dimension, Severity, Status

CASE_NAMES = [case.name for case in CASES]

# The checks each planted harm makes fail in the demo (the end-to-end demo test confirms
# against real reports that nothing else fails uncovered).
FAILING_CHECKS: dict[str, tuple[str, ...]] = {
    "recruiting": (
        "fairness.selection_rate",
        "fairness.error_rates",
        "leakage.proxy_features",
        "performance.group_gap",
    ),
    "retail": (
        "fairness.selection_rate",
        "fairness.error_rates",
        "leakage.output_inference",
        "leakage.proxy_features",
        "performance.group_gap",
    ),
    "fair_lending": (),
}


def case_named(name: str) -> DemoCase:
    return next(case for case in CASES if case.name == name)


def docs_policy(name: str) -> Policy:
    card, consequences = governance_paths(case_named(name))
    return replace(
        Policy(), docs=replace(Policy().docs, model_card=str(card), consequences=str(consequences))
    )


def failing_result(check_id: str) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        title=check_id,
        dimension=Dimension.ETHICS,
        severity=Severity.HIGH,
        status=Status.FAIL,
        summary="planted harm",
    )


def docs_context(policy: Policy) -> AuditContext:
    """A context production builds (a small decision log), with the case's documents read
    the way the pipeline reads them."""
    frame = pd.DataFrame({"decision": [1, 0] * 20, "gender": ["f", "m", "m", "f"] * 10})
    ctx = predictions_context(frame, predictions="decision", sensitive=["gender"])
    return with_documents(ctx, policy)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_every_case_ships_both_documents(name: str) -> None:
    card, consequences = governance_paths(case_named(name))
    assert card.is_file() and consequences.is_file()
    assert card.parent.name == name


@pytest.mark.parametrize("name", CASE_NAMES)
def test_model_card_is_complete_and_valid(name: str) -> None:
    review = read_model_card(governance_paths(case_named(name))[0])
    assert review is not None
    assert review.errors == ()
    assert review.warnings == ()
    assert review.missing == ()
    assert review.completeness == 1.0
    assert review.authors, "the separation-of-duties check needs named authors"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_consequence_scan_has_no_schema_errors_and_keeps_every_rule(name: str) -> None:
    scan = read_consequences(governance_paths(case_named(name))[1])
    assert scan is not None
    assert scan.errors == ()
    assert {"product", "scanned_on", "participants"} <= set(scan.metadata)
    assert missing_kinds(scan) == []
    assert negative_without_disposition(scan) == []
    assert monitor_without_checks(scan) == []
    assert unknown_check_links(scan, [check.id for check in ALL_CHECKS]) == []
    # Dates expire: when these fail, the demo's reports warn too. Roll the dates forward.
    today = dt.datetime.now(dt.timezone.utc).date()
    assert act_problems(scan, today) == [], "an 'act' due date has passed"
    assert review_overdue(scan, today) == [], "a review date has passed"


def test_recruiting_scan_uses_every_disposition() -> None:
    scan = read_consequences(governance_paths(case_named("recruiting"))[1])
    assert scan is not None
    assert {c.disposition for c in scan.consequences} == {"act", "influence", "monitor"}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_docs_checks_pass_and_cover_the_cases_failing_checks(name: str) -> None:
    policy = docs_policy(name)
    card = ModelCardCheck().run(docs_context(policy), policy)
    assert card.status is Status.PASS, card.summary
    earlier = tuple(failing_result(check_id) for check_id in FAILING_CHECKS[name])
    scan = ConsequenceScanCheck().run_after(docs_context(policy), policy, earlier)
    assert scan.status is Status.PASS, scan.summary
    assert scan.metrics["failed_findings"] == len(earlier)
    assert scan.metrics["uncovered"] == []


def test_consequence_scan_still_warns_on_a_failure_nobody_considered() -> None:
    # The coverage rule is live: a failing check the recruiting scan does not link is listed.
    earlier = (failing_result("consistency.determinism"), failing_result("data.quality"))
    scan = ConsequenceScanCheck().run_after(
        docs_context(docs_policy("recruiting")), docs_policy("recruiting"), earlier
    )
    assert scan.status is Status.WARN
    assert scan.metrics["uncovered"] == [{"check_id": "data.quality", "subject": None}]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_demo_config_points_the_docs_policy_at_the_shipped_documents(
    name: str, tmp_path: Path
) -> None:
    case = case_named(name)
    config = make_scan_config(
        {"model": "m.skops", "data": "d.csv", "target": case.target}, cwd=tmp_path
    )
    updated = with_governance_docs(config, case)
    card, consequences = governance_paths(case)
    assert Path(updated.policy.docs.model_card) == card
    assert Path(updated.policy.docs.consequences) == consequences
    assert card.is_absolute()  # the docs checks resolve paths against the working directory
    assert replace(updated, policy=config.policy) == config


def test_signoff_refuses_an_author_of_the_shipped_card_and_accepts_the_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    card = governance_paths(case_named("recruiting"))[0]
    review = read_model_card(card)
    assert review is not None
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"results": [], "verdict": "fail"}))
    base = ["signoff", "--report", str(report), "--model-card", str(card)]
    base += ["--ledger", str(tmp_path / "ledger.jsonl")]
    refused = CliRunner().invoke(main, [*base, "--by", review.authors[0]])
    assert refused.exit_code == 2, refused.output
    assert "cannot approve" in refused.output
    # The card's owner did not build the model, so may approve it.
    accepted = CliRunner().invoke(main, [*base, "--by", "Dana Whitfield"])
    assert accepted.exit_code == 0, accepted.output
