"""``--counts``: an aggregated table audited as the people it stands for; counts that are not
whole numbers of people, or an out-of-core engine, are refused with one line (exit 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trustscan import audit
from trustscan.context_counts import counts_hint, expand_counts
from trustscan.errors import InputError

from .test_input_errors import assert_one_line_exit_2, scan


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "g": ["a", "a", "b", "b"],
            "p": [1, 0, 1, 0],
            "n": [60, 40, 30, 70],
        }
    )


def test_rows_are_repeated_by_their_count_and_the_column_is_dropped() -> None:
    expanded, note = expand_counts(table(), "n", "t.csv")
    assert len(expanded) == 200 and "n" not in expanded.columns
    assert expanded.groupby("g")["p"].mean().to_dict() == {"a": 0.6, "b": 0.3}
    assert "4 rows were expanded to 200 people" in note


@pytest.mark.parametrize("counts", [[1, -2, 3, 4], [1.5, 2, 3, 4], [1, None, 3, 4], ["x", 2, 3, 4]])
def test_counts_that_are_not_whole_numbers_of_people_are_refused(counts: list[object]) -> None:
    with pytest.raises(InputError, match="not whole numbers of people"):
        expand_counts(table().assign(n=pd.Series(counts, dtype=object)), "n", "t.csv")


def test_a_missing_or_empty_count_column_is_refused() -> None:
    with pytest.raises(InputError, match="counts column 'm' not found"):
        expand_counts(table(), "m", "t.csv")
    with pytest.raises(InputError, match="adds up to no one"):
        expand_counts(table().assign(n=0), "n", "t.csv")


def test_the_hint_names_a_count_column_only_in_a_short_aggregated_table() -> None:
    assert "pass --counts n" in (counts_hint(table()) or "")
    people = pd.DataFrame({"g": ["a", "b"] * 50, "n": np.arange(100)})  # n: a row number
    assert counts_hint(people) is None
    assert counts_hint(table().rename(columns={"n": "income"})) is None
    assert counts_hint(table().rename(columns={"n": "weight"})) is None  # kilograms, say


def test_counts_on_the_command_line_and_out_of_core(in_tmp: Path) -> None:
    table().to_csv(in_tmp / "t.csv", index=False)
    code, output = scan("--data", "t.csv", "--predictions", "p", "-s", "g", "--counts", "n")
    assert code in (0, 1), output
    for written in ("o.json", "o.html"):
        (in_tmp / written).unlink()
    code, output = scan(
        "--data", "t.csv", "--predictions", "p", "-s", "g", "--counts", "n", "--engine", "duckdb"
    )
    assert_one_line_exit_2(code, output, "--counts expands an aggregated table", folder=in_tmp)
    code, output = scan("--data", "t.csv", "--predictions", "p", "-s", "g", "--counts", "x")
    assert_one_line_exit_2(code, output, "counts column 'x' not found", folder=in_tmp)


def test_counts_in_the_python_api() -> None:
    report = audit(data=table(), predictions="p", sensitive=["g"], counts="n")
    selection = report.result("fairness.selection_rate")
    assert selection is not None
    assert {g["group"]: g["n"] for g in selection.metrics["groups"]} == {"a": 100, "b": 100}
