"""``fairness.selection_rate``: known answers from the issue, small groups, skips, outputs."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.context_builders import predictions_context
from trustscan.checks.fairness.core import FairnessSelectionRateCheck
from trustscan.policy import Policy, StatsPolicy
from trustscan.types import CheckResult, Status

from .conftest import MakeContext, planted

CHECK = FairnessSelectionRateCheck()


def _policy(**stats: object) -> Policy:
    return dataclasses.replace(Policy(), stats=StatsPolicy(**stats))  # type: ignore[arg-type]


def _row(result: CheckResult, feature: str, group: str) -> dict[str, Any]:
    key = "intersections" if " × " in feature else "groups"
    return next(r for r in result.metrics[key] if r["feature"] == feature and r["group"] == group)


def test_planted_half_ratio_on_10k_rows_fails(context_from_arrays: MakeContext) -> None:
    ctx = context_from_arrays(
        **planted({"female": 5000, "male": 5000}, {"female": 625, "male": 1250})
    )
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.FAIL
    row = _row(result, "gender", "female")
    assert row["selection_rate"] == 0.125
    assert row["selection_rate_ratio"] == 0.5
    assert row["selection_rate_reference"] == "male"
    low, high = row["selection_rate_ratio_ci_katz"]
    assert low < 0.5 < high
    assert row["selection_rate_p_value_adjusted"] < 0.001
    assert row["selection_rate_status"] == "fail"
    failing = [f for f in result.findings if f.status is Status.FAIL]
    assert len(failing) == 1
    message = failing[0].message
    assert message.startswith("Women are selected at 50% of the rate of men (12.5% vs 25.0%")
    assert "p < 0.001" in message and "n = 5,000 / 5,000" in message
    evidence = failing[0].evidence[0]
    assert evidence.estimate == 0.5 and evidence.threshold == 0.8
    assert evidence.ci_low is not None and evidence.p_value is not None and evidence.n == 5000
    assert evidence.method and "Katz" in evidence.method
    assert result.scoring.score_input is not None and result.scoring.score_input.value == 0.5
    assert result.scoring.evidence_coverage == 1.0


def test_ten_of_25_vs_15_of_25_warns_as_not_significant(context_from_arrays: MakeContext) -> None:
    ctx = context_from_arrays(**planted({"female": 25, "male": 25}, {"female": 10, "male": 15}))
    # With the groups admitted to gating, the 0.67 ratio is not significant: a warning.
    result = CHECK.run(ctx, _policy(min_group_size=20))
    assert result.status is Status.WARN
    row = _row(result, "gender", "female")
    assert row["selection_rate_ratio"] == pytest.approx(2 / 3)
    assert row["selection_rate_p_value_adjusted"] > 0.05
    assert row["selection_rate_status"] == "warn"
    warning = next(f for f in result.findings if f.status is Status.WARN)
    assert "Insufficient evidence" in warning.message
    assert "n = 25 / 25" in warning.message
    assert "people per group" in warning.message
    # With the default minimum group size (30) the groups are too small to judge: still a
    # warning (insufficient evidence), never a silent pass.
    default = CHECK.run(ctx, Policy())
    assert default.status is Status.WARN
    assert _row(default, "gender", "female")["gated"] is False
    assert default.scoring.insufficient_evidence is True


def test_ratio_of_097_on_100k_rows_passes(context_from_arrays: MakeContext) -> None:
    ctx = context_from_arrays(
        **planted({"female": 50000, "male": 50000}, {"female": 9700, "male": 10000})
    )
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.PASS
    row = _row(result, "gender", "female")
    assert row["selection_rate_ratio"] == pytest.approx(0.97)
    assert row["selection_rate_p_value_adjusted"] < 0.05  # significant, but above 0.8
    assert row["selection_rate_status"] == "pass"


def test_all_zero_predictions_report_rates_without_dividing_by_zero(
    context_from_arrays: MakeContext,
) -> None:
    ctx = context_from_arrays(**planted({"female": 100, "male": 100}, {"female": 0, "male": 0}))
    with np.errstate(all="raise"):
        result = CHECK.run(ctx, Policy())
    assert result.status is Status.PASS
    row = _row(result, "gender", "female")
    assert row["selection_rate"] == 0.0
    assert row["selection_rate_ratio"] is None
    json.dumps(result.metrics, allow_nan=False)


def test_ratio_exactly_lifted_to_the_threshold_by_one_person_only_warns(
    context_from_arrays: MakeContext,
) -> None:
    ctx = context_from_arrays(
        **planted({"female": 100000, "male": 100000}, {"female": 7999, "male": 10000})
    )
    result = CHECK.run(ctx, Policy())
    row = _row(result, "gender", "female")
    assert row["selection_rate_p_value_adjusted"] < 0.001
    assert row["selection_rate_one_person_ratio"] >= 0.8
    assert result.status is Status.WARN
    assert "not robust" in next(f for f in result.findings if f.status is Status.WARN).message


def test_small_groups_are_reported_but_excluded_from_gating(
    context_from_arrays: MakeContext,
) -> None:
    sizes = {"a": 2000, "b": 2000, "c": 20, "d": 60}  # c: n < 30; d: 1.5% of the data
    ctx = context_from_arrays(**planted(sizes, {"a": 600, "b": 580, "c": 0, "d": 3}))
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.PASS
    for group, n in (("c", 20), ("d", 60)):
        row = _row(result, "gender", group)
        assert row["n"] == n and row["gated"] is False and row["status"] == "excluded"
        assert row["excluded_reason"]
    note = next(f for f in result.findings if f.subject == "excluded groups")
    assert "gender = c (n = 20" in note.message


def test_missing_sensitive_values_form_an_unknown_group_that_is_not_judged(
    context_from_arrays: MakeContext,
) -> None:
    labels = ["female"] * 500 + ["male"] * 500 + [None] * 100
    decisions = np.r_[np.ones(100), np.zeros(400), np.ones(110), np.zeros(390), np.zeros(100)]
    ctx = context_from_arrays(sensitive={"gender": labels}, predictions=decisions.astype(int))
    result = CHECK.run(ctx, Policy())
    unknown = _row(result, "gender", "unknown")
    assert unknown["n"] == 100 and unknown["selection_rate"] == 0.0
    assert unknown["gated"] is False
    assert result.status is Status.PASS


def test_intersections_are_reported_and_gated(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(0)
    n = 8000
    gender = rng.choice(["female", "male"], n)
    race = rng.choice(["x", "y"], n)
    # Only women of race y are disadvantaged: each feature alone dilutes the gap.
    p = np.where((gender == "female") & (race == "y"), 0.1, 0.3)
    ctx = context_from_arrays(
        sensitive={"gender": gender, "race": race}, predictions=(rng.random(n) < p).astype(int)
    )
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.FAIL
    row = _row(result, "gender × race", "female × y")
    assert row["selection_rate_status"] == "fail"
    assert row["selection_rate_ratio"] < 0.5
    assert any(f.subject == "gender × race = female × y" for f in result.findings)


def _scores_gap_context(make: MakeContext, *, logged_decisions: bool):  # type: ignore[no-untyped-def]
    """Fair decisions (the top quarter of each group by score, so the same selection rate per
    group, and decisions that agree with the scores) but scores that favour men. Without
    logged decisions, decisions are the scores cut at 0.5."""
    rng = np.random.default_rng(1)
    n = 4000
    gender = np.repeat(["female", "male"], n // 2)
    scores = rng.random(n) + np.where(gender == "male", 0.4, 0.0)
    if not logged_decisions:
        scores = scores / 1.4  # a probability-like score: decisions are score >= 0.5
        frame = pd.DataFrame({"gender": gender, "score": scores})
        ctx = predictions_context(
            frame, sensitive=["gender"], scores="score", features=[], favourable_label=1
        )
        return ctx, gender, scores
    cut = {g: np.quantile(scores[gender == g], 0.75) for g in ("female", "male")}
    decisions = (scores >= np.vectorize(cut.get)(gender)).astype(int)
    ctx = make(sensitive={"gender": gender}, predictions=decisions, scores=scores)
    return ctx, gender, scores


def test_scoring_rate_is_reported_not_gated_beside_decisions(
    context_from_arrays: MakeContext,
) -> None:
    ctx, gender, scores = _scores_gap_context(context_from_arrays, logged_decisions=True)
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.PASS
    row = _row(result, "gender", "female")
    above = scores > np.median(scores)
    assert row["scoring_rate"] == pytest.approx(above[gender == "female"].mean(), abs=1e-12)
    assert row["scoring_rate_status"] == "below threshold (reported, not gated)"
    assert row["status"] in ("pass", "reference")  # the decisions are what is judged
    assert result.metrics["compared"] == ["selection_rate"]
    assert result.metrics["reported"] == ["scoring_rate"]
    info = next(f for f in result.findings if f.subject == "scoring_rate")
    assert info.status is Status.SKIP and "not gated" in info.message
    assert "women at" in info.message and "95% CI" in info.message


def test_scoring_rate_gates_without_decisions_or_when_the_policy_asks(
    context_from_arrays: MakeContext,
) -> None:
    scores_only, *_ = _scores_gap_context(context_from_arrays, logged_decisions=False)
    result = CHECK.run(scores_only, Policy())
    assert result.status is Status.FAIL
    assert _row(result, "gender", "female")["scoring_rate_status"] == "fail"
    assert "scoring_rate" in result.metrics["compared"]
    logged, *_ = _scores_gap_context(context_from_arrays, logged_decisions=True)
    asked = dataclasses.replace(
        Policy(), fairness=dataclasses.replace(Policy().fairness, gate_scoring_rate=True)
    )
    assert CHECK.run(logged, asked).status is Status.FAIL


def test_a_pair_failing_on_two_rates_counts_once(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(3)
    n = 4000
    gender = np.repeat(["female", "male"], n // 2)
    scores = rng.random(n) + np.where(gender == "male", 0.4, 0.0)
    frame = pd.DataFrame({"gender": gender, "score": scores / 1.4})  # scores only, in [0, 1]
    ctx = predictions_context(
        frame, sensitive=["gender"], scores="score", features=[], favourable_label=1,
        threshold=0.9 / 1.4,
    )  # fmt: skip
    result = CHECK.run(ctx, Policy())
    failing = [f for f in result.findings if f.status is Status.FAIL]
    assert len(failing) == 2  # selection rate and scoring rate, same pair
    assert result.summary.startswith("1 group(s) with a significant, robust")


def test_skips_without_a_sensitive_column(context_from_arrays: MakeContext) -> None:
    ctx = context_from_arrays(sensitive={}, predictions=np.array([0, 1, 1]))
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.SKIP
    assert "--sensitive" in result.summary


def test_same_seed_gives_identical_metrics(context_from_arrays: MakeContext) -> None:
    args = planted({"female": 300, "male": 300}, {"female": 80, "male": 100})
    first = CHECK.run(context_from_arrays(**args, seed=7), Policy()).metrics
    second = CHECK.run(context_from_arrays(**args, seed=7), Policy()).metrics
    assert json.dumps(first, allow_nan=False) == json.dumps(second, allow_nan=False)


def test_multiclass_compares_each_class_one_vs_rest(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(2)
    n = 6000
    gender = rng.choice(["female", "male"], n)
    classes = np.array(["approve", "refer", "reject"])
    p_female, p_male = [0.15, 0.35, 0.5], [0.4, 0.3, 0.3]
    draws = np.where(gender == "female", rng.choice(3, n, p=p_female), rng.choice(3, n, p=p_male))
    ctx = context_from_arrays(
        sensitive={"gender": gender},
        predictions=classes[draws],
        task="multiclass",
        classes=tuple(classes),
    )
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.FAIL
    rows = {r["class"]: r for r in result.metrics["groups"] if r["group"] == "female"}
    assert set(rows) == set(classes)
    for k, label in enumerate(classes):
        expected = (draws[gender == "female"] == k).mean()
        assert rows[label]["selection_rate"] == pytest.approx(expected, abs=1e-12)
    assert rows["approve"]["selection_rate_status"] == "fail"
    assert any("'approve'" in f.message for f in result.findings if f.status is Status.FAIL)


def test_regression_compares_mean_predictions_and_ks(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(3)
    n = 4000
    gender = np.repeat(["female", "male"], n // 2)
    prediction = np.where(gender == "female", 50.0, 100.0) + rng.normal(0, 5, n)
    ctx = context_from_arrays(
        sensitive={"gender": gender},
        predictions=prediction,
        task="regression",
        positive_label=None,
    )
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.FAIL
    row = _row(result, "gender", "female")
    assert row["mean_prediction"] == pytest.approx(prediction[:2000].mean(), rel=1e-12)
    # Compared by difference, in SDs of the predictions (about 25.5 here): -50 is ~ -1.96 SD.
    assert row["mean_prediction_difference"] == pytest.approx(-50, abs=0.5)
    assert row["mean_prediction_difference_in_sd"] == pytest.approx(
        row["mean_prediction_difference"] / prediction.std(ddof=1)
    )
    assert row["mean_prediction_reference"] == "male"
    assert row["ks_distance"] > 0.9
    ratio = dataclasses.replace(
        Policy(), fairness=dataclasses.replace(Policy().fairness, regression_compare="ratio")
    )
    assert _row(CHECK.run(ctx, ratio), "gender", "female")["mean_prediction_ratio"] == (
        pytest.approx(0.5, abs=0.01)
    )
    fair = context_from_arrays(
        sensitive={"gender": gender},
        predictions=100 + rng.normal(0, 5, n),
        task="regression",
        positive_label=None,
    )
    assert CHECK.run(fair, Policy()).status is Status.PASS


def test_regression_on_a_log_scale_is_judged_by_difference_not_ratio(
    context_from_arrays: MakeContext,
) -> None:
    # Log wages around 1.4 vs 1.5: a ratio of means (0.93) would pass, though it is a 10%
    # wage gap; negative log values would make ratios meaningless altogether.
    rng = np.random.default_rng(5)
    n = 4000
    gender = np.repeat(["female", "male"], n // 2)
    log_wage = np.where(gender == "female", 1.4, 1.5) + rng.normal(0, 0.3, n)
    ctx = context_from_arrays(
        sensitive={"gender": gender}, predictions=log_wage, task="regression", positive_label=None
    )
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.FAIL  # 0.1 / ~0.31 = 0.32 SD > 0.2, significant
    finding = next(f for f in result.findings if f.status is Status.FAIL)
    assert finding.subject == "gender = female"
    assert "mean prediction" in finding.message and "95% CI" in finding.message
    shifted = context_from_arrays(
        sensitive={"gender": gender}, predictions=log_wage - 5, task="regression",
        positive_label=None,
    )  # fmt: skip
    assert CHECK.run(shifted, Policy()).status is Status.FAIL  # same verdict below zero
