"""Sensitive attributes as real tables spell them: indicators, one-hot families, dates,
derived duplicates and high cardinality, each tested both ways."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trustscan.errors import InputError
from trustscan.sensitive.attributes import MAX_TEXT_GROUPS, plan_attributes
from trustscan.sensitive.autodetect import detect_for_audit
from trustscan.sensitive.lexicon import match_column


def detect(frame: pd.DataFrame) -> tuple[dict[str, pd.Series], str]:
    """Detect and plan as ``trustscan scan`` does without --sensitive."""
    columns, notes = detect_for_audit(frame, ())
    plan = plan_attributes(frame, columns, detected=True)
    return {a.name: a.values for a in plan.attributes}, " ".join([*notes, *plan.notes])


def people(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    race = rng.choice(["black", "white", "hispanic", "other"], n, p=[0.3, 0.4, 0.2, 0.1])
    return pd.DataFrame(
        {
            "income": rng.normal(50, 10, n),
            "black": (race == "black").astype(int),
            "white": (race == "white").astype(int),
            "hispan": (race == "hispanic").astype(int),
            "race_truth": race,
        }
    )


def test_race_indicator_columns_become_one_race_attribute() -> None:
    frame = people().drop(columns="race_truth")
    attributes, notes = detect(frame)
    assert list(attributes) == ["race"]
    truth = people()["race_truth"]
    assert (attributes["race"].to_numpy() == truth.to_numpy()).all()
    assert "black, white, hispan" in notes


def test_a_lone_nonwhite_indicator_reads_nonwhite_and_white() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"wage": rng.normal(size=200), "nonwhite": rng.integers(0, 2, 200)})
    attributes, _ = detect(frame)
    assert set(attributes["nonwhite"].unique()) == {"nonwhite", "white"}


def test_female_indicator_reads_female_and_male() -> None:
    frame = pd.DataFrame({"female": [0, 1] * 50, "x": range(100)})
    attributes, _ = detect(frame)
    assert set(attributes["female"].unique()) == {"female", "male"}


@pytest.mark.parametrize("name", ["afam", "hispanic", "asian", "minority", "is_black"])
def test_other_race_indicator_names_are_detected(name: str) -> None:
    frame = pd.DataFrame({name: [0, 1] * 50, "x": range(100)})
    attributes, _ = detect(frame)
    assert name in attributes


def test_colour_with_race_values_is_detected_but_a_product_colour_is_not() -> None:
    arrests = pd.DataFrame({"colour": ["Black", "White"] * 50, "x": range(100)})
    assert "colour" in detect(arrests)[0]
    products = pd.DataFrame({"color": ["red", "blue", "green", "black"] * 25, "x": range(100)})
    assert detect(products)[0] == {}
    chess = pd.DataFrame({"white": np.arange(1200, 1300), "x": range(100)})  # ratings, not 0/1
    assert detect(chess)[0] == {}


def test_words_containing_black_or_white_are_not_race() -> None:
    frame = pd.DataFrame(
        {"black_friday_sales": [0, 1] * 50, "white_wine": [1, 0] * 50, "x": range(100)}
    )
    assert detect(frame)[0] == {}


def test_one_hot_families_merge_with_readable_labels() -> None:
    rng = np.random.default_rng(2)
    race = rng.choice(["Black", "White", "Asian"], 300)
    sex = rng.choice(["Female", "Male"], 300)
    frame = pd.DataFrame(
        {
            "race_Black": (race == "Black").astype(int),
            "race_White": (race == "White").astype(int),
            "race_Asian": (race == "Asian").astype(int),
            "sex_Female": (sex == "Female").astype(int),
            "sex_Male": (sex == "Male").astype(int),
            "x": rng.normal(size=300),
        }
    )
    attributes, _ = detect(frame)
    assert set(attributes) == {"race", "sex"}
    assert (attributes["race"].to_numpy() == race).all()
    assert (attributes["sex"].to_numpy() == sex).all()


def test_a_lone_one_hot_column_keeps_its_value_as_label() -> None:
    frame = pd.DataFrame({"sex_Male": [1, 0] * 50, "x": range(100)})
    attributes, _ = detect(frame)
    assert set(attributes["sex"].unique()) == {"Male", "not Male"}


def test_date_of_birth_becomes_age_bands_and_other_dates_are_not_groups() -> None:
    born = pd.to_datetime("1990-06-01") - pd.to_timedelta(np.arange(100) * 120, unit="D")
    frame = pd.DataFrame(
        {
            "dob": born.strftime("%Y-%m-%d"),
            "c_jail_in": ["2013-01-05 10:00:00"] * 50 + ["2014-02-03 11:00:00"] * 50,
            "days_b_screening_arrest": np.arange(100) % 7 - 3,
            "x": range(100),
        }
    )
    attributes, notes = detect(frame)
    assert list(attributes) == ["dob (age band)"]
    bands = set(attributes["dob (age band)"].dropna())
    assert bands <= {"under 25", "25–34", "35–44", "45–54", "55–64", "65 and over"}
    assert len(bands) >= 3
    assert "'c_jail_in' holds dates" in notes and "2014-02-03" in notes


def test_a_named_date_that_is_not_a_birth_date_is_refused() -> None:
    frame = pd.DataFrame({"screening_date": ["2013-01-05", "2014-02-03"] * 50})
    with pytest.raises(InputError, match="holds dates"):
        plan_attributes(frame, ["screening_date"], detected=False)


def test_age_and_age_cat_are_audited_once_saying_which() -> None:
    rng = np.random.default_rng(3)
    age = rng.integers(18, 80, 500)
    cat = np.where(age < 25, "Less than 25", np.where(age <= 45, "25 - 45", "Greater than 45"))
    frame = pd.DataFrame({"age": age, "age_cat": cat, "sex": rng.choice(["F", "M"], 500)})
    attributes, notes = detect(frame)
    assert set(attributes) == {"age_cat", "sex"}
    assert "audited 'age_cat' once" in notes


def test_unrelated_attributes_of_one_category_are_both_kept() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {"age": rng.integers(18, 80, 500), "age_group": rng.choice(["a", "b", "c"], 500)}
    )
    attributes, _ = detect(frame)
    assert set(attributes) == {"age", "age_group"}


def test_too_many_text_groups_are_refused_when_named_and_dropped_when_detected() -> None:
    frame = pd.DataFrame({"nationality": [f"country {i}" for i in range(MAX_TEXT_GROUPS + 1)]})
    with pytest.raises(InputError, match=f"'nationality' has {MAX_TEXT_GROUPS + 1} distinct"):
        plan_attributes(frame, ["nationality"], detected=False)
    attributes, notes = detect(frame)
    assert attributes == {} and "Not used as groups" in notes
    fewer = frame.head(MAX_TEXT_GROUPS)
    assert "nationality" in detect(fewer)[0]


def test_a_column_whose_values_name_sex_is_detected_whatever_its_name() -> None:
    """German credit's personal_status mixes sex and marital status (``male single``,
    ``female div/dep/mar``); its name says neither. Its values do."""
    rng = np.random.default_rng(2)
    statuses = ["male single", "female div/dep/mar", "male mar/wid", "male div/sep"]
    frame = pd.DataFrame(
        {
            "personal_status": rng.choice(statuses, 500),
            "duration": rng.integers(4, 72, 500),
            "foreign_worker": rng.choice(["yes", "no"], 500),
        }
    )
    attributes, notes = detect(frame)
    assert set(attributes) == {"personal_status", "foreign_worker"}
    assert "'personal_status' holds values naming sex (" in notes


@pytest.mark.parametrize(
    "values",
    [
        ["men shoes", "women shoes", "men shirts", "kids"],  # a product line, not a person
        ["male", "male connector", "male plug"],  # one sex named only
        ["female", "male", "unknown", "n/a", "other", "none"],  # mostly no sex named
    ],
)
def test_values_that_do_not_name_both_sexes_for_most_rows_are_not_sex(values: list[str]) -> None:
    frame = pd.DataFrame({"line": np.resize(values, 300), "x": range(300)})
    attributes, _ = detect(frame)
    assert "line" not in attributes


@pytest.mark.parametrize(
    "values",
    [
        ["black", "hisp", "other"],  # Ecdat's Males: ethn
        ["Caucasian", "African-American", "Hispanic", "Asian", "Other"],  # a COMPAS-style log
        ["1. White", "2. Black", "3. Asian", "4. Other"],  # ISLR's Wage
    ],
)
def test_a_column_whose_values_name_race_groups_is_detected_whatever_its_name(
    values: list[str],
) -> None:
    frame = pd.DataFrame({"grp": np.resize(values, 400), "income": range(400)})
    attributes, notes = detect(frame)
    assert list(attributes) == ["grp"]
    assert set(attributes["grp"].dropna()) == set(values)
    assert "'grp' holds values naming racial or ethnic origin (" in notes


@pytest.mark.parametrize(
    "values",
    [
        ["black", "white"],  # a chess player's colour: colour words alone
        ["red", "white", "rose"],  # a wine
        ["Asian fusion", "Italian", "Mexican", "French", "Thai"],  # a cuisine: one group named
        ["asian", "hispanic", "n/a", "pending", "unknown", "declined"],  # mostly no group
    ],
)
def test_values_that_do_not_name_two_race_groups_for_most_rows_are_not_race(
    values: list[str],
) -> None:
    frame = pd.DataFrame({"kind": np.resize(values, 300), "x": range(300)})
    attributes, _ = detect(frame)
    assert "kind" not in attributes


@pytest.mark.parametrize(
    ("column", "category"),
    [
        ("ethn", "racial_ethnic_origin"),  # Ecdat's Males
        ("RAC1P", "racial_ethnic_origin"),  # ACS PUMS race recode
        ("AGEP", "age"),  # ACS PUMS age
        ("POBP", "national_origin"),  # ACS PUMS place of birth
        ("foreign", "national_origin"),  # Ecdat's Participation
        ("nation", "national_origin"),  # carData's Greene: refugee claimants' country
        ("maritl", "marital_status"),  # ISLR's Wage
        ("maried", "marital_status"),  # Ecdat's Males
        ("MARST", "marital_status"),  # IPUMS
        ("spouse_present", "marital_status"),
        ("husband", "marital_status"),
    ],
)
def test_survey_abbreviations_name_their_attribute(column: str, category: str) -> None:
    frame = pd.DataFrame({column: np.resize(["a", "b"], 200), "income": range(200)})
    columns, _ = detect_for_audit(frame, ())
    match = match_column(column)
    assert columns == (column,)
    assert match is not None and match.category == category


@pytest.mark.parametrize(
    "column",
    [
        *("mar", "foreign_car", "dis", "native", "health_ins", "has_health_insurance"),
        *("yearsmarried", "RBC.Age.Group", "medical_debt", "HusbandEmployed", "spouse_income"),
    ],
)
def test_names_that_only_resemble_an_attribute_are_not_detected(column: str) -> None:
    """A month (mar), a car's origin, a household's insurance coverage, a duration, the age
    of stored blood (medicaldata's blood_storage), a debt, a spouse's own traits (vcd's
    Rochdale)."""
    assert match_column(column) is None


def test_black_and_white_beside_other_colour_indicators_are_a_palette_not_race() -> None:
    """DAAG's rockArt: 0/1 columns for the paints a motif uses (red, black, yellow, white)."""
    rng = np.random.default_rng(4)
    paints = {c: rng.integers(0, 2, 300) for c in ("red", "black", "yellow", "white", "green")}
    attributes, _ = detect(pd.DataFrame({**paints, "motifs": rng.integers(1, 40, 300)}))
    assert attributes == {}
    without_palette = pd.DataFrame({"black": paints["black"], "white": 1 - paints["black"]})
    assert list(detect(without_palette)[0]) == ["race"]


def test_a_sex_named_identifier_is_not_a_group_attribute() -> None:
    """mlmRev's Contraception numbers its women 1..1934 in a column called 'woman'."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"woman": np.arange(1, 1935), "age": rng.normal(0, 9, 1934)})
    attributes, notes = detect(frame)
    assert list(attributes) == ["age"]
    assert "'woman' holds a different whole number for almost every row" in notes
    with pytest.raises(InputError, match="an identifier, not groups"):
        plan_attributes(frame, ["woman"], detected=False)


def test_ages_all_different_in_a_small_table_are_still_age() -> None:
    frame = pd.DataFrame({"age": np.arange(18, 118)})  # 100 rows, 100 ages
    assert list(detect(frame)[0]) == ["age"]
    scores = pd.DataFrame({"race": np.linspace(0.0, 1.0, 500)})  # shares: not whole numbers
    assert list(detect(scores)[0]) == ["race"]
