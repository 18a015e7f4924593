"""Competence checks: overall performance, per-group gaps and calibration.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.performance.measured import Calibration, GroupGaps, Overall
from trustscan.checks.spec import CheckSpec
from trustscan.types import Dimension, Severity

POLICY_KEYS = (
    "performance.group_gap_max",
    "performance.min_auc",
    "performance.min_accuracy",
    "performance.roc_auc_floor",
    "performance.balanced_accuracy_floor",
    "performance.r2_floor",
    "performance.max_ece",
    "performance.gap_metrics",
)
"""The policy keys every check of this family reads."""

OVERALL = CheckSpec(
    id="performance.overall",
    title="Overall performance",
    dimension=Dimension.COMPETENCE,
    default_severity=Severity.HIGH,
    description="Measures how good the model is on the audited rows: accuracy, balanced accuracy, "
    "precision, recall, F1, ROC AUC, Brier score and expected calibration error for binary "
    "classifiers; accuracy, balanced accuracy and macro F1 for multiclass; MAE, RMSE and R² "
    "for regression — each with a bootstrap confidence interval. Optional targets "
    "(performance.min_auc, performance.min_accuracy) fail when the interval's lower bound "
    "is below the target. Floors against a model little better than chance warn when the "
    "lower bound is below them: performance.roc_auc_floor (0.6), "
    "performance.balanced_accuracy_floor (0.55, binary), performance.r2_floor (0, "
    "regression: worse than predicting the mean); set one to null to turn it off. Needs "
    "--target; skipped otherwise. Fix: improve the model or "
    "its training data, or revisit whether it is fit for the decision it supports.",
    implementation="trustscan.checks.performance.overall:PerformanceOverallCheck",
    measured=Overall,
    section="competence",
    renderer="trustscan.report.html.performance:render_overall",
    policy_keys=POLICY_KEYS,
    gated_in_compare=True,
    counts_only=True,
    cost=10,  # bootstrap of every metric on all rows
    shares_family_state=False,  # its bootstrap is its own; calibration reads it later
)

GROUP_GAP = CheckSpec(
    id="performance.group_gap",
    title="Performance gap between groups",
    dimension=Dimension.COMPETENCE,
    default_severity=Severity.HIGH,
    description="Computes the performance metrics for every group of each sensitive column and of their "
    "intersections, and the gap between the best and the worst judged group with a bootstrap "
    "interval (groups are resampled independently; the interval is Bonferroni-adjusted for every pair of groups, since the pair is chosen for being furthest apart). Gated metrics (performance.gap_metrics): "
    "by default balanced accuracy and ROC AUC (classification; plain accuracy differs with "
    "base rates, so it is reported, not gated) and MAE in units of the target's standard "
    "deviation (regression). Fails when a gap exceeds performance.group_gap_max (default 0.05) and "
    "its interval excludes 0; a gap whose interval includes 0 is no evidence of a gap and "
    "passes; it warns only when no interval can be computed. "
    "Groups below stats.min_group_size / stats.min_group_share are reported as "
    "insufficient evidence. Fix: collect more or better data for the worse-served group, "
    "check its feature quality, or train with group-aware evaluation.",
    implementation="trustscan.checks.performance.group_gap:PerformanceGroupGapCheck",
    measured=GroupGaps,
    section="competence",
    renderer="trustscan.report.html.performance:render_group_gap",
    policy_keys=POLICY_KEYS,
    gated_in_compare=True,
    counts_only=True,
    cost=20,  # a bootstrap per group and intersection
)

CALIBRATION = CheckSpec(
    id="performance.calibration",
    title="Calibration per group",
    dimension=Dimension.COMPETENCE,
    default_severity=Severity.MEDIUM,
    description="Reliability data — the observed positive rate against the mean predicted probability in "
    "10 equal-width bins — overall and for every group, and the expected calibration error "
    "(ECE) of each with a bootstrap interval, for the report's charts. A score of 0.7 should "
    "mean 70% for every group. Warns when the ECE's lower bound exceeds performance.max_ece "
    "(default 0.1) overall or for a judged group. Needs a target and probability scores of "
    "a binary classifier. Fix: recalibrate (Platt scaling, isotonic regression), per group "
    "if needed, or stop presenting scores as probabilities.",
    implementation="trustscan.checks.performance.calibration:PerformanceCalibrationCheck",
    measured=Calibration,
    section="competence",
    renderer="trustscan.report.html.performance:render_calibration",
    policy_keys=POLICY_KEYS,
    gated_in_compare=True,
    counts_only=True,
)
