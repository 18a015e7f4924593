"""Sensitive columns become group codes once; many-valued numeric columns become quartiles."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
