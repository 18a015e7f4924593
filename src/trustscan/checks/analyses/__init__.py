"""Analyses beyond the headline fairness checks: bias in the labels, conditional
disparity, discovered slices and a mitigation preview.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.analyses.measured import (
    ConditionalDisparity,
    DataBias,
    MitigationPreview,
    SliceSearch,
)
from trustscan.checks.fairness import SELECTION_RATE
from trustscan.checks.spec import CheckSpec
from trustscan.types import Dimension, Severity

CAVEAT = (
    "A preview, not a recommendation: different thresholds per group use the protected "
    "attribute at decision time, which is disparate treatment — unlawful for many uses "
    "(e.g. US Title VII forbids different cut-off scores by race, sex, religion or national "
    "origin, 42 U.S.C. § 2000e-2(l); in the EU it is direct discrimination unless a narrow "
    "exception applies). Use it to size the trade-off, then fix the model or the data."
)

MAX_REGIONS = 5000
"""Regions searched at most (all single inputs first, then pairs in input order)."""
MAX_LEVELS = 12
"""Inputs with more levels than this after binning (e.g. free-text ids) are not searched."""


CONDITIONAL_DISPARITY = CheckSpec(
    id="fairness.conditional_disparity",
    title="Conditional demographic disparity (gap within strata)",
    dimension=Dimension.ETHICS,
    default_severity=Severity.HIGH,
    description="Runs when a legitimate stratum is named with --condition COL (or `condition` in "
    "trustscan.toml), e.g. the department or job level applied to. For each group of each "
    "sensitive feature it shows side by side the unconditional selection-rate ratio to "
    "the most-favoured group and demographic disparity (DD: the group's share of the "
    "rejected minus its share of the accepted), and the same conditioned on the stratum: "
    "the Mantel–Haenszel pooled ratio (Greenland–Robins interval) and conditional "
    "demographic disparity (CDD, the stratum-size-weighted mean of DD within strata, as in "
    "SageMaker Clarify and Wachter, Mittelstadt and Russell), with bootstrap intervals, "
    "for the decisions and (with a target) the labels. It says whether conditioning "
    "removes, reverses (Simpson's paradox), reveals or keeps each gap. Fails when the "
    "conditional ratio is below fairness.impact_ratio_min and the Cochran–Mantel–Haenszel "
    "test is significant (Holm-corrected); warns when it is below without significance; "
    "small groups are reported, not judged. A numeric stratum with many values is cut "
    "into quartiles. Caveat: conditioning is only as fair as the stratum — if people "
    "were steered into strata by the sensitive attribute, a vanished gap is not an "
    "all-clear. Fix: find where within strata the gap arises (explain.disparity_drivers) "
    "and re-train; if the stratum is not legitimate, judge the unconditional gap.",
    implementation="trustscan.checks.analyses.conditional:ConditionalDisparityCheck",
    measured=ConditionalDisparity,
    section="analyses",
    renderer="trustscan.report.html.analyses:render_conditional_disparity",
    policy_keys=SELECTION_RATE.policy_keys,
    gated_in_compare=True,
)

DATA_BIAS = CheckSpec(
    id="fairness.data_bias",
    title="Bias in the labels, and whether the model amplifies it",
    dimension=Dimension.ETHICS,
    default_severity=Severity.HIGH,
    description="Bias in the data before the model. For each sensitive feature, compares each group's "
    "share of favourable labels with the most-favoured group's (label impact ratio) under "
    "the selection-rate rules (below fairness.impact_ratio_min, significant with a z-test or "
    "Fisher's test, Holm-corrected, robust to moving one person); such a gap warns with "
    "high severity rather than failing, because the data carries it, and a gap without "
    "that evidence warns with medium severity; small groups are reported, not judged. Also reports SageMaker "
    "Clarify's pre-training label metrics of each group against the rest (class imbalance, "
    "difference in positive proportions, KL, Jensen–Shannon, L2, total-variation and KS "
    "distances). Then compares the model's selection-rate gap with the label gap on the "
    "same people: fails when the model widens a group's gap by more than "
    "fairness.amplification_max with a significant Wald test (Holm-corrected), warns "
    "when the widening is not significant. Binary tasks with a target. Fix: a label gap "
    "means the history the model learns from is skewed — audit how the labels were made, "
    "re-weight or re-label; amplification means the model adds to it — look for proxies "
    "(leakage.proxy_features, explain.disparity_drivers) and re-train.",
    implementation="trustscan.checks.analyses.data_bias:DataBiasCheck",
    measured=DataBias,
    section="analyses",
    renderer="trustscan.report.html.analyses:render_data_bias",
    policy_keys=(
        *SELECTION_RATE.policy_keys,
        "fairness.amplification_max",
    ),
    gated_in_compare=True,
)

MITIGATION_PREVIEW = CheckSpec(
    id="fairness.mitigation_preview",
    title="What a fix would cost: group-specific thresholds (preview)",
    dimension=Dimension.ETHICS,
    default_severity=Severity.INFO,
    description="Runs only when fairness.selection_rate or fairness.error_rates fails (binary task "
    "with a target and scores). On the sensitive feature of the lowest failing ratio, it "
    "fits group-specific thresholds on the cached scores with fairlearn's "
    "ThresholdOptimizer algorithm (in numpy, same decisions; maximising accuracy under "
    "demographic parity, and under equalized odds) on half of a sample stratified by group and label (at most "
    "fairness.analysis_sample_size rows), and reports on the other, held-out half the "
    "lowest impact ratio, TPR and FPR ratios (Katz intervals) and accuracy (Wilson "
    "interval; paired change with a Wald interval) before and after. It warns, with "
    "information severity, to draw attention to the trade-off; it never passes a model. "
    "" + CAVEAT,
    implementation="trustscan.checks.analyses.mitigation:MitigationPreviewCheck",
    measured=MitigationPreview,
    section="analyses",
    renderer="trustscan.report.html.analyses:render_mitigation_preview",
    policy_keys=(
        "fairness.impact_ratio_min",
        "fairness.analysis_sample_size",
        "stats.confidence",
        "stats.min_group_size",
        "stats.min_group_share",
    ),
    needs=("fairness.selection_rate", "fairness.error_rates"),
    gated_in_compare=True,
)

SLICE_SEARCH = CheckSpec(
    id="fairness.slice_search",
    title="Worst subgroups, found by searching the model's inputs",
    dimension=Dimension.ETHICS,
    default_severity=Severity.HIGH,
    description="Searches regions of the model's own inputs (each input alone and every pair; "
    f"numerics binned into quartiles of the sample; inputs with more than {MAX_LEVELS} levels left out; "
    f"at most {MAX_REGIONS} regions) for the sensitive group that fares worst against the "
    "other groups in the same region: lower selection rate, or (with a target) higher "
    "error rate. Tests run on one half of a sample stratified by group and label (at most "
    "fairness.analysis_sample_size rows); Benjamini–Hochberg controls the false-discovery "
    "rate at stats.alpha over every test made; each discovery must be significant again "
    "on the held-out half (Holm-corrected, same direction). Both sides of a comparison "
    "need stats.min_group_size rows. Fails when a confirmed subgroup's held-out ratio is "
    "below fairness.impact_ratio_min (selection) or fairness.error_rate_ratio_min "
    "(error); reports up to 10 subgroups with effect, interval and adjusted p. Fix: look "
    "at the inputs that define the subgroup (explain.disparity_drivers) and re-train.",
    implementation="trustscan.checks.analyses.slices:SliceSearchCheck",
    measured=SliceSearch,
    section="analyses",
    renderer="trustscan.report.html.analyses:render_slice_search",
    policy_keys=(
        "fairness.impact_ratio_min",
        "fairness.error_rate_ratio_min",
        "fairness.analysis_sample_size",
        "stats.alpha",
        "stats.confidence",
        "stats.min_group_size",
    ),
    gated_in_compare=True,
    cost=3,  # searches feature slices
)
