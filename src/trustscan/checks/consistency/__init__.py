"""Consistency checks: determinism, robustness to small perturbations, drift from a baseline.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.consistency.measured import BaselineComparison, Determinism, Perturbation
from trustscan.checks.spec import ALL_OTHERS, CheckSpec
from trustscan.types import Dimension, Severity

POLICY_KEYS = (
    "consistency.perturbation_warn",
    "consistency.perturbation_fail",
    "consistency.noise_scale",
    "consistency.sample_size",
    "consistency.baseline_min_change",
)
"""The policy keys every check of this family reads."""

DETERMINISM = CheckSpec(
    id="consistency.determinism",
    title="Same input, same answer",
    dimension=Dimension.CONSISTENCY,
    default_severity=Severity.HIGH,
    description="Predicts a random sample of rows (consistency.sample_size, default 5,000) a second time "
    "and compares decisions and probabilities with the audit's own predictions. Any "
    "different decision, or a probability that differs by more than 1e-9, fails: the model "
    "has hidden randomness (unseeded sampling, dropout left on, thread-order effects) and "
    "two people with identical data can get different outcomes. Skipped in "
    "predictions-only mode. Fix: fix random seeds, disable stochastic inference, make "
    "parallel reductions deterministic.",
    implementation="trustscan.checks.consistency.core:DeterminismCheck",
    measured=Determinism,
    section="competence",
    policy_keys=POLICY_KEYS,
)

PERTURBATION = CheckSpec(
    id="consistency.perturbation",
    title="Stable under tiny changes",
    dimension=Dimension.CONSISTENCY,
    default_severity=Severity.MEDIUM,
    description="Moves every numeric feature of a random sample of rows by ± consistency.noise_scale "
    "(default 1%) of the standard deviation of its non-zero values, inside its support: "
    "exact zeros and missing values stay as they are, integer columns stay integers "
    "(stochastic rounding of the step), values stay within the observed range; categorical "
    "and 0/1 columns are unchanged. Counts decisions that flip, overall and per group. Warns at "
    "consistency.perturbation_warn (1%), fails at consistency.perturbation_fail (5%); warns "
    "when a group flips significantly more often than everyone else (Holm-corrected). A "
    "high share means the decision threshold sits on a dense cluster of scores: measurement "
    "noise decides outcomes. Skipped in predictions-only mode and for regression. Fix: "
    "move the threshold away from the cluster, add a review band around it, or smooth the "
    "model.",
    implementation="trustscan.checks.consistency.core:PerturbationCheck",
    measured=Perturbation,
    section="competence",
    policy_keys=POLICY_KEYS,
)

BASELINE = CheckSpec(
    id="consistency.baseline",
    title="Compared with the previous audit",
    dimension=Dimension.CONSISTENCY,
    default_severity=Severity.HIGH,
    description="With --baseline PREVIOUS.json, compares this audit with a previous one: every metric "
    "both report (with the interval of the change, from both reports' intervals), findings "
    "that are new or resolved, checks whose status changed and the verdict. Fails when a "
    "fairness or performance metric got significantly worse (the change's interval excludes "
    "0 and it exceeds consistency.baseline_min_change) or a fairness/performance check has "
    "a new failing finding; warns on other new problems or a worse verdict. Skipped without "
    "--baseline. `trustscan diff OLD.json NEW.json` shows the same without re-running. "
    "Fix: find what changed (model, data, threshold) between the two audits.",
    implementation="trustscan.checks.consistency.baseline:BaselineCheck",
    measured=BaselineComparison,
    section="competence",
    policy_keys=POLICY_KEYS,
    needs=(ALL_OTHERS,),
    reads_rows=False,
)
