"""explain.feature_importance: permutation importance under the user's column names,
cross-checked against scikit-learn."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression

from tests.context_builders import model_context
from trustscan.checks.explain._common import importance_over_budget, native_importance
from trustscan.checks.explain.group_importance import GroupImportanceCheck
from trustscan.checks.explain.importance import FeatureImportanceCheck
from trustscan.context import AuditContext
from trustscan.errors import InputError
from trustscan.policy import ExplainPolicy, Policy
from trustscan.types import Status

from .conftest import NUMERIC, applicants


def _table(result_metrics: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["feature"]: row for row in result_metrics["importance"]}


def test_names_are_the_users_columns_through_a_column_transformer(
    gender_input_ctx: AuditContext,
) -> None:
    result = FeatureImportanceCheck().run(gender_input_ctx, Policy())
    assert result.status is Status.PASS
    table = _table(dict(result.metrics))
    # One row per raw input column, never an encoded name such as "cat__city_north".
    assert set(table) == set(gender_input_ctx.feature_names)
    assert all(row["native"] is not None for row in table.values())
    assert {f.subject for f in result.findings} <= set(gender_input_ctx.feature_names)
    assert result.metrics["sample_size"] == gender_input_ctx.n_rows
    json.dumps(dict(result.metrics))


def test_matches_sklearn_permutation_importance_on_the_same_rows(
    gender_input_ctx: AuditContext,
) -> None:
    ctx = gender_input_ctx
    assert ctx.model is not None
    result = FeatureImportanceCheck().run(ctx, Policy())
    metrics = dict(result.metrics)
    # The data is smaller than the sample size, so the sample is every row in order.
    reference = permutation_importance(
        ctx.model.estimator,
        ctx.features,
        ctx.y_true,
        scoring="roc_auc",
        n_repeats=metrics["repeats"],
        random_state=metrics["random_state"],
    )
    table = _table(metrics)
    for j, feature in enumerate(ctx.feature_names):
        assert table[feature]["mean"] == pytest.approx(reference.importances_mean[j], abs=1e-4)
        assert table[feature]["std"] == pytest.approx(reference.importances_std[j], abs=1e-4)
    assert metrics["scoring"] == "roc_auc"


def test_regression_matches_sklearn_r2_importance() -> None:
    data = applicants(n=800, seed=3)
    data["salary"] = (
        2.0 * data["experience"]
        + 0.5 * data["score"]
        + np.random.default_rng(0).normal(size=len(data))
    )
    model = LinearRegression().fit(data[NUMERIC], data["salary"])
    ctx = model_context(data, model, features=NUMERIC, sensitive=["gender"], target="salary")
    result = FeatureImportanceCheck().run(ctx, Policy())
    metrics = dict(result.metrics)
    reference = permutation_importance(
        model, data[NUMERIC], data["salary"], n_repeats=5, random_state=metrics["random_state"]
    )
    table = _table(metrics)
    assert metrics["scoring"] == "r2"
    for j, feature in enumerate(NUMERIC):
        assert table[feature]["mean"] == pytest.approx(reference.importances_mean[j], abs=1e-4)
    # Native importance of a bare estimator is |coefficient| under the fitted column names.
    assert table["experience"]["native"] == pytest.approx(abs(model.coef_[0]), abs=1e-4)


def test_the_most_important_feature_is_the_one_the_labels_depend_on(
    recruiting_ctx: AuditContext,
) -> None:
    result = FeatureImportanceCheck().run(recruiting_ctx, Policy())
    top = result.metrics["importance"][0]
    assert top["feature"] in {"skills_test", "interview_score"}
    assert top["ci_low"] > 0
    assert top["ci_low"] <= top["mean"] <= top["ci_high"]
    assert "4,000 sampled rows" in (result.findings[0].evidence[0].method or "")


def test_sample_is_capped_and_results_are_deterministic(recruiting_ctx: AuditContext) -> None:
    policy = Policy(explain=ExplainPolicy(sample_size=500, repeats=3))
    first = FeatureImportanceCheck().run(recruiting_ctx, policy)
    second = FeatureImportanceCheck().run(recruiting_ctx, policy)
    assert first.metrics["sample_size"] == 500
    assert first.metrics == second.metrics


def test_native_importance_of_a_forest_is_summed_back_onto_raw_columns() -> None:
    from .conftest import pipeline

    data = applicants(n=400)
    model = pipeline(["city"])
    model.steps[-1] = ("classify", RandomForestClassifier(n_estimators=10, random_state=0))
    model.fit(data[["city", *NUMERIC]], data["hired"])
    mapped = native_importance(model, ["city", *NUMERIC])
    assert mapped is not None
    totals, how = mapped
    assert set(totals) == {"city", *NUMERIC}
    assert sum(totals.values()) == pytest.approx(1.0)
    assert "summed" in how


def test_predictions_only_mode_skips_with_a_reason() -> None:
    from trustscan.checks.explain.counterfactual import CounterfactualFlipCheck
    from trustscan.checks.explain.drivers import DisparityDriversCheck
    from trustscan.checks.explain.group_importance import GroupImportanceCheck

    from .helpers import predictions_context

    data = applicants(n=200)
    data["decision"] = (data["score"] > 50).astype(int)
    ctx = predictions_context(data, features=NUMERIC, sensitive=["gender"], decisions="decision")
    for check in (
        FeatureImportanceCheck,
        GroupImportanceCheck,
        CounterfactualFlipCheck,
        DisparityDriversCheck,
    ):
        result = check().run(ctx, Policy())
        assert result.status is Status.SKIP
        assert "predictions-only" in result.summary and "--model" in result.summary


def test_a_target_with_missing_values_is_refused_before_any_check_runs() -> None:
    from .conftest import pipeline

    data = applicants(n=500)
    model = pipeline(["city"]).fit(data[["city", *NUMERIC]], data["hired"])
    data["hired"] = data["hired"].astype(float)
    data.loc[:49, "hired"] = np.nan
    with pytest.raises(InputError, match="50 empty value"):
        model_context(
            data, model, features=["city", *NUMERIC], sensitive=["gender"], target="hired"
        )


def test_a_model_too_wide_for_the_prediction_budget_is_skipped_with_the_way_to_run_it() -> None:
    """mosaicData's HELPfull (788 inputs) ran permutation importance for minutes at 3.7 GB;
    over four times explain.max_predictions the importance checks say so and skip."""
    rng = np.random.default_rng(11)
    wide = pd.DataFrame(rng.normal(size=(300, 210)), columns=[f"x{i}" for i in range(210)])
    wide["sex"] = rng.choice(["f", "m"], 300)
    wide["y"] = (wide["x0"] > 0).astype(int)
    inputs = [f"x{i}" for i in range(210)]
    model = LogisticRegression(max_iter=500).fit(wide[inputs], wide["y"])
    ctx = model_context(wide, model, features=inputs, sensitive=["sex"], target="y")
    for check in (FeatureImportanceCheck(), GroupImportanceCheck()):
        result = check.run(ctx, Policy())
        assert result.status is Status.SKIP
        assert "set explain.max_predictions to at least 262,500" in result.summary
    assert importance_over_budget(Policy(), 200) is None  # at the limit: still runs
    generous = Policy(explain=ExplainPolicy(max_predictions=262_500))
    assert importance_over_budget(generous, 210) is None
