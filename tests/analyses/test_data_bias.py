"""fairness.data_bias: the label gap (known answer on the recruiting sample), Clarify's label
metrics against scipy, amplification on planted models, and the fair control."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_ratio
from scipy import stats as sps
from scipy.spatial import distance

from tests.fairness.conftest import make_context
from trustscan import stats
from trustscan.checks.analyses.data_bias import DataBiasCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.stats.label_bias import amplification, label_distances
from trustscan.types import CheckResult, Severity, Status


def _rows(result: CheckResult, feature: str) -> dict[str, dict[str, Any]]:
    return {r["group"]: r for r in result.metrics["groups"] if r["feature"] == feature}


def test_recruiting_labels_show_the_historical_hiring_gap(recruiting: AuditContext) -> None:
    result = DataBiasCheck().run(recruiting, Policy())
    # The gap is in the data: a high-severity warning; the recruiting model narrows it.
    assert result.status is Status.WARN
    hired = pd.Series(recruiting.y_true).groupby(recruiting.sensitive["gender"].to_numpy()).mean()
    female = _rows(result, "gender")["female"]
    assert female["label_rate"] == pytest.approx(hired["female"], abs=1e-12)
    assert female["label_ratio"] == pytest.approx(hired["female"] / hired["male"], rel=1e-12)
    assert female["label_ratio"] == pytest.approx(0.411, abs=0.001)
    # fairlearn computes the same ratio when the labels stand in for the decisions.
    y = recruiting.y_true
    gender = recruiting.sensitive["gender"]
    assert female["label_ratio"] == pytest.approx(
        demographic_parity_ratio(y, y, sensitive_features=gender), rel=1e-12
    )
    assert female["label_status"] == "fail"
    assert female["amplification"] < 0 and female["amplification_status"] == "pass"
    gap = next(f for f in result.findings if f.title == "Label gap: gender = female")
    assert gap.status is Status.WARN and gap.severity is Severity.HIGH
    assert result.summary.startswith("1 significant gap(s) below 0.80 already in the labels")
    # Race has no planted label gap.
    assert all(r["label_status"] in ("pass", "reference") for r in _rows(result, "race").values())


def test_clarify_label_metrics_match_scipy(recruiting: AuditContext) -> None:
    result = DataBiasCheck().run(recruiting, Policy())
    labels = recruiting.y_true_favourable.astype(int)  # type: ignore[union-attr]
    female = recruiting.sensitive["gender"].to_numpy() == "female"
    row = _rows(result, "gender")["female"]
    rest, group = labels[~female], labels[female]
    p_rest = np.array([1 - rest.mean(), rest.mean()])
    p_group = np.array([1 - group.mean(), group.mean()])
    assert row["class_imbalance"] == pytest.approx(
        (rest.size - group.size) / (rest.size + group.size)
    )
    assert row["positive_proportion_difference"] == pytest.approx(rest.mean() - group.mean())
    assert row["kl_divergence"] == pytest.approx(sps.entropy(p_rest, p_group), rel=1e-10)
    assert row["js_divergence"] == pytest.approx(
        distance.jensenshannon(p_rest, p_group) ** 2, rel=1e-10
    )
    assert row["lp_norm"] == pytest.approx(np.linalg.norm(p_rest - p_group), rel=1e-10)
    assert row["total_variation"] == pytest.approx(0.5 * np.abs(p_rest - p_group).sum())
    assert row["ks_distance"] == pytest.approx(sps.ks_2samp(rest, group).statistic, rel=1e-10)


def test_kl_divergence_is_infinite_when_a_group_never_has_the_label() -> None:
    d = label_distances(np.array([0, 50]), np.array([100, 100]))
    assert np.isinf(d.kl_divergence[0]) and np.isfinite(d.js_divergence[0])
    assert d.js_divergence[0] <= np.log(2)


def test_amplification_variance_matches_the_row_level_variance() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 2, 5000)
    y = rng.random(5000) < np.where(codes == 0, 0.5, 0.3)
    d = rng.random(5000) < np.where(codes == 0, 0.55, 0.2)
    grouping = stats.from_codes("g", codes, ["a", "b"])
    counts = stats.group_counts(grouping, d, y)
    amp = amplification(counts, 0, confidence=0.95)
    diff = d.astype(float) - y.astype(float)  # selection minus label, per row
    expected = diff[codes == 0].mean() - diff[codes == 1].mean()
    se = np.sqrt(sum(np.var(diff[codes == k]) / (codes == k).sum() for k in (0, 1)))
    assert amp.change[1] == pytest.approx(expected)
    assert amp.high[1] - amp.change[1] == pytest.approx(1.959964 * se, rel=1e-5)
    assert np.isnan(amp.change[0])


def _planted(model_gap: float, *, seed: int = 0, n: int = 4000) -> AuditContext:
    """Labels with a 10-point gap (ratio 0.8+), decisions copying them, with the group's
    selections lowered by ``model_gap`` more."""
    rng = np.random.default_rng(seed)
    group = np.repeat(["a", "b"], n // 2)
    y = rng.random(n) < np.where(group == "a", 0.5, 0.45)
    flip = (group == "b") & y & (rng.random(n) < model_gap / 0.45)
    decisions = y & ~flip
    return make_context(
        sensitive={"gender": group}, predictions=decisions.astype(int), y_true=y.astype(int)
    )


def test_a_model_that_widens_the_label_gap_fails() -> None:
    result = DataBiasCheck().run(_planted(0.15), Policy())
    assert result.status is Status.FAIL
    row = _rows(result, "gender")["b"]
    assert row["label_status"] == "pass"
    assert row["amplification"] == pytest.approx(0.15, abs=0.03)
    assert row["amplification_status"] == "fail"
    assert any(f.title.startswith("Model amplifies") for f in result.findings)


def test_a_model_that_copies_its_labels_does_not_amplify() -> None:
    result = DataBiasCheck().run(_planted(0.0), Policy())
    assert result.status is Status.PASS
    assert _rows(result, "gender")["b"]["amplification"] == pytest.approx(0.0)


def test_small_groups_are_insufficient_evidence_not_a_pass() -> None:
    ctx = make_context(
        sensitive={"gender": ["a"] * 20 + ["b"] * 20},
        predictions=[1] * 10 + [0] * 10 + [1] * 2 + [0] * 18,
        y_true=[1] * 10 + [0] * 10 + [1] * 2 + [0] * 18,
    )
    result = DataBiasCheck().run(ctx, Policy())
    assert result.status is Status.WARN
    assert result.scoring.insufficient_evidence is True
    assert "Insufficient evidence" in result.summary


def test_fair_control_passes(fair_lending: AuditContext) -> None:
    result = DataBiasCheck().run(fair_lending, Policy())
    assert result.status is Status.PASS
    assert not [f for f in result.findings if f.status in (Status.WARN, Status.FAIL)]


def test_skips_without_target_or_for_regression() -> None:
    ctx = make_context(sensitive={"g": ["a", "b"] * 50}, predictions=[0, 1] * 50)
    assert DataBiasCheck().run(ctx, Policy()).status is Status.SKIP
