"""The three leakage checks on synthetic data with a known answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from trustscan.checks import ALL_CHECKS
from trustscan.checks.leakage.output_inference import OutputInferenceCheck
from trustscan.checks.leakage.proxies import ProxyFeaturesCheck
from trustscan.checks.leakage.target import SensitiveTargetCheck
from trustscan.context import AuditContext
from trustscan.policy import Justification, Policy
from trustscan.types import Dimension, Status

MakeContext = Callable[..., AuditContext]


def _shopping(n: int = 4000, *, planted: bool, seed: int = 0) -> pd.DataFrame:
    """Customers; when ``planted`` the ``lotion`` purchases (a model input) track pregnancy."""
    rng = np.random.default_rng(seed)
    pregnant = (rng.random(n) < 0.2).astype(int)
    lotion = rng.normal(size=n) + (3.0 * pregnant if planted else 0.0)
    spend = rng.normal(size=n)
    responded = (spend + lotion + rng.normal(size=n) > 0.5).astype(int)
    race = rng.choice(["a", "b", "c", "d"], size=n)
    return pd.DataFrame(
        {
            "pregnant": pregnant,
            "race": race,
            "spend": spend,
            "lotion": lotion,
            "responded": responded,
        }
    )


def _fit(data: pd.DataFrame, features: list[str], target: str) -> LogisticRegression:
    return LogisticRegression().fit(data[features], data[target])


def test_checks_are_registered_under_ethics() -> None:
    ids = {c.id: c for c in ALL_CHECKS}
    for check in (SensitiveTargetCheck, OutputInferenceCheck, ProxyFeaturesCheck):
        assert ids[check.id] is check and check.dimension is Dimension.ETHICS


# ----------------------------------------------------------------------------- output inference


def test_score_that_reveals_a_planted_attribute_fails(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["pregnant"], target="responded"
    )
    result = OutputInferenceCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    finding = result.findings[0]
    assert finding.message.startswith("The model's score identifies pregnant people (pregnant = 1)")
    assert finding.message.endswith("acting on this score means acting on pregnancy.")
    auc = finding.evidence[0]
    expected = roc_auc_score(data["pregnant"], ctx.scores)
    assert auc.estimate == pytest.approx(expected, abs=1e-9)
    assert auc.ci_low is not None and auc.ci_high is not None
    assert 0.75 <= auc.ci_low < auc.estimate < auc.ci_high  # type: ignore[operator]
    assert auc.n == len(data) and "200 bootstrap resamples" in (auc.method or "")
    row = result.metrics["attributes"][0]
    assert row["attribute"] == "pregnant" and row["status"] == "fail"
    assert {g["group"] for g in result.metrics["groups"]} == {"0", "1"}


def test_fair_score_passes(make_model_context: MakeContext, fast_policy: Policy) -> None:
    data = _shopping(planted=False)
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data,
        model,
        features=["spend", "lotion"],
        sensitive=["pregnant", "race"],
        target="responded",
    )
    result = OutputInferenceCheck().run(ctx, fast_policy)
    assert result.status is Status.PASS
    assert all(f.status is Status.PASS for f in result.findings)
    assert all(row["auc"] < 0.6 for row in result.metrics["attributes"])


def test_multi_valued_attribute_uses_one_vs_rest_macro(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=False)
    data["spend"] += 4.0 * (data["race"] == "c")
    data["responded"] = (data["spend"] + data["lotion"] > 1).astype(int)
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["race"], target="responded"
    )
    result = OutputInferenceCheck().run(ctx, fast_policy)
    groups = {g["group"]: g for g in result.metrics["groups"]}
    per_class = [roc_auc_score(data["race"] == g, ctx.scores) for g in "abcd"]
    oriented = [max(a, 1 - a) for a in per_class]
    assert groups["c"]["auc"] == pytest.approx(oriented[2], abs=1e-4)
    assert result.metrics["attributes"][0]["auc"] == pytest.approx(np.mean(oriented), abs=1e-4)
    assert "best: c" in result.findings[0].message
    assert result.status is not Status.PASS


def test_predictions_only_decisions_that_reveal_pregnancy_fail(
    make_predictions_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    data["offer"] = (data["lotion"] > 1.5).astype(int)
    ctx = make_predictions_context(
        data, features=["spend", "lotion"], sensitive=["pregnant"], target=None, predictions="offer"
    )
    result = OutputInferenceCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    assert result.metrics["output"] == "decision"
    assert "acting on this decision means acting on pregnancy" in result.findings[0].message


def test_justification_turns_the_fail_into_a_warning_that_quotes_the_basis(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["pregnant"], target="responded"
    )
    basis = "Art. 9(2)(a) explicit consent for the prenatal offers programme"
    policy = dataclasses.replace(fast_policy, justification=(Justification("pregnant", basis),))
    result = OutputInferenceCheck().run(ctx, policy)
    assert result.status is Status.WARN
    assert basis in result.findings[0].message


def test_a_tiny_group_is_insufficient_evidence_not_a_fail(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    keep = (data["pregnant"] == 0) | (data.index < 60)  # about a dozen pregnant customers
    data = data[keep].reset_index(drop=True)
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["pregnant"], target="responded"
    )
    result = OutputInferenceCheck().run(ctx, fast_policy)
    assert result.status is Status.WARN
    assert "Insufficient evidence" in result.findings[0].message


def test_without_sensitive_attributes_the_checks_skip_with_a_hint(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True).drop(columns=["pregnant", "race"])  # nothing to detect
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=[], target="responded"
    )
    assert ctx.sensitive_names == ()
    for check in (OutputInferenceCheck(), ProxyFeaturesCheck()):
        result = check.run(ctx, fast_policy)
        assert result.status is Status.SKIP and "--sensitive COL" in result.summary


# ----------------------------------------------------------------------------- sensitive target


def test_a_target_named_is_pregnant_fails(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True).rename(columns={"pregnant": "is_pregnant"})
    model = _fit(data, ["spend", "lotion"], "is_pregnant")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["race"], target="is_pregnant"
    )
    result = SensitiveTargetCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    assert result.findings[0].subject == "is_pregnant"
    assert "pregnancy" in result.findings[0].message
    assert '[[justification]] column = "is_pregnant"' in (result.findings[0].remediation or "")


def test_a_justified_sensitive_target_warns_and_quotes_the_basis(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True).rename(columns={"pregnant": "is_pregnant"})
    model = _fit(data, ["spend", "lotion"], "is_pregnant")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["race"], target="is_pregnant"
    )
    basis = "Art. 9(2)(h): antenatal screening under a health professional's responsibility"
    policy = dataclasses.replace(fast_policy, justification=(Justification("is_pregnant", basis),))
    result = SensitiveTargetCheck().run(ctx, policy)
    assert result.status is Status.WARN
    assert f"\u201c{basis}\u201d" in result.findings[0].message


def test_an_ordinary_target_passes(make_model_context: MakeContext, fast_policy: Policy) -> None:
    data = _shopping(planted=True)
    model = _fit(data, ["spend", "lotion"], "responded")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["pregnant"], target="responded"
    )
    result = SensitiveTargetCheck().run(ctx, fast_policy)
    assert result.status is Status.PASS and result.findings == ()
    assert result.metrics["columns"][0]["column"] == "responded"


def test_a_sensitive_score_column_fails_in_predictions_only_mode(
    make_predictions_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    data["pregnancy_score"] = 1 / (1 + np.exp(-data["lotion"]))
    ctx = make_predictions_context(
        data, features=["spend"], sensitive=["race"], target=None, scores="pregnancy_score"
    )
    result = SensitiveTargetCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL and result.findings[0].subject == "pregnancy_score"


# ------------------------------------------------------------------------------ proxy features


def _hiring(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    female = rng.random(n) < 0.5
    skill = rng.normal(size=n)
    club = (female & (rng.random(n) < 0.6)).astype(int)  # only women list this club
    college = (female & (rng.random(n) < 0.6)).astype(int)
    hired = (skill - 1.5 * club + 0.5 * rng.normal(size=n) > 0).astype(int)
    return pd.DataFrame(
        {
            "gender": np.where(female, "female", "male"),
            "skill": skill,
            "club": club,
            "college": college,
            "hired": hired,
        }
    )


def _uses(columns: list[str]) -> Pipeline:
    """A model that takes all inputs but only looks at ``columns``."""
    return Pipeline(
        [
            ("select", ColumnTransformer([("keep", "passthrough", columns)], remainder="drop")),
            ("classify", LogisticRegression()),
        ]
    )


FEATURES = ["skill", "club", "college"]


def test_a_used_proxy_fails_and_an_unused_one_is_reported_not_failed(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _hiring()
    model = _uses(["skill", "club"]).fit(data[FEATURES], data["hired"])
    ctx = make_model_context(data, model, features=FEATURES, sensitive=["gender"], target="hired")
    result = ProxyFeaturesCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    rows = {r["feature"]: r for r in result.metrics["features"]}
    assert rows["club"]["used_proxy"] and rows["club"]["influence"] > 0.05
    assert rows["college"]["associated"] and not rows["college"]["used_proxy"]
    assert rows["college"]["influence"] == 0
    assert not rows["skill"]["associated"]
    by_subject = {f.subject: f for f in result.findings}
    assert by_subject["club"].status is Status.FAIL
    assert "stands in for gender" in by_subject["club"].message
    assert (
        "of the" in by_subject["club"].message
        and "are gender = female" in by_subject["club"].message
    )
    assert by_subject["college"].status is Status.PASS
    assert "reported, not failed" in by_subject["college"].message
    # the feature's own AUC, cross-checked with scikit-learn on the whole data
    expected = roc_auc_score(data["gender"] == "female", data["club"])
    assert rows["club"]["auc"] == pytest.approx(expected, abs=0.03)


def test_a_proxy_the_model_ignores_never_fails(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _hiring()
    data["hired"] = (data["skill"] > 0).astype(int)
    model = _uses(["skill"]).fit(data[FEATURES], data["hired"])
    ctx = make_model_context(data, model, features=FEATURES, sensitive=["gender"], target="hired")
    result = ProxyFeaturesCheck().run(ctx, fast_policy)
    assert result.status is Status.WARN  # the inputs still encode gender together
    assert not any(r["used_proxy"] for r in result.metrics["features"])
    unused = [f for f in result.findings if f.title == "Unused proxy"]
    assert {f.subject for f in unused} == {"club", "college"}
    assert [f.title for f in result.findings if f.status is Status.WARN] == ["Redundant encoding"]
    assert result.metrics["probes"][0]["auc"] > 0.75


def test_inputs_unrelated_to_the_attribute_pass(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _hiring()
    rng = np.random.default_rng(5)
    data["gender"] = rng.choice(["female", "male"], size=len(data))  # unrelated to every input
    model = _uses(FEATURES).fit(data[FEATURES], data["hired"])
    ctx = make_model_context(data, model, features=FEATURES, sensitive=["gender"], target="hired")
    result = ProxyFeaturesCheck().run(ctx, fast_policy)
    assert result.status is Status.PASS
    assert result.metrics["probes"][0]["auc"] < 0.6


def test_justified_attribute_turns_a_used_proxy_into_a_warning(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _hiring()
    model = _uses(["skill", "club"]).fit(data[FEATURES], data["hired"])
    ctx = make_model_context(data, model, features=FEATURES, sensitive=["gender"], target="hired")
    policy = dataclasses.replace(
        fast_policy, justification=(Justification("gender", "positive action programme, s.158"),)
    )
    result = ProxyFeaturesCheck().run(ctx, policy)
    assert result.status is Status.WARN
    club = next(f for f in result.findings if f.subject == "club")
    assert "positive action programme, s.158" in club.message


def test_predictions_only_proxies_use_a_surrogate_for_influence(
    make_predictions_context: MakeContext, fast_policy: Policy
) -> None:
    data = _hiring()
    data["decision"] = (data["skill"] - 1.5 * data["club"] > 0).astype(int)
    ctx = make_predictions_context(
        data, features=FEATURES, sensitive=["gender"], target=None, predictions="decision"
    )
    result = ProxyFeaturesCheck().run(ctx, fast_policy)
    assert "surrogate" in result.metrics["influence_method"]
    used = [r["feature"] for r in result.metrics["features"] if r["used_proxy"]]
    assert used == ["club"]
    assert result.status is Status.FAIL


def test_multiclass_model_is_judged_on_its_predicted_class(
    make_model_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    data["segment"] = np.select(
        [data["lotion"] > 2, data["spend"] > 0], ["baby", "big"], default="small"
    )
    model = _fit(data, ["spend", "lotion"], "segment")
    ctx = make_model_context(
        data, model, features=["spend", "lotion"], sensitive=["pregnant"], target="segment"
    )
    assert ctx.task == "multiclass"
    result = OutputInferenceCheck().run(ctx, fast_policy)
    assert result.metrics["output"] == "predicted class"
    # best ordering of the three predicted classes by their share of pregnant customers
    share = data.groupby(ctx.predictions)["pregnant"].mean()
    expected = roc_auc_score(data["pregnant"], share.loc[ctx.predictions].to_numpy())
    assert result.metrics["attributes"][0]["auc"] == pytest.approx(expected, abs=1e-4)
    assert result.status is Status.FAIL


def test_attributes_use_the_audit_groupings_binned_or_explained(
    make_predictions_context: MakeContext, fast_policy: Policy
) -> None:
    rng = np.random.default_rng(3)
    n = 2000
    data = pd.DataFrame(
        {
            "age": rng.integers(18, 80, size=n),
            "religion": [f"faith {i % 30}" for i in range(n)],
            "is_pregnant": rng.random(n) < 0.3,
            "spend": rng.normal(size=n),
        }
    )
    data["offer"] = ((data["spend"] > 0) | data["is_pregnant"]).astype(int)
    ctx = make_predictions_context(
        data,
        features=["spend"],
        sensitive=["age", "religion", "is_pregnant"],
        target=None,
        predictions="offer",
    )
    result = OutputInferenceCheck().run(ctx, fast_policy)
    rows = {r["attribute"]: r for r in result.metrics["attributes"]}
    age = ctx.groupings.singles[0]
    assert age.schema.binning[0].method == "quartiles" and rows["age"]["groups"] == 4
    assert rows["age"]["method"].endswith("numeric values grouped into quartiles")
    groups = [g["group"] for g in result.metrics["groups"] if g["attribute"] == "age"]
    assert groups == list(age.labels) and groups[0].startswith("18–") and groups[-1].endswith("–79")
    assert "religion" not in rows  # 30 groups: compared by fairness, too many to probe
    skipped = result.metrics["skipped_attributes"]
    assert skipped == ["'religion' has 30 distinct values, too many to treat as groups"]
    pregnant = next(f for f in result.findings if f.subject == "is_pregnant")
    assert "identifies pregnant people (is_pregnant = True)" in pregnant.message


def test_missing_attribute_values_are_left_out_and_the_auc_matches_sklearn(
    make_predictions_context: MakeContext, fast_policy: Policy
) -> None:
    data = _shopping(planted=True)
    data["score"] = 1 / (1 + np.exp(-data["lotion"]))
    race = data["race"].astype(object)
    race[data.index % 7 == 0] = None  # one row in seven has no recorded race
    data["race"] = race
    ctx = make_predictions_context(
        data, features=["spend", "lotion"], sensitive=["pregnant", "race"], target=None,
        scores="score",
    )  # fmt: skip
    assert ctx.groupings.singles[1].labels[-1] == "unknown"
    result = OutputInferenceCheck().run(ctx, fast_policy)
    rows = {r["attribute"]: r for r in result.metrics["attributes"]}
    known = data["race"].notna()
    assert rows["race"]["n"] == int(known.sum()) and rows["race"]["groups"] == 4
    per_group = {g["group"]: g for g in result.metrics["groups"] if g["attribute"] == "race"}
    assert set(per_group) == {"a", "b", "c", "d"}
    for label, group in per_group.items():
        truth = data.loc[known, "race"] == label
        expected = roc_auc_score(truth, data.loc[known, "score"])
        assert group["auc"] == pytest.approx(max(expected, 1 - expected), abs=1e-4)
    expected = roc_auc_score(data["pregnant"], data["score"])
    assert rows["pregnant"]["auc"] == pytest.approx(expected, abs=1e-4)
    assert rows["pregnant"]["n"] == len(data)


def test_regression_prediction_that_tracks_gender_fails_and_says_how_far_it_moves(
    make_model_context: MakeContext,
) -> None:
    from sklearn.linear_model import LinearRegression

    data = _hiring()
    data["salary"] = (
        data["skill"] - 2.0 * data["club"] + 0.3 * np.random.default_rng(2).normal(size=len(data))
    )
    model = LinearRegression().fit(data[FEATURES], data["salary"])
    ctx = make_model_context(data, model, features=FEATURES, sensitive=["gender"], target="salary")
    assert ctx.task == "regression"
    predictions = ctx.predictions
    policy = Policy()
    inference = OutputInferenceCheck().run(ctx, policy)
    assert inference.metrics["output"] == "prediction"
    expected = roc_auc_score(data["gender"] == "male", predictions)
    assert inference.metrics["attributes"][0]["auc"] == pytest.approx(expected, abs=1e-4)
    proxies = ProxyFeaturesCheck().run(ctx, policy)
    club = next(f for f in proxies.findings if f.subject == "club")
    assert "moves predictions by" in club.message and "standard deviations" in club.message


def test_an_attribute_carried_only_by_a_combination_of_inputs_is_found_by_the_probe(
    make_predictions_context: MakeContext, fast_policy: Policy
) -> None:
    """Interaction proxy: gender is the XOR of two inputs, each unrelated to it alone. No
    single feature is associated; the joint probe recovers it (redundant encoding)."""
    rng = np.random.default_rng(11)
    n = 6000
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    female = (a ^ b).astype(bool) ^ (rng.random(n) < 0.05)
    data = pd.DataFrame(
        {
            "gender": np.where(female, "female", "male"),
            "shift": np.where(a == 1, "night", "day"),
            "site": b + rng.normal(0, 0.2, n),
            "tenure": rng.normal(size=n),
        }
    )
    data["decision"] = (data["tenure"] + rng.normal(size=n) > 0).astype(int)
    features = ["shift", "site", "tenure"]
    ctx = make_predictions_context(
        data, features=features, sensitive=["gender"], target=None, predictions="decision"
    )
    result = ProxyFeaturesCheck().run(ctx, fast_policy)
    assert not any(r["associated"] for r in result.metrics["features"])
    probe = result.metrics["probes"][0]
    assert probe["auc"] > 0.9 and probe["ci_low"] >= fast_policy.leakage.auc_fail
    assert result.status is Status.WARN
    assert [f.title for f in result.findings if f.status is Status.WARN] == ["Redundant encoding"]
