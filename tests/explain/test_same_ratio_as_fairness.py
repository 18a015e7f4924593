"""The explainability and fairness sections judge the same groups against the same reference,
so they quote the same impact ratio for the same group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from tests.context_builders import model_context
from trustscan.checks import check_by_id
from trustscan.policy import ExplainPolicy, Policy
from trustscan.stats import Eligibility, reference_group


def _planted() -> pd.DataFrame:
    """Selection rates planted per group. ``a`` and ``d`` tie for the highest rate (``d`` is
    larger); ``c`` is 199 of 10,000 rows (1.99%: under the 2% share) but 2.05% of the rows
    whose group is known; 300 rows have no group."""
    sizes = {"a": (2000, 1000), "d": (3000, 1500), "b": (4501, 1800), "c": (199, 20)}
    groups: list[object] = []
    selected: list[int] = []
    for group, (n, chosen) in sizes.items():
        groups += [group] * n
        selected += [1] * chosen + [0] * (n - chosen)
    groups += [None] * 300
    selected += [1] * 150 + [0] * 150
    return pd.DataFrame({"group": groups, "x": selected})


def test_drivers_quote_the_fairness_ratio_of_the_same_group() -> None:
    data = _planted()
    model = DecisionTreeClassifier().fit(data[["x"]], data["x"])
    ctx = model_context(data, model, features=["x"], sensitive=["group"], target=None)
    policy = Policy(explain=ExplainPolicy(sample_size=len(data)))  # every row in the sample

    selection, drivers_check = (
        check_by_id(i) for i in ("fairness.selection_rate", "explain.disparity_drivers")
    )
    assert selection is not None and drivers_check is not None
    fairness = selection().run(ctx, policy)
    rows = {r["group"]: r for r in fairness.metrics["groups"]}
    assert rows["c"]["status"] == "excluded" and "minimum share" in rows["c"]["excluded_reason"]
    assert rows["d"]["selection_rate_status"] == "reference"  # the tie goes to the larger group
    judged = [g for g, r in rows.items() if r["status"] in ("pass", "warn", "fail")]
    lowest = min(judged, key=lambda g: rows[g]["selection_rate_ratio"])
    assert lowest == "b"

    drivers = drivers_check().run(ctx, policy).metrics["drivers"]["group"]
    for quoted in (drivers["full_data"], drivers["before"]):
        assert quoted["lowest_group"] == "b" and quoted["highest_group"] == "d"
        assert quoted["ratio"] == pytest.approx(rows["b"]["selection_rate_ratio"], abs=1e-4)
        katz = rows["b"]["selection_rate_ratio_ci_katz"]
        assert [quoted["ci_low"], quoted["ci_high"]] == pytest.approx(katz, abs=1e-4)
    assert quoted["ratio"] == pytest.approx(0.4 / 0.5, abs=1e-3)


def test_one_eligibility_rule_passes_and_refuses() -> None:
    rule = Eligibility(min_size=30, min_share=0.02)
    n = np.array([30.0, 29.0, 500.0, 400.0])
    reasons = rule.reasons(
        n, 1000, unknown=[False, False, True, False], denominator=n - [0, 0, 0, 380]
    )
    assert reasons[0] is None
    assert reasons[1] == "below the minimum group size of 30"
    assert reasons[2] == "sensitive value missing"
    assert reasons[3] == "only 20 people in the rate's denominator, below 30"
    assert rule.reason(199, 10_000) == "2.0% of the data, below the minimum share of 2%"
    assert rule.reason(200, 10_000) is None
    assert rule.mask(n, 1000).tolist() == [True, False, True, True]


def test_the_reference_group_is_the_highest_then_the_larger() -> None:
    rates = np.array([0.5, 0.4, 0.5, 0.9])
    sizes = np.array([100, 500, 300, 50])
    assert reference_group(rates, sizes, np.array([True, True, True, False])) == 2
    assert reference_group(rates, sizes, np.array([True, True, False, False])) == 0
    assert reference_group(rates, sizes, np.zeros(4, dtype=bool)) is None
