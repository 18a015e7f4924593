"""explain.group_importance: per-group permutation importance and partial dependence."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.inspection import partial_dependence, permutation_importance

from tests.context_builders import model_context
from trustscan.checks.explain.group_importance import GroupImportanceCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import Status

from .conftest import NUMERIC, applicants, pipeline


def test_recruiting_proxy_matters_only_for_women(recruiting_ctx: AuditContext) -> None:
    result = GroupImportanceCheck().run(recruiting_ctx, Policy())
    assert result.status is Status.WARN
    gender = result.metrics["group_importance"]["gender"]
    assert "womens_club" in gender["flagged"]
    club = next(f for f in result.findings if f.subject == "womens_club")
    assert "gender = female" in club.message
    rows = {row["feature"]: row["groups"] for row in gender["features"]}
    assert rows["womens_club"]["female"]["ci_low"] > rows["womens_club"]["male"]["ci_high"]
    json.dumps(dict(result.metrics))


def test_fair_model_reasons_alike_about_groups(fair_ctx: AuditContext) -> None:
    result = GroupImportanceCheck().run(fair_ctx, Policy())
    assert result.status is Status.PASS
    assert result.findings == ()


@pytest.fixture(scope="module")
def small_ctx() -> AuditContext:
    # Under 250 rows per group: the partial-dependence rows are the whole group.
    data = applicants(n=400, seed=2)
    features = ["city", *NUMERIC]
    model = pipeline(["city"]).fit(data[features], data["hired"])
    return model_context(data, model, features=features, sensitive=["gender"], target="hired")


def test_group_importance_matches_sklearn_within_each_group(small_ctx: AuditContext) -> None:
    ctx = small_ctx
    assert ctx.model is not None
    result = GroupImportanceCheck().run(ctx, Policy())
    gender = result.metrics["group_importance"]["gender"]
    rows = {row["feature"]: row["groups"] for row in gender["features"]}
    for label in ("female", "male"):
        mine = np.flatnonzero(ctx.sensitive["gender"].to_numpy() == label)
        reference = permutation_importance(
            ctx.model.estimator,
            ctx.features.iloc[mine],
            ctx.predictions[mine],  # reliance: scored against the model's own decisions
            scoring="accuracy",
            n_repeats=result.metrics["repeats"],
            random_state=gender["random_state"],
        )
        for j, feature in enumerate(ctx.feature_names):
            assert rows[feature][label]["mean"] == pytest.approx(
                reference.importances_mean[j], abs=1e-4
            )
            assert rows[feature][label]["n"] == mine.size


def test_partial_dependence_matches_sklearn_per_group(small_ctx: AuditContext) -> None:
    ctx = small_ctx
    assert ctx.model is not None
    result = GroupImportanceCheck().run(ctx, Policy())
    curves = result.metrics["partial_dependence"]
    assert curves, "expected curves for the top features"
    top = result.metrics["group_importance"]["gender"]["top_features"]
    assert all(len(features) == 3 for features in top.values())
    numeric = next(c for c in curves if c["feature"] == "score")
    assert numeric["kind"] == "numeric" and len(numeric["grid"]) == 20
    for label, values in numeric["groups"].items():
        assert len(values) == len(numeric["grid"])
        mine = np.flatnonzero(ctx.sensitive["gender"].to_numpy() == label)
        reference = partial_dependence(
            ctx.model.estimator,
            ctx.features.iloc[mine],
            ["score"],
            custom_values={"score": np.asarray(numeric["grid"])},
            kind="average",
        )
        np.testing.assert_allclose(values, reference["average"][0], atol=1e-3)
    city = next((c for c in curves if c["feature"] == "city"), None)
    if city is not None:
        assert city["kind"] == "categorical" and set(city["grid"]) == {"east", "north", "south"}
