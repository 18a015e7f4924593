"""Fairness checks: selection-rate and error-rate parity across groups.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.fairness.measured import FairnessRates
from trustscan.checks.spec import CheckSpec
from trustscan.types import Dimension, Severity

STATS_KEYS = (
    "stats.alpha",
    "stats.confidence",
    "stats.bootstrap_resamples",
    "stats.min_group_size",
    "stats.min_group_share",
)
"""The statistical settings both fairness checks read (evidence rules, intervals, eligibility)."""

SELECTION_RATE = CheckSpec(
    id="fairness.selection_rate",
    title="Selection-rate parity (four-fifths rule)",
    dimension=Dimension.ETHICS,
    default_severity=Severity.CRITICAL,
    description="Compares each group's selection rate with the most-favoured group's (impact ratio, "
    "EEOC four-fifths rule, 29 CFR 1607.4(D)) for every sensitive feature and their "
    "intersections; with scores, also the NYC Local Law 144 scoring rate (share above the "
    "median score). Fails only when the ratio is below fairness.impact_ratio_min (0.8), the "
    "difference is significant (z-test or Fisher's exact test, Holm-corrected) and moving "
    "one person does not reverse it; below the ratio without that evidence it warns "
    "(insufficient evidence, with the people per group needed to decide). Groups under "
    "stats.min_group_size or stats.min_group_share, and missing values, are reported but not "
    "judged; intersectional gaps that are not significant are listed in one note rather "
    "than warned one by one. Beside the model's decisions the LL144 scoring rate is "
    "reported, not gated (fairness.gate_scoring_rate gates it). Regression: differences of "
    "mean predictions to the highest group, in SDs of the predictions (fails beyond "
    "fairness.prediction_gap_max and significant, Welch t-test; ratios only with "
    "fairness.regression_compare = 'ratio'), and KS distance; multiclass: each class "
    "one-vs-rest. Fix: find and remove proxies for the sensitive attribute, re-train, "
    "re-audit.",
    implementation="trustscan.checks.fairness.core:FairnessSelectionRateCheck",
    measured=FairnessRates,
    section="fairness",
    renderer="trustscan.report.html.fairness:render_fairness",
    policy_keys=(
        "fairness.impact_ratio_min",
        "fairness.gate_scoring_rate",
        "fairness.prediction_gap_max",
        "fairness.regression_compare",
        *STATS_KEYS,
    ),
    gated_in_compare=True,
    counts_only=True,
)

ERROR_RATES = CheckSpec(
    id="fairness.error_rates",
    title="Error-rate parity (equal opportunity / equalized odds)",
    dimension=Dimension.ETHICS,
    default_severity=Severity.HIGH,
    description="Compares true-positive rates (equal opportunity) and false-positive rates (equalized "
    "odds) of each group with the best-treated group's, with the same evidence rules as "
    "the selection-rate check (ratio below fairness.error_rate_ratio_min, significant after "
    "Holm correction, robust to one person). Also reports FNR, precision and accuracy per "
    "group. Regression: each group's mean signed error (prediction minus truth: over- or "
    "under-prediction) against the group closest to zero, with its interval and a Welch "
    "t-test, failing beyond fairness.signed_error_gap_max target SDs when significant; and "
    "mean absolute error (and RMSE) per group. Needs a target. Fix: "
    "check label quality per group, re-weight or re-train, consider group-aware thresholds "
    "where the law allows.",
    implementation="trustscan.checks.fairness.core:FairnessErrorRatesCheck",
    measured=FairnessRates,
    section="fairness",
    renderer="trustscan.report.html.fairness:render_fairness",
    policy_keys=(
        "fairness.error_rate_ratio_min",
        "fairness.signed_error_gap_max",
        *STATS_KEYS,
    ),
    gated_in_compare=True,
    counts_only=True,
)
