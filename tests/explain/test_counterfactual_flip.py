"""explain.counterfactual_flip: does changing only the sensitive attribute change decisions?"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from context_builders import model_context
from sklearn.linear_model import LogisticRegression

from trustscan.checks.explain import CounterfactualFlipCheck
from trustscan.context import AuditContext
from trustscan.policy import ExplainPolicy, Policy
from trustscan.types import Status

from .conftest import NUMERIC, applicants


def test_a_model_that_takes_gender_as_an_input_fails(gender_input_ctx: AuditContext) -> None:
    ctx = gender_input_ctx
    result = CounterfactualFlipCheck().run(ctx, Policy())
    assert result.status is Status.FAIL
    detail = result.metrics["attributes"]["gender"]
    assert detail["input"] is True and detail["encoded_as"] == ["gender"]

    # Known answer: re-predict every row with the other gender by hand.
    assert ctx.model is not None
    flipped = ctx.features.assign(
        gender=np.where(ctx.features["gender"] == "male", "female", "male")
    )
    expected = float(np.mean(ctx.model.predict(flipped) != ctx.predictions))
    assert detail["flip_rate"] == round(expected, 4)
    assert expected > 0.05
    finding = result.findings[0]
    assert finding.status is Status.FAIL and finding.subject == "gender"
    assert finding.evidence[0].threshold == 0.01
    assert finding.evidence[0].ci_low < expected < finding.evidence[0].ci_high
    # Men's scores fall when they are recorded as women (the labels favoured men).
    male = next(g for g in detail["groups"] if g["group"] == "male")
    assert male["to"]["female"]["mean_score_shift"] < 0
    json.dumps(dict(result.metrics))


def test_a_one_hot_encoding_of_gender_counts_as_using_it() -> None:
    data = applicants(gender_effect=2.0, seed=4)
    data["is_male"] = (data["gender"] == "male").astype(int)
    features = ["is_male", *NUMERIC]
    model = LogisticRegression(max_iter=1000).fit(data[features], data["hired"])
    ctx = model_context(data, model, features=features, sensitive=["gender"], target="hired")
    result = CounterfactualFlipCheck().run(ctx, Policy())
    assert result.status is Status.FAIL
    assert result.metrics["attributes"]["gender"]["encoded_as"] == ["is_male"]
    assert "as is_male" in result.findings[0].message


def test_a_fair_model_without_the_sensitive_input_passes(fair_ctx: AuditContext) -> None:
    result = CounterfactualFlipCheck().run(fair_ctx, Policy())
    assert result.status is Status.PASS
    assert "does not use gender as an input" in result.summary
    assert result.metrics["attributes"]["gender"]["input"] is False


def test_a_generous_limit_turns_the_failure_into_a_pass(gender_input_ctx: AuditContext) -> None:
    policy = Policy(explain=ExplainPolicy(flip_rate_max=0.9))
    result = CounterfactualFlipCheck().run(gender_input_ctx, policy)
    assert result.status is Status.PASS
    assert "takes gender directly" in result.findings[0].message


def test_numeric_sensitive_inputs_are_set_to_each_quartile_median() -> None:
    rng = np.random.default_rng(5)
    n = 800
    data = pd.DataFrame({"age": rng.integers(18, 80, n), "score": rng.normal(size=n)})
    data["y"] = (data["score"] + 0.1 * (data["age"] - 50) > 0).astype(int)
    model = LogisticRegression().fit(data[["age", "score"]], data["y"])
    ctx = model_context(data, model, features=["age", "score"], sensitive=["age"], target="y")
    result = CounterfactualFlipCheck().run(ctx, Policy())
    assert result.status is Status.FAIL
    assert len(result.metrics["attributes"]["age"]["groups"]) == 4


def test_no_sensitive_attribute_skips() -> None:
    data = applicants(n=200)
    model = LogisticRegression().fit(data[NUMERIC], data["hired"])
    ctx = model_context(data, model, features=NUMERIC, sensitive=[], target="hired")
    result = CounterfactualFlipCheck().run(ctx, Policy())
    assert result.status is Status.SKIP and "--sensitive" in result.summary
