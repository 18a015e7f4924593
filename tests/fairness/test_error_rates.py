"""``fairness.error_rates``: equal opportunity / equalized odds, and regression errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trustscan.checks.fairness import FairnessErrorRatesCheck
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
