"""Sensitive-inference checks: a sensitive target, output inference and proxy features.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.leakage.measured import OutputInference, ProxyFeatures, SensitiveTarget
from trustscan.checks.spec import CheckSpec
from trustscan.types import Dimension, Severity

POLICY_KEYS = (
    "leakage.auc_warn",
    "leakage.auc_fail",
    "leakage.sample_size",
    "leakage.proxy_nmi",
    "leakage.influence_min",
)
"""The policy keys every check of this family reads."""

SENSITIVE_TARGET = CheckSpec(
    id="leakage.sensitive_target",
    title="Target is not a special category",
    dimension=Dimension.ETHICS,
    default_severity=Severity.CRITICAL,
    description="Fails when the target, prediction or score column — or the model's class labels — name "
    "a GDPR Art. 9/10 special category or a US protected basis (e.g. is_pregnant, "
    "health_risk, religion): the model's job is then to infer sensitive data, which needs a "
    "legal basis. With a [[justification]] for the column in the policy the result is a "
    "warning that quotes the basis. Fix: predict the business outcome instead, or record "
    "the legal basis (column, basis) in the policy.",
    implementation="trustscan.checks.leakage.target:SensitiveTargetCheck",
    section="sensitive-inference",
    measured=SensitiveTarget,
    policy_keys=POLICY_KEYS,
)

OUTPUT_INFERENCE = CheckSpec(
    id="leakage.output_inference",
    title="Output does not reveal sensitive attributes",
    dimension=Dimension.ETHICS,
    default_severity=Severity.CRITICAL,
    description="Measures how well the model's score (or decision, in predictions-only mode) predicts "
    "each sensitive attribute: ROC AUC (one-vs-rest macro for multi-valued attributes; "
    "oriented, so a score that is lower for a group counts too) with a stratified bootstrap "
    "confidence interval, and the KS advantage max(TPR - FPR). Warns when the AUC reaches "
    "leakage.auc_warn (0.65); fails when the interval's lower bound reaches "
    "leakage.auc_fail (0.75). A score that identifies pregnant customers lets anyone who "
    "acts on it act on pregnancy. Fix: remove the proxies that carry the attribute "
    "(see leakage.proxy_features), or record a legal basis for the attribute.",
    implementation="trustscan.checks.leakage.output_inference:OutputInferenceCheck",
    section="sensitive-inference",
    measured=OutputInference,
    renderer="trustscan.report.html.leakage:render_output_inference",
    policy_keys=POLICY_KEYS,
    cost=3,  # probes the scores for each attribute
)

PROXY_FEATURES = CheckSpec(
    id="leakage.proxy_features",
    title="No proxies for sensitive attributes drive the model",
    dimension=Dimension.ETHICS,
    default_severity=Severity.HIGH,
    description="For every model input and sensitive attribute: normalised mutual information and the "
    "feature's own AUC for the attribute (association), and how many decisions change when "
    "the feature is permuted (influence; its redundant copies among the inputs, one-to-one "
    "recodings or numeric columns with |r| >= 0.98, are permuted with it so a copy cannot "
    "hide its use). Following Datta et al. (2017), a feature is a used "
    "proxy only when it is both associated (AUC >= leakage.auc_warn or NMI >= "
    "leakage.proxy_nmi) and influential (>= leakage.influence_min of decisions change); a "
    "proxy the model ignores is reported, not failed. Fails when a used proxy's AUC lower "
    "bound reaches leakage.auc_fail; warns for other used proxies and when a gradient-boosted "
    "tree probe (fitted on half a stratified sample, scored on the other half) recovers the "
    "attribute from all inputs together (redundant encoding). Predictions-only mode measures influence on a surrogate model of the logged "
    "decisions. A used proxy that is the legitimate stratum named with --condition (the "
    "department applied to) warns instead of failing: fairness.conditional_disparity judges "
    "the gaps within it. Fix: drop or transform the proxy, or record a legal basis for the "
    "attribute.",
    implementation="trustscan.checks.leakage.proxies:ProxyFeaturesCheck",
    section="sensitive-inference",
    measured=ProxyFeatures,
    renderer="trustscan.report.html.leakage:render_proxy_features",
    policy_keys=POLICY_KEYS,
    cost=12,  # boosted-tree probes per attribute and feature
)
