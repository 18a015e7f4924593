"""Sensitive columns become group codes once; many-valued numeric columns become quartiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trustscan.sensitive.groups import MAX_GROUPS, group_column, sensitive_groupings


def test_categorical_column_keeps_its_values_and_missing_is_unknown() -> None:
    grouping = group_column("gender", pd.Series(["f", "m", None, "f"]))
    assert grouping.labels == ("f", "m", "unknown")
    assert grouping.codes.tolist() == [0, 1, 2, 0]


def test_many_valued_numeric_column_is_cut_into_quartiles() -> None:
    ages = pd.Series(np.arange(18, 98, dtype=float))
    assert ages.nunique() > MAX_GROUPS
    grouping = group_column("age", ages)
    assert len(grouping.labels) == 4
    assert np.bincount(grouping.codes).tolist() == [20, 20, 20, 20]
    assert grouping.labels[0] == "18–37"


def test_few_valued_numeric_column_keeps_its_values() -> None:
    grouping = group_column("pregnant", pd.Series([0, 1, 1, 0]))
    assert grouping.labels == ("0", "1")


def test_intersections_are_built_from_the_singles() -> None:
    frame = pd.DataFrame({"g": ["a", "b", "a", "b"], "r": ["x", "x", "y", "y"]})
    groupings = sensitive_groupings(frame)
    assert [g.name for g in groupings.singles] == ["g", "r"]
    assert [g.name for g in groupings.intersections] == ["g × r"]
    assert len(groupings.all) == 3


def test_the_schema_says_how_values_were_binned_and_where_they_came_from() -> None:
    frame = pd.DataFrame({"age": np.arange(18, 98, dtype=float), "race": ["a", "b"] * 40})
    groupings = sensitive_groupings(frame, {"race": ("black", "white")})
    age, race = groupings.singles
    assert age.schema.binning[0].method == "quartiles"
    assert age.schema.binning[0].edges == (37.75, 57.5, 77.25)
    assert age.schema.binning_note == "numeric values grouped into quartiles"
    assert race.schema.binning[0].method == "values" and race.schema.binning_note is None
    assert race.schema.data_columns == ("black", "white")
    assert age.schema.data_columns == ("age",)
    crossed = groupings.intersections[0].schema
    assert crossed.columns == ("age", "race") and crossed.is_intersection
    assert crossed.data_columns == ("age", "black", "white")
    assert [b.method for b in crossed.binning] == ["quartiles", "values"]


def test_known_codes_mark_the_missing_value_group() -> None:
    grouping = group_column("gender", pd.Series(["f", None, "m", "f"]))
    assert grouping.schema.unknown == (False, False, True)
    assert grouping.schema.known == (0, 1) and grouping.schema.n_known == 2
    assert grouping.known_codes().tolist() == [0, -1, 1, 0]
    complete = group_column("gender", pd.Series(["f", "m"]))
    assert complete.known_codes() is complete.codes


def test_row_comparable_needs_two_known_groups_and_not_too_many_text_values() -> None:
    frame = pd.DataFrame(
        {
            "gender": ["f", "m"] * 50,
            "constant": ["x"] * 99 + [None],
            "name": [f"person {i}" for i in range(100)],
            "income": np.arange(100, dtype=float),  # many numbers: quartiles, comparable
        }
    )
    kept, skipped = sensitive_groupings(frame).row_comparable()
    assert [g.name for g in kept] == ["gender", "income"]
    assert skipped == (
        "'constant' has fewer than two distinct values",
        "'name' has 100 distinct values, too many to treat as groups",
    )


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "string[python]", "object"])
def test_sensitive_values_make_the_frame_to_numpy_would(dtype: str) -> None:
    from trustscan.context_columns import _to_numpy

    column = pd.Series(["b", None, "a", np.nan, "b"], dtype=dtype)
    fast = pd.DataFrame({"a": _to_numpy(column)}, index=column.index)
    plain = pd.DataFrame({"a": column.to_numpy()}, index=column.index)
    pd.testing.assert_frame_equal(fast, plain)


@pytest.mark.parametrize("ties", [False, True])
def test_measured_score_auc_matches_scikit_learn(ties: bool) -> None:
    from sklearn.metrics import roc_auc_score

    from trustscan.context_outcome import _auc

    rng = np.random.default_rng(7)
    score = rng.random(2000)
    score = np.round(score, 1) if ties else score
    positive = rng.random(2000) < score
    assert _auc(score, positive) == pytest.approx(roc_auc_score(positive, score), abs=1e-12)
    weights = rng.integers(1, 4, 2000).astype(float)
    expected = roc_auc_score(positive, score, sample_weight=weights)
    assert _auc(score, positive, weights) == pytest.approx(expected, abs=1e-12)
    assert _auc(score, np.zeros(2000, dtype=bool)) is None
