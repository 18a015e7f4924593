"""docs.model_card: completeness, placeholders, missing card, line-precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustscan.checks.documentation.core import ModelCardCheck
from trustscan.context import AuditContext
from trustscan.governance.model_card import REQUIRED_FIELDS, parse_model_card
from trustscan.loading.yaml_docs import is_placeholder
from trustscan.pipeline import with_documents
from trustscan.policy import Policy, policy_from_mapping
from trustscan.types import CheckResult, Status

from .conftest import FILLED_MODEL_CARD


def run_card(context: AuditContext, text: str | None, policy: Policy | None = None) -> CheckResult:
    if text is not None:
        Path("model_card.yaml").write_text(text, encoding="utf-8")
    return ModelCardCheck().run(with_documents(context, policy or Policy()), policy or Policy())


def replace_line(text: str, start: str, new: str) -> str:
    lines = text.splitlines()
    [index] = [i for i, line in enumerate(lines) if line.strip().startswith(start)]
    lines[index] = new
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "value",
    [
        "TBD",
        "tbd",
        "",
        "   ",
        None,
        "N/A",
        "n/a.",
        "NA",
        "TODO: ask legal",
        "<your name>",
        "...",
        "?",
        [],
        ["TBD"],
        {"a": "TBD"},
    ],
)
def test_placeholders_count_as_missing(value: object) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "N/A: batch scoring only, no users",
        "Not applicable - no human life impact",
        "Nadia",
        "none of the above",
        0.5,
        False,
        ["Ada"],
        {"auc": 0.81},
    ],
)
def test_real_answers_are_not_placeholders(value: object) -> None:
    assert not is_placeholder(value)


def test_filled_card_is_complete_and_passes(in_tmp: Path, context: AuditContext) -> None:
    result = run_card(context, FILLED_MODEL_CARD)
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert result.metrics["completeness"] == 1.0
    assert result.metrics["authors"] == ["Ada Lovelace", "Grace Hopper"]


def test_missing_fields_and_placeholders_lower_completeness(
    in_tmp: Path, context: AuditContext
) -> None:
    text = replace_line(FILLED_MODEL_CARD, "licence:", "  licence: TBD")
    text = replace_line(text, "human_life:", "  human_life: N/A")
    text = replace_line(text, "caveats:", "  caveats:")
    result = run_card(context, text)
    assert result.status is Status.WARN
    missing = result.metrics["missing"]
    assert missing == [
        "model_details.licence",
        "ethical_considerations.human_life",
        "caveats_and_recommendations.caveats",
    ]
    total = len(REQUIRED_FIELDS)
    assert result.metrics["completeness"] == pytest.approx((total - 3) / total)
    licence_line = (
        FILLED_MODEL_CARD.splitlines().index("  licence: Proprietary, internal use only") + 1
    )
    messages = " ".join(f.message for f in result.findings)
    assert f"licence (line {licence_line})" in messages


def test_absent_section_lists_all_its_fields(in_tmp: Path, context: AuditContext) -> None:
    text = (
        FILLED_MODEL_CARD.split("factors:")[0]
        + "metrics:"
        + FILLED_MODEL_CARD.split("\nmetrics:")[1]
    )
    result = run_card(context, text)
    [finding] = [f for f in result.findings if f.subject == "factors"]
    assert "relevant_factors" in finding.message and "evaluation_factors" in finding.message


def test_missing_card_warns_and_points_to_init(in_tmp: Path, context: AuditContext) -> None:
    result = run_card(context, None)
    assert result.status is Status.WARN
    assert "trustscan init" in result.summary


def test_missing_card_fails_when_required(in_tmp: Path, context: AuditContext) -> None:
    policy = policy_from_mapping({"docs": {"require_model_card": True}})
    assert run_card(context, None, policy).status is Status.FAIL


def test_card_path_comes_from_the_policy(in_tmp: Path, context: AuditContext) -> None:
    (in_tmp / "docs").mkdir()
    (in_tmp / "docs" / "card.yaml").write_text(FILLED_MODEL_CARD)
    policy = policy_from_mapping({"docs": {"model_card": "docs/card.yaml"}})
    assert run_card(context, None, policy).status is Status.PASS


def test_yaml_syntax_error_fails_naming_the_line(in_tmp: Path, context: AuditContext) -> None:
    text = replace_line(FILLED_MODEL_CARD, "owner:", "  owner: [unclosed")
    owner_line = FILLED_MODEL_CARD.splitlines().index("  owner: Talent analytics team") + 1
    result = run_card(context, text)
    assert result.status is Status.FAIL
    [error] = [f for f in result.findings if f.status is Status.FAIL]
    line = int(error.message.split(":")[1])
    assert owner_line <= line <= owner_line + 1  # the parser notices at the line or the next


def test_section_of_the_wrong_type_fails_with_its_line() -> None:
    review = parse_model_card("model_details:\n  name: x\nfactors: just text\n")
    assert [(e.line, "factors" in e.message) for e in review.errors] == [(3, True)]


def test_duplicate_key_is_an_error_with_its_line() -> None:
    review = parse_model_card("model_details:\n  name: a\n  name: b\n")
    assert [e.line for e in review.errors] == [3]


def test_misspelt_section_warns_with_a_suggestion(in_tmp: Path, context: AuditContext) -> None:
    text = FILLED_MODEL_CARD.replace("intended_use:", "intended_uses:")
    result = run_card(context, text)
    warnings = [f.message for f in result.findings if "unknown" in f.message]
    assert len(warnings) == 1 and "did you mean 'intended_use'" in warnings[0]


def test_american_spelling_of_licence_is_accepted() -> None:
    review = parse_model_card(FILLED_MODEL_CARD.replace("licence:", "license:"))
    assert review.completeness == 1.0
