"""fairness.mitigation_preview: the recruiting gap closes above 0.8 at a stated accuracy cost,
numbers agree with fairlearn/sklearn, and nothing is previewed without a failure."""

from __future__ import annotations

import numpy as np
import pytest
from fairlearn.metrics import demographic_parity_ratio
from sklearn.metrics import accuracy_score

from tests.fairness.conftest import make_context
from trustscan.checks.analyses._common import sample_and_split
from trustscan.checks.analyses.mitigation import (
    SCORE_LEVELS,
    MitigationPreviewCheck,
    group_thresholds,
    score_levels,
)
from trustscan.checks.fairness.core import FairnessErrorRatesCheck, FairnessSelectionRateCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult, Status


def _preview(ctx: AuditContext) -> CheckResult:
    policy = Policy()
    earlier = (
        FairnessSelectionRateCheck().run(ctx, policy),
        FairnessErrorRatesCheck().run(ctx, policy),
    )
    return MitigationPreviewCheck().run_after(ctx, policy, earlier)


def test_recruiting_parity_thresholds_lift_the_ratio_above_four_fifths(
    recruiting: AuditContext,
) -> None:
    result = _preview(recruiting)
    assert result.status is Status.WARN
    current, parity, odds = result.metrics["variants"]
    assert result.metrics["feature"] == "gender"
    assert current["selection_rate_ratio"] < 0.8 <= parity["selection_rate_ratio"]
    assert parity["accuracy_change"] < 0  # the cost, stated with its interval
    low, high = parity["accuracy_change_ci"]
    assert low < parity["accuracy_change"] < high
    assert odds["true_positive_rate_ratio"] > current["true_positive_rate_ratio"]
    message = result.findings[0].message
    assert "not a recommendation" in message and "2000e-2(l)" in message
    assert "points" in result.summary


def test_held_out_numbers_match_fairlearn_and_sklearn(recruiting: AuditContext) -> None:
    result = _preview(recruiting)
    parity = result.metrics["variants"][1]
    y = recruiting.y_true_favourable
    gender = recruiting.sensitive["gender"].to_numpy()
    codes = (gender == "male").astype(int)
    fit, held = sample_and_split(recruiting, MitigationPreviewCheck.id, codes * 2 + y, 50_000)
    assert fit.size + held.size == recruiting.n_rows and not np.intersect1d(fit, held).size
    scores = np.asarray(recruiting.favourable_scores, dtype=float)
    after = group_thresholds(scores, y, gender, fit, held, "demographic_parity", recruiting.seed)  # type: ignore[arg-type]
    assert parity["selection_rate_ratio"] == pytest.approx(
        demographic_parity_ratio(y[held], after, sensitive_features=gender[held]),  # type: ignore[index]
        rel=1e-12,
    )
    assert parity["accuracy"] == pytest.approx(accuracy_score(y[held], after))  # type: ignore[index]


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_thresholds_on_quantile_levels_select_as_the_exact_scores_do(
    recruiting: AuditContext, constraint: str
) -> None:
    y = recruiting.y_true_favourable
    assert y is not None
    gender = recruiting.sensitive["gender"].to_numpy()
    codes = (gender == "male").astype(int)
    fit, held = sample_and_split(recruiting, MitigationPreviewCheck.id, codes * 2 + y, 50_000)
    scores = np.asarray(recruiting.favourable_scores, dtype=float)
    args = (scores, y, gender, fit, held, constraint, recruiting.seed)
    exact = group_thresholds(*args, levels=None)
    grid = group_thresholds(*args)
    for group in np.unique(gender):
        member = gender[held] == group
        # one level is 1/1000 of the fitted rows; randomised thresholds add sampling noise
        assert grid[member].mean() == pytest.approx(exact[member].mean(), abs=0.02)


def test_score_levels_are_monotone_and_bounded() -> None:
    scores = np.random.default_rng(0).normal(size=30_000)
    fit = np.arange(0, 30_000, 2)
    levels = score_levels(scores, fit)
    order = np.argsort(scores)
    assert np.all(np.diff(levels[order]) >= 0) and levels.max() < SCORE_LEVELS
    # each level holds about 1/1000 of the fitted rows (the stated placement bound)
    assert np.bincount(levels[fit].astype(int)).max() <= 2 * fit.size / SCORE_LEVELS
    coarse = score_levels(scores, fit, levels=4)
    assert np.bincount(coarse[fit].astype(int)).max() > 2 * fit.size / SCORE_LEVELS  # known fail


def test_fair_control_previews_nothing(fair_lending: AuditContext) -> None:
    result = _preview(fair_lending)
    assert result.status is Status.SKIP
    assert "No failing" in result.summary


def test_without_scores_there_is_nothing_to_move() -> None:
    ctx = make_context(
        sensitive={"g": ["a", "b"] * 50}, predictions=[0, 1] * 50, y_true=[0, 1] * 50
    )
    result = _preview(ctx)
    assert result.status is Status.SKIP and "scores" in result.summary


def test_a_group_with_one_outcome_has_no_thresholds_to_preview() -> None:
    """R's COUNT mdvis: the target (age band) is set by the attribute (age), so every group
    has one outcome; fairlearn's ThresholdOptimizer raises there, the preview says why."""
    rng = np.random.default_rng(3)
    group = rng.choice(["young", "old"], 600)
    y = (group == "old").astype(int)
    scores = np.clip(0.3 + 0.4 * y + rng.normal(0, 0.1, 600), 0, 1)
    ctx = make_context(
        sensitive={"age_band": group},
        predictions=(scores > 0.5).astype(int),
        y_true=y,
        scores=scores,
    )
    result = _preview(ctx)
    assert result.status is Status.SKIP
    assert "has a single outcome among the rows" in result.summary
    assert "age_band = " in result.summary
