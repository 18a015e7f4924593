"""The explain checks on multiclass and regression models: no crash, sensible statuses."""

from __future__ import annotations

import json

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression

from tests.context_builders import model_context
from trustscan.checks.explain.counterfactual import CounterfactualFlipCheck
from trustscan.checks.explain.drivers import DisparityDriversCheck
from trustscan.checks.explain.group_importance import GroupImportanceCheck
from trustscan.checks.explain.importance import FeatureImportanceCheck
from trustscan.policy import Policy
from trustscan.types import Status

from .conftest import applicants


def test_multiclass_model_with_gender_input() -> None:
    data = applicants(n=600, seed=6)
    data["is_male"] = (data["gender"] == "male").astype(int)
    data["band"] = np.digitize(data["score"] + 8 * data["is_male"], [48, 56])
    features = ["is_male", "experience", "score"]
    model = LogisticRegression(max_iter=1000).fit(data[features], data["band"])
    ctx = model_context(data, model, features=features, sensitive=["gender"], target="band")
    assert ctx.task == "multiclass"
    statuses = {
        c.id: c().run(ctx, Policy())
        for c in (
            FeatureImportanceCheck,
            GroupImportanceCheck,
            CounterfactualFlipCheck,
            DisparityDriversCheck,
        )
    }
    assert statuses["explain.feature_importance"].metrics["scoring"] == "accuracy"
    assert statuses["explain.group_importance"].metrics["partial_dependence"] == []
    assert statuses["explain.counterfactual_flip"].status is Status.FAIL
    assert statuses["explain.disparity_drivers"].status is Status.SKIP
    for result in statuses.values():
        json.dumps(dict(result.metrics))


def test_regression_model_that_uses_gender_fails_the_flip_check() -> None:
    data = applicants(n=500, seed=7)
    data["is_male"] = (data["gender"] == "male").astype(int)
    data["salary"] = 3 * data["experience"] + 10 * data["is_male"]
    features = ["is_male", "experience"]
    model = LinearRegression().fit(data[features], data["salary"])
    ctx = model_context(data, model, features=features, sensitive=["gender"], target="salary")
    flip = CounterfactualFlipCheck().run(ctx, Policy())
    assert flip.status is Status.FAIL
    group = GroupImportanceCheck().run(ctx, Policy())
    assert group.status in (Status.PASS, Status.WARN)
    assert group.metrics["partial_dependence"][0]["response"] == "prediction"
