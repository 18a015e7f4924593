"""performance.overall / group_gap / calibration on data with known answers."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression

from tests.context_builders import model_context
from tests.performance.helpers import predictions_context, scored_frame
from trustscan.checks.performance.calibration import PerformanceCalibrationCheck
from trustscan.checks.performance.group_gap import PerformanceGroupGapCheck
from trustscan.checks.performance.overall import PerformanceOverallCheck
from trustscan.policy import PerformancePolicy, Policy, StatsPolicy
from trustscan.serialize import to_jsonable
from trustscan.types import CheckResult, Status

FAST = Policy(stats=StatsPolicy(bootstrap_resamples=300))


def json_roundtrip(result: CheckResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(to_jsonable(result), allow_nan=False))
    return data


def test_overall_skips_without_a_target() -> None:
    ctx = predictions_context(
        scored_frame(200), sensitive=["group"], target=None, decisions="decision", scores="score"
    )
    for check in (PerformanceOverallCheck, PerformanceGroupGapCheck, PerformanceCalibrationCheck):
        result = check().run(ctx, FAST)
        assert result.status is Status.SKIP and "target" in result.summary


def test_overall_reports_every_metric_as_scikit_learn_computes_it() -> None:
    frame = scored_frame()
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    result = PerformanceOverallCheck().run(ctx, FAST)
    assert result.status is Status.PASS
    table = {row["metric"]: row for row in json_roundtrip(result)["metrics"]["metrics"]}
    y, d, s = frame["y"], frame["decision"], frame["score"]
    assert table["accuracy"]["estimate"] == pytest.approx(skm.accuracy_score(y, d))
    assert table["f1"]["estimate"] == pytest.approx(skm.f1_score(y, d))
    assert table["roc_auc"]["estimate"] == pytest.approx(skm.roc_auc_score(y, s))
    assert table["brier"]["estimate"] == pytest.approx(skm.brier_score_loss(y, s))
    for row in table.values():
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]


def test_overall_fails_when_the_auc_interval_falls_below_the_target() -> None:
    frame = scored_frame(informative_b=False)  # AUC ≈ 0.75
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    strict = replace(FAST, performance=PerformancePolicy(min_auc=0.9))
    lenient = replace(FAST, performance=PerformancePolicy(min_auc=0.6, min_accuracy=0.6))
    failed = PerformanceOverallCheck().run(ctx, strict)
    assert failed.status is Status.FAIL
    assert any(f.subject == "roc_auc target" and f.status is Status.FAIL for f in failed.findings)
    assert PerformanceOverallCheck().run(ctx, lenient).status is Status.PASS


def test_a_worse_served_group_is_detected() -> None:
    frame = scored_frame(informative_b=False)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    result = PerformanceGroupGapCheck().run(ctx, FAST)
    assert result.status is Status.FAIL
    gaps = json_roundtrip(result)["metrics"]["gaps"]
    auc_gap = next(g for g in gaps if g["metric"] == "roc_auc")
    assert auc_gap["worst_group"] == "b" and auc_gap["best_group"] == "a"
    b = frame["group"] == "b"
    expected = skm.roc_auc_score(frame.y[~b], frame.score[~b]) - skm.roc_auc_score(
        frame.y[b], frame.score[b]
    )
    assert auc_gap["gap"] == pytest.approx(expected)
    assert auc_gap["ci_low"] > 0 and auc_gap["status"] == "fail"


def test_equally_served_groups_pass() -> None:
    frame = scored_frame(informative_b=True)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    result = PerformanceGroupGapCheck().run(ctx, FAST)
    assert result.status is Status.PASS
    assert all(g["status"] == "pass" for g in json_roundtrip(result)["metrics"]["gaps"])


def test_per_group_metrics_match_scikit_learn_per_group_and_intersection() -> None:
    frame = scored_frame(800, seed=3)
    frame["region"] = np.random.default_rng(9).choice(["north", "south"], size=len(frame))
    ctx = predictions_context(
        frame, sensitive=["group", "region"], target="y", decisions="decision", scores="score"
    )
    rows = json_roundtrip(PerformanceGroupGapCheck().run(ctx, FAST))["metrics"]["groups"]
    assert {r["grouping"] for r in rows} == {"group", "region", "group × region"}
    for row in rows:
        if row["grouping"] == "group × region":
            g, r = row["group"].split(" × ")
            mask = (frame.group == g) & (frame.region == r)
        else:
            mask = frame[row["grouping"]] == row["group"]
        assert row["n"] == int(mask.sum())
        assert row["balanced_accuracy"] == pytest.approx(
            skm.balanced_accuracy_score(frame.y[mask], frame.decision[mask])
        )
        assert row["roc_auc"] == pytest.approx(skm.roc_auc_score(frame.y[mask], frame.score[mask]))


def test_small_groups_are_insufficient_evidence_not_judged() -> None:
    frame = scored_frame(informative_b=True)
    frame.loc[:9, "group"] = "tiny"  # 10 rows: below min_group_size
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    result = PerformanceGroupGapCheck().run(ctx, FAST)
    note = next(f for f in result.findings if f.subject == "excluded groups")
    assert note.status is Status.SKIP and "tiny (n = 10" in note.message
    row = next(r for r in json_roundtrip(result)["metrics"]["groups"] if r["group"] == "tiny")
    assert row["judged"] is False and "minimum group size" in row["excluded_reason"]
    assert result.status is Status.PASS


def test_regression_gap_in_target_standard_deviations() -> None:
    rng = np.random.default_rng(4)
    n = 3000
    frame = pd.DataFrame({"group": rng.choice(["a", "b"], n), "x": rng.normal(size=n)})
    noise = np.where(frame.group == "b", 1.0, 0.2)  # the model is much worse for b
    frame["y"] = 3 * frame.x + rng.normal(size=n) * noise
    model = LinearRegression().fit(frame[["x"]], frame.y)
    ctx = model_context(frame, model, features=["x"], sensitive=["group"], target="y")
    overall = json_roundtrip(PerformanceOverallCheck().run(ctx, FAST))["metrics"]["metrics"]
    pred = model.predict(frame[["x"]])
    assert {r["metric"]: r["estimate"] for r in overall}["r2"] == pytest.approx(
        skm.r2_score(frame.y, pred)
    )
    result = PerformanceGroupGapCheck().run(ctx, FAST)
    assert result.status is Status.FAIL
    gap = json_roundtrip(result)["metrics"]["gaps"][0]
    b = frame.group == "b"
    mae_b = skm.mean_absolute_error(frame.y[b], pred[b])
    mae_a = skm.mean_absolute_error(frame.y[~b], pred[~b])
    assert gap["worst_group"] == "b"
    assert gap["gap"] == pytest.approx((mae_b - mae_a) / frame.y.std(ddof=1))


def test_calibration_warns_for_a_miscalibrated_group_and_gives_chart_data() -> None:
    frame = scored_frame(informative_b=True)
    rng = np.random.default_rng(5)
    b = frame.group == "b"
    # Group b's outcomes happen at half the rate its scores promise.
    frame.loc[b, "y"] = (rng.uniform(size=int(b.sum())) < frame.score[b] / 2).astype(int)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    result = PerformanceCalibrationCheck().run(ctx, FAST)
    assert result.status is Status.WARN
    warned = {f.subject for f in result.findings if f.status is Status.WARN}
    assert "group = b" in warned and "group = a" not in warned
    metrics = json_roundtrip(result)["metrics"]
    curves = {(c["grouping"], c["group"]): c["bins"] for c in metrics["reliability"]}
    assert set(curves) == {(None, "all rows"), ("group", "a"), ("group", "b")}
    assert sum(b["n"] for b in curves[("group", "b")]) == int(b.sum())
    ece = {r["group"]: r["ece"] for r in metrics["ece"]}
    assert ece["b"] > 0.1 > ece["a"]


def test_calibration_passes_for_calibrated_scores() -> None:
    frame = scored_frame(informative_b=True)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    assert PerformanceCalibrationCheck().run(ctx, FAST).status is Status.PASS


def test_calibration_skips_without_probability_scores() -> None:
    frame = scored_frame(300)
    frame["score"] = frame["score"] * 10  # a score, not a probability
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    assert PerformanceCalibrationCheck().run(ctx, FAST).status is Status.SKIP
    overall = PerformanceOverallCheck().run(ctx, FAST)
    names = {row["metric"] for row in overall.metrics["metrics"]}
    assert "roc_auc" in names and "brier" not in names


def test_model_mode_multiclass_runs_and_matches_scikit_learn() -> None:
    rng = np.random.default_rng(6)
    n = 1500
    frame = pd.DataFrame({"x": rng.normal(size=n), "group": rng.choice(["a", "b"], n)})
    frame["y"] = np.digitize(frame.x + rng.normal(scale=0.5, size=n), [-0.5, 0.5])
    model = LogisticRegression().fit(frame[["x"]], frame.y)
    ctx = model_context(frame, model, features=["x"], sensitive=["group"], target="y")
    overall = {
        r["metric"]: r["estimate"]
        for r in PerformanceOverallCheck().run(ctx, FAST).metrics["metrics"]
    }
    pred = model.predict(frame[["x"]])
    assert overall["macro_f1"] == pytest.approx(skm.f1_score(frame.y, pred, average="macro"))
    assert PerformanceGroupGapCheck().run(ctx, FAST).status in (Status.PASS, Status.WARN)


def test_gap_metrics_policy_chooses_what_gates_and_rejects_unknown_names() -> None:
    from trustscan.errors import InputError
    from trustscan.policy import policy_from_mapping

    frame = scored_frame(informative_b=False)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    policy = policy_from_mapping(
        {"performance": {"gap_metrics": ["accuracy"]}, "stats": {"bootstrap_resamples": 200}}
    )
    result = PerformanceGroupGapCheck().run(ctx, policy)
    assert result.metrics["gated_metrics"] == ["accuracy"]
    assert [g["metric"] for g in result.metrics["gaps"]] == ["accuracy"]
    with pytest.raises(InputError, match="unknown metric 'acuracy'"):
        policy_from_mapping({"performance": {"gap_metrics": ["acuracy"]}})


def test_a_gap_over_the_limit_whose_interval_includes_zero_passes_not_warns() -> None:
    # 60 rows per group: the sampling gap can exceed 0.05 but its interval is wide.
    for seed in range(40):
        frame = scored_frame(60, informative_b=True, seed=seed)
        ctx = predictions_context(
            frame, sensitive=["group"], target="y", decisions="decision", scores="score"
        )
        result = PerformanceGroupGapCheck().run(ctx, FAST)
        gaps = json_roundtrip(result)["metrics"]["gaps"]
        over = [g for g in gaps if g["gap"] > 0.05 and g["ci_low"] <= 0]
        if over:
            break
    assert over, "no seed gave a noisy gap over the limit"
    assert all(g["status"] == "pass" for g in over)
    assert result.status is Status.PASS
    finding = next(f for f in result.findings if f.subject == "group")
    assert "includes 0: no evidence of a real gap" in finding.message
    assert "n/a" not in finding.message
    assert result.summary.startswith("no gap over 0.05 is distinguishable from 0; largest:")


def test_a_gap_without_any_interval_warns_and_says_why() -> None:
    frame = scored_frame(informative_b=False)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    no_boot = Policy(stats=StatsPolicy(bootstrap_resamples=0))
    result = PerformanceGroupGapCheck().run(ctx, no_boot)
    assert result.status is Status.WARN
    finding = next(f for f in result.findings if f.subject == "group")
    assert "no interval could be computed" in finding.message
    assert "includes 0" not in finding.message and "n/a" not in finding.message


def test_a_model_barely_better_than_chance_warns_below_the_default_floor() -> None:
    rng = np.random.default_rng(11)
    n = 4000
    y = rng.integers(0, 2, n)
    score = np.clip(0.5 + 0.04 * (y - 0.5) + rng.normal(0, 0.25, n), 0, 1)  # AUC ~ 0.55
    frame = pd.DataFrame(
        {"group": rng.choice(["a", "b"], n), "y": y, "score": score,
         "decision": (score >= 0.5).astype(int)}
    )  # fmt: skip
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    result = PerformanceOverallCheck().run(ctx, FAST)
    assert result.status is Status.WARN
    warned = {f.subject for f in result.findings if f.status is Status.WARN}
    assert "roc_auc floor" in warned and "balanced_accuracy floor" in warned
    assert result.summary.startswith("barely better than chance")
    off = replace(
        FAST,
        performance=PerformancePolicy(roc_auc_floor=None, balanced_accuracy_floor=None),
    )
    assert PerformanceOverallCheck().run(ctx, off).status is Status.PASS
    # A useful model (AUC ~ 0.83) passes the same default floors.
    good = predictions_context(
        scored_frame(), sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    assert PerformanceOverallCheck().run(good, FAST).status is Status.PASS


def test_tied_groups_are_still_two_different_groups() -> None:
    frame = scored_frame(300)
    frame["decision"] = frame["y"]  # a perfect model: every group scores 1.0
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    gaps = json_roundtrip(PerformanceGroupGapCheck().run(ctx, FAST))["metrics"]["gaps"]
    balanced = next(g for g in gaps if g["metric"] == "balanced_accuracy")
    assert balanced["gap"] == 0.0 and balanced["best_group"] != balanced["worst_group"]
