"""``fairness.error_rates``: equal opportunity / equalized odds, and regression errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trustscan.checks.fairness.core import FairnessErrorRatesCheck
from trustscan.policy import Policy
from trustscan.types import Status

from .conftest import MakeContext

CHECK = FairnessErrorRatesCheck()


def _decisions(
    rng: np.random.Generator, y: np.ndarray, tpr: np.ndarray, fpr: np.ndarray
) -> np.ndarray:
    return np.where(y == 1, rng.random(y.size) < tpr, rng.random(y.size) < fpr).astype(int)


def test_planted_true_positive_rate_gap_fails(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(0)
    n = 10000
    gender = np.repeat(["female", "male"], n // 2)
    y = rng.integers(0, 2, n)
    pred = _decisions(rng, y, np.where(gender == "female", 0.4, 0.8), np.full(n, 0.1))
    result = CHECK.run(
        context_from_arrays(sensitive={"gender": gender}, predictions=pred, y_true=y), Policy()
    )
    assert result.status is Status.FAIL
    row = next(r for r in result.metrics["groups"] if r["group"] == "female")
    assert row["true_positive_rate_status"] == "fail"
    assert row["false_positive_rate_status"] in ("pass", "reference")
    female = gender == "female"
    assert row["true_positive_rate"] == pytest.approx(pred[female & (y == 1)].mean(), abs=1e-12)
    message = next(f.message for f in result.findings if f.status is Status.FAIL)
    assert message.startswith("Among people whose true outcome is positive, women are selected")
    json.dumps(result.metrics, allow_nan=False)


def test_equal_error_rates_pass(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(1)
    n = 10000
    gender = rng.choice(["female", "male"], n)
    y = rng.integers(0, 2, n)
    pred = _decisions(rng, y, np.full(n, 0.7), np.full(n, 0.2))
    result = CHECK.run(
        context_from_arrays(sensitive={"gender": gender}, predictions=pred, y_true=y), Policy()
    )
    assert result.status is Status.PASS


def test_skips_without_a_target(context_from_arrays: MakeContext) -> None:
    ctx = context_from_arrays(sensitive={"gender": ["a", "b"]}, predictions=np.array([0, 1]))
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.SKIP
    assert "target" in result.summary


def test_skips_without_a_sensitive_column(context_from_arrays: MakeContext) -> None:
    ctx = context_from_arrays(sensitive={}, predictions=np.array([0, 1]), y_true=np.array([0, 1]))
    assert CHECK.run(ctx, Policy()).status is Status.SKIP


def test_all_zero_predictions_report_rates_without_dividing_by_zero(
    context_from_arrays: MakeContext,
) -> None:
    rng = np.random.default_rng(2)
    gender = np.repeat(["female", "male"], 200)
    y = rng.integers(0, 2, 400)
    with np.errstate(all="raise"):
        result = CHECK.run(
            context_from_arrays(
                sensitive={"gender": gender}, predictions=np.zeros(400, int), y_true=y
            ),
            Policy(),
        )
    assert result.status is Status.PASS
    row = result.metrics["groups"][0]
    assert row["true_positive_rate"] == 0.0 and row["false_negative_rate"] == 1.0
    assert row["precision"] is None  # 0 / 0: reported as undefined
    json.dumps(result.metrics, allow_nan=False)


def test_regression_reports_mae_and_rmse_per_group(context_from_arrays: MakeContext) -> None:
    rng = np.random.default_rng(4)
    n = 4000
    gender = np.repeat(["female", "male"], n // 2)
    y = rng.normal(100, 10, n)
    noise = np.where(gender == "female", 12.0, 3.0)
    pred = y + rng.normal(0, 1, n) * noise
    result = CHECK.run(
        context_from_arrays(
            sensitive={"gender": gender},
            predictions=pred,
            y_true=y,
            task="regression",
            positive_label=None,
        ),
        Policy(),
    )
    assert result.status is Status.FAIL
    from sklearn.metrics import mean_absolute_error, mean_squared_error

    for row in result.metrics["groups"]:
        mask = gender == row["group"]
        assert row["mean_absolute_error"] == pytest.approx(
            mean_absolute_error(y[mask], pred[mask]), rel=1e-12
        )
        assert row["root_mean_squared_error"] == pytest.approx(
            np.sqrt(mean_squared_error(y[mask], pred[mask])), rel=1e-10
        )
    female = next(r for r in result.metrics["groups"] if r["group"] == "female")
    assert female["mean_absolute_error_status"] == "fail"


def _regression_ctx(make: MakeContext, bias: float, seed: int = 6):  # type: ignore[no-untyped-def]
    """y ~ N(0, 1); the model is right on average for men and over-predicts women by ``bias``."""
    rng = np.random.default_rng(seed)
    n = 6000
    gender = np.repeat(["female", "male"], n // 2)
    y = rng.normal(0, 1, n)
    pred = y + rng.normal(0, 0.5, n) + np.where(gender == "female", bias, 0.0)
    ctx = make(
        sensitive={"gender": gender}, predictions=pred, y_true=y, task="regression",
        positive_label=None,
    )  # fmt: skip
    return ctx, gender, y, pred


def test_planted_over_prediction_for_one_group_fails_with_signed_error_and_interval(
    context_from_arrays: MakeContext,
) -> None:
    ctx, gender, y, pred = _regression_ctx(context_from_arrays, bias=0.1)
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.FAIL
    row = next(r for r in result.metrics["groups"] if r["group"] == "female")
    residual = pred - y
    assert row["mean_signed_error"] == pytest.approx(residual[gender == "female"].mean())
    assert row["mean_signed_error_reference"] == "male"
    low, high = row["mean_signed_error_difference_ci"]
    assert low < 0.1 < high and low > 0
    assert row["mean_signed_error_status"] == "fail"
    finding = result.findings[0]
    assert finding.status is Status.FAIL and finding.subject == "gender = female"
    assert finding.message.startswith("Predictions for women are too high by 0.0")
    assert "95% CI" in finding.message and "signed-error gap of +0.09" in finding.message
    evidence = finding.evidence[0]
    assert evidence.metric == "mean_signed_error_difference"
    assert evidence.ci_low is not None and evidence.ci_low > 0 and evidence.p_value < 0.001  # type: ignore[operator]
    assert result.summary.startswith("Signed error: 1 group(s) with a significant")


def test_a_fair_regression_passes_the_signed_error_rule(context_from_arrays: MakeContext) -> None:
    ctx, *_ = _regression_ctx(context_from_arrays, bias=0.0)
    result = CHECK.run(ctx, Policy())
    assert result.status is Status.PASS, result.summary
    row = next(r for r in result.metrics["groups"] if r["group"] == "female")
    assert row["mean_signed_error_status"] in ("pass", "reference")
    assert "mean_signed_error" in result.metrics["compared"]
