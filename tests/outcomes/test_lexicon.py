"""The adverse/favourable outcome lexicon and the favourable-decision inference, both ways."""

from __future__ import annotations

import pytest

from trustscan.errors import InputError
from trustscan.outcomes import NamedColumn, polarity_of_name, resolve_outcome


@pytest.mark.parametrize(
    "name",
    [
        "deny",
        "denied",
        "loan_rejected",
        "declined",
        "default",
        "is_fraud",
        "high_risk",
        "risk_score",
        "two_year_recid",
        "is_recid",
        "reoffended",
        "arrested",
        "churn",
        "fired",
        "terminated",
        "Evicted",
    ],
)
def test_adverse_outcome_names(name: str) -> None:
    hit = polarity_of_name(name)
    assert hit is not None and hit[0] == "adverse", (name, hit)


@pytest.mark.parametrize(
    "name", ["approved", "hired", "loan_granted", "accepted", "admitted", "low_risk", "no_default"]
)
def test_favourable_outcome_names(name: str) -> None:
    hit = polarity_of_name(name)
    assert hit is not None and hit[0] == "favourable", (name, hit)


@pytest.mark.parametrize(
    "name", ["decision", "prediction", "y_pred", "label", "outcome", "decile_score", "target"]
)
def test_neutral_names_say_nothing(name: str) -> None:
    assert polarity_of_name(name) is None


def _resolve(labels: list[object], *columns: tuple[str, str], **kwargs: str) -> object:
    return resolve_outcome(
        labels,
        columns=[NamedColumn(role, name) for role, name in columns],
        decision_name=columns[0][1] if columns else "decision",
        positive_requested=kwargs.get("positive"),
        favourable_requested=kwargs.get("favourable"),
    )


def test_deny_yes_is_adverse_so_no_is_favourable() -> None:
    outcome = _resolve(["no", "yes"], ("decision", "deny"))
    assert outcome.favourable_label == "no"  # type: ignore[attr-defined]
    assert outcome.positive_label == "yes"  # type: ignore[attr-defined]
    assert "deny = no" in outcome.statement  # type: ignore[attr-defined]
    assert "--favourable-label" in outcome.statement  # type: ignore[attr-defined]


def test_high_risk_one_is_adverse() -> None:
    outcome = _resolve([0, 1], ("decision", "high_risk"), ("target", "two_year_recid"))
    assert outcome.favourable_label == 0  # type: ignore[attr-defined]
    assert outcome.positive_label == 1  # type: ignore[attr-defined]


def test_favourable_name_keeps_one_favourable() -> None:
    outcome = _resolve([0, 1], ("decision", "approved"))
    assert outcome.favourable_label == 1  # type: ignore[attr-defined]


def test_neutral_zero_one_takes_the_positive_class_as_favourable_and_says_so() -> None:
    outcome = _resolve([0, 1], ("decision", "decision"), ("target", "outcome"))
    assert outcome.favourable_label == 1  # type: ignore[attr-defined]
    assert outcome.by_default  # type: ignore[attr-defined]
    assert "no column name" in outcome.statement  # type: ignore[attr-defined]


def test_text_labels_that_name_the_outcome_decide() -> None:
    assert _resolve(["approved", "denied"], ("decision", "status")).favourable_label == "approved"  # type: ignore[attr-defined]
    assert _resolve(["High", "Low"], ("decision", "risk_level")).favourable_label == "Low"  # type: ignore[attr-defined]


def test_two_unnamed_text_labels_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        _resolve(["red", "blue"], ("decision", "decision"))
    assert "--favourable-label" in caught.value.one_line()


def test_names_that_disagree_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        _resolve([0, 1], ("decision", "approved"), ("target", "default"))
    assert "--favourable-label" in caught.value.one_line()


def test_explicit_favourable_label_wins_over_names() -> None:
    outcome = _resolve([0, 1], ("decision", "high_risk"), favourable="1")
    assert outcome.favourable_label == 1  # type: ignore[attr-defined]
    assert "--favourable-label" in outcome.statement  # type: ignore[attr-defined]


def test_unknown_favourable_label_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not one of the labels"):
        _resolve([0, 1], ("decision", "high_risk"), favourable="maybe")


def test_income_labels_take_the_higher_bracket_as_favourable() -> None:
    outcome = _resolve([">50K", "<=50K"], ("target", "income"))
    assert outcome.favourable_label == ">50K"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "favourable"),
    [("income_band", "high"), ("salary_level", "high"), ("risk_level", "low")],
)
def test_high_and_low_labels_follow_a_name_that_points(name: str, favourable: str) -> None:
    """A high income is favourable although a bare 'high' reads as a high risk."""
    outcome = _resolve(["high", "low"], ("decision", name))
    assert outcome.favourable_label == favourable  # type: ignore[attr-defined]
    assert repr(name) in outcome.statement  # type: ignore[attr-defined]


def test_bare_high_and_low_read_as_a_risk_level_and_say_so() -> None:
    outcome = _resolve(["High", "Low"], ("decision", "score_text"))
    assert outcome.favourable_label == "Low"  # type: ignore[attr-defined]
    assert "the label 'Low' names a favourable outcome" in outcome.statement  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["WinLoss", "pass_fail", "approve_or_deny"])
def test_a_name_with_both_outcomes_points_neither_way(name: str) -> None:
    """Stat2Data's Hoops: WinLoss = 1 is a win, not a loss."""
    assert polarity_of_name(name) is None
    outcome = _resolve([-1, 1], ("decision", name))
    assert outcome.favourable_label == 1  # type: ignore[attr-defined]
    assert outcome.by_default  # type: ignore[attr-defined]


def test_a_win_is_favourable() -> None:
    assert polarity_of_name("contract_won") == ("favourable", "won")
    assert polarity_of_name("no_win") == ("adverse", "win")


def test_quality_and_rating_point_to_the_higher_level() -> None:
    """openintro's resume: resume_quality high / low; a risk rating still points down."""
    assert _resolve(["high", "low"], ("decision", "resume_quality")).favourable_label == "high"  # type: ignore[attr-defined]
    assert _resolve(["high", "low"], ("decision", "credit_rating")).favourable_label == "high"  # type: ignore[attr-defined]
    assert _resolve(["high", "low"], ("decision", "risk_rating")).favourable_label == "low"  # type: ignore[attr-defined]
