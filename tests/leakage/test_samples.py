"""The bundled samples: the planted harms are found, the fair control stays clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from sklearn.linear_model import LogisticRegression

from trustscan.checks.leakage.output_inference import OutputInferenceCheck
from trustscan.checks.leakage.proxies import ProxyFeaturesCheck
from trustscan.checks.leakage.target import SensitiveTargetCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import Status

SampleCase = Callable[[str], tuple[Any, pd.DataFrame, Any]]
MakeContext = Callable[..., AuditContext]


def _context(sample_case: SampleCase, make: MakeContext, name: str) -> AuditContext:
    case, data, model = sample_case(name)
    return make(
        data,
        model,
        features=list(case.features),
        sensitive=list(case.sensitive),
        target=case.target,
    )


def test_retail_score_identifies_pregnant_customers(
    sample_case: SampleCase, make_model_context: MakeContext, fast_policy: Policy
) -> None:
    ctx = _context(sample_case, make_model_context, "retail")
    result = OutputInferenceCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    finding = next(f for f in result.findings if f.subject == "pregnant")
    assert finding.status is Status.FAIL
    assert "identifies pregnant people" in finding.message
    assert "acting on this score means acting on pregnancy" in finding.message
    assert finding.evidence[0].ci_low is not None and finding.evidence[0].ci_low >= 0.75


def test_recruiting_proxy_finding_names_the_womens_club_and_college(
    sample_case: SampleCase, make_model_context: MakeContext, fast_policy: Policy
) -> None:
    ctx = _context(sample_case, make_model_context, "recruiting")
    result = ProxyFeaturesCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    used = {(r["attribute"], r["feature"]) for r in result.metrics["features"] if r["used_proxy"]}
    assert used == {("gender", "womens_club"), ("gender", "womens_college")}
    assert "womens_club" in result.summary and "womens_college" in result.summary
    failing = [f for f in result.findings if f.status is Status.FAIL]
    assert any(f.subject == "womens_club" for f in failing)


def test_fair_lending_control_has_no_leakage_fail(
    sample_case: SampleCase, make_model_context: MakeContext, fast_policy: Policy
) -> None:
    ctx = _context(sample_case, make_model_context, "fair_lending")
    for check in (SensitiveTargetCheck(), OutputInferenceCheck(), ProxyFeaturesCheck()):
        result = check.run(ctx, fast_policy)
        assert result.status is Status.PASS, (check.id, result.summary)


def test_a_model_trained_to_predict_pregnancy_fails_sensitive_target(
    sample_case: SampleCase, make_model_context: MakeContext, fast_policy: Policy
) -> None:
    case, data, _ = sample_case("retail")
    features = list(case.features)
    model = LogisticRegression(max_iter=500).fit(data[features], data["pregnant"])
    ctx = make_model_context(data, model, features=features, sensitive=["age"], target="pregnant")
    result = SensitiveTargetCheck().run(ctx, fast_policy)
    assert result.status is Status.FAIL
    assert result.findings[0].subject == "pregnant"
