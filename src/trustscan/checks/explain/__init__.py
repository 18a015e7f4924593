"""Explainability checks: what drives the model, and why it treats groups differently.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.explain.measured import (
    Counterfactual,
    DisparityDrivers,
    GroupImportance,
    Importance,
)
from trustscan.checks.spec import CheckSpec
from trustscan.types import Dimension, Severity

POLICY_KEYS = (
    "explain.flip_rate_max",
    "explain.regression_flip_tolerance",
    "explain.sample_size",
    "explain.repeats",
    "explain.importance_min",
    "explain.group_importance_ratio",
    "explain.max_predictions",
    "explain.driver_share_warn",
    "explain.driver_candidates",
)
"""The policy keys every check of this family reads."""

COUNTERFACTUAL_FLIP = CheckSpec(
    id="explain.counterfactual_flip",
    title="Counterfactual flip of the sensitive attribute",
    dimension=Dimension.ETHICS,
    default_severity=Severity.CRITICAL,
    description="When a sensitive attribute (or a column that encodes it, e.g. one-hot gender_female) is "
    "a model input, sets it to each other group's value for every sampled person and "
    "measures the share of decisions that change and the mean score shift, per group. "
    "Fails when more than explain.flip_rate_max (default 1%) of all decisions flip. The "
    "most affected group is always named; it warns on its own only when its whole Wilson "
    "interval is above the limit. Regression: a prediction counts as changed when it moves "
    "by more than explain.regression_flip_tolerance (5%) of its magnitude (of the "
    "predictions' SD near zero). Passes with 'the model does not use X as an input' when "
    "neither the attribute nor an encoding of it is an input. Fix: remove the attribute and its "
    "encodings from the inputs, or record a legal basis and a waiver.",
    implementation="trustscan.checks.explain.counterfactual:CounterfactualFlipCheck",
    measured=Counterfactual,
    section="explainability",
    renderer="trustscan.report.html.explain:render_counterfactual",
    policy_keys=POLICY_KEYS,
)

DISPARITY_DRIVERS = CheckSpec(
    id="explain.disparity_drivers",
    title="Drivers of selection-rate gaps",
    dimension=Dimension.OPENNESS,
    default_severity=Severity.MEDIUM,
    description="For each sensitive attribute with a selection-rate gap (impact ratio below "
    "fairness.impact_ratio_min or significantly below 1), neutralises one input at a time "
    "(resampled from the pooled distribution, breaking its link to the attribute) and "
    "recomputes the impact ratio with a Katz interval, then ranks the inputs by how much of "
    "the gap they close. Warns when the ratio is below the policy minimum and one input "
    "explains at least explain.driver_share_warn (25%) of the gap to parity — typically a "
    "proxy such as a club or college that stands in for gender. Fix: drop or rework the driver, then re-audit.",
    implementation="trustscan.checks.explain.drivers:DisparityDriversCheck",
    measured=DisparityDrivers,
    section="explainability",
    renderer="trustscan.report.html.explain:render_disparity_drivers",
    policy_keys=POLICY_KEYS,
)

FEATURE_IMPORTANCE = CheckSpec(
    id="explain.feature_importance",
    title="Feature importance",
    dimension=Dimension.OPENNESS,
    default_severity=Severity.INFO,
    description="Permutation importance of every input column (the drop in ROC AUC, accuracy or R² "
    "when the column is shuffled), on a stratified sample with explain.repeats repeats, "
    "with a t-interval over repeats; reported under the user's column names even through "
    "Pipelines and ColumnTransformers, with the model's own importance (coefficients, "
    "feature_importances_) beside it when it has one. Passes when computed; skipped in "
    "predictions-only mode, and for a model so wide that even 1,000 rows per pass need more "
    "than 4x explain.max_predictions (the skip says the value that runs it). Use it to "
    "check that the model relies on what it should.",
    implementation="trustscan.checks.explain.importance:FeatureImportanceCheck",
    measured=Importance,
    section="explainability",
    renderer="trustscan.report.html.explain:render_importance",
    policy_keys=POLICY_KEYS,
)

GROUP_IMPORTANCE = CheckSpec(
    id="explain.group_importance",
    title="Feature importance per group",
    dimension=Dimension.OPENNESS,
    default_severity=Severity.LOW,
    description="Permutation importance within each sensitive group (the feature is shuffled among the "
    "group's own rows), and partial-dependence curves of the top features per group. Warns "
    "when a feature matters strongly for one group and not another (importance at least "
    "explain.group_importance_ratio times higher, at least explain.importance_min, and "
    "non-overlapping intervals): the model reasons about those groups differently. Fix: "
    "find out why the feature means something else per group (a proxy, a data-collection "
    "difference) before release. Skipped, as explain.feature_importance, for a model too "
    "wide for 4x explain.max_predictions.",
    implementation="trustscan.checks.explain.group_importance:GroupImportanceCheck",
    measured=GroupImportance,
    section="explainability",
    renderer="trustscan.report.html.explain:render_group_importance",
    policy_keys=POLICY_KEYS,
)
