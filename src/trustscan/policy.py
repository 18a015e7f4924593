"""The audit policy: thresholds, gate and waivers, with documented defaults.

A policy is read from ``trustscan.toml`` (top level) or ``[tool.trustscan]`` in
``pyproject.toml``. Each check family owns one section (``[fairness]``, ``[leakage]`` ...);
unknown keys and bad values are errors that name the key and the allowed values.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from trustscan.errors import InputError
from trustscan.typed_mapping import dataclass_from_mapping

FailOn = Literal["fail", "warn", "never"]


def _require_share(value: float, name: str, *, inclusive_zero: bool = True) -> None:
    low_ok = value >= 0 if inclusive_zero else value > 0
    if not (low_ok and value <= 1):
        raise InputError(f"{name} = {value} is out of range", "use a number between 0 and 1")


MAX_BOOTSTRAP_RESAMPLES = 10_000
"""Upper bound on ``stats.bootstrap_resamples``: with at most 200 groups per grouping
(``sensitive.groups.MAX_INTERSECTION_GROUPS``) one bootstrap holds at most
10,000 x 200 x 4 cells x 8 bytes = 64 MB."""


@dataclass(frozen=True)
class StatsPolicy:
    """How sure a finding must be before it gates."""

    alpha: float = 0.05
    """Significance level for group-difference tests (Holm-corrected across groups)."""
    confidence: float = 0.95
    """Confidence level of every reported interval."""
    bootstrap_resamples: int = 1000
    """Bootstrap resamples for confidence intervals (resampling counts, not rows)."""
    min_group_size: int = 30
    """Groups smaller than this are reported but never gate ("insufficient evidence")."""
    min_group_share: float = 0.02
    """Groups below this share of the data are reported but never gate (NYC LL144 allows 2%)."""

    def __post_init__(self) -> None:
        _require_share(self.alpha, "stats.alpha", inclusive_zero=False)
        _require_share(self.confidence, "stats.confidence", inclusive_zero=False)
        _require_share(self.min_group_share, "stats.min_group_share")
        if not 0 <= self.bootstrap_resamples <= MAX_BOOTSTRAP_RESAMPLES:
            raise InputError(
                f"stats.bootstrap_resamples = {self.bootstrap_resamples} is out of range",
                f"use 0 (no bootstrap) to {MAX_BOOTSTRAP_RESAMPLES:,}; 1000 is plenty for 95% "
                "intervals",
            )
        if self.min_group_size < 1:
            raise InputError("stats.min_group_size must be >= 1")


@dataclass(frozen=True)
class DataPolicy:
    """Data-quality thresholds."""

    max_missing_share: float = 0.05
    """Warn when any model feature has more missing values than this share."""
    max_duplicate_share: float = 0.01
    """Warn when more than this share of rows are exact duplicates."""

    def __post_init__(self) -> None:
        _require_share(self.max_missing_share, "data_quality.max_missing_share")
        _require_share(self.max_duplicate_share, "data_quality.max_duplicate_share")


@dataclass(frozen=True)
class FairnessPolicy:
    """Group fairness thresholds."""

    impact_ratio_min: float = 0.8
    """Lowest acceptable selection-rate ratio to the most-favoured group (four-fifths rule)."""
    error_rate_ratio_min: float = 0.8
    """Lowest acceptable TPR / FPR ratio between groups (equal opportunity / odds)."""
    amplification_max: float = 0.05
    """Most the model may widen a group's gap in the labels (selection-rate points, 0-1)."""
    analysis_sample_size: int = 50_000
    """Rows (stratified by group and label) used by the slice search and the mitigation
    preview; larger data are sampled, and the checks state the sample."""
    signed_error_gap_max: float = 0.05
    """Regression: largest acceptable gap between groups' mean signed error (prediction minus
    truth: over- or under-prediction), in standard deviations of the target. Beyond it and
    significant fails; beyond it without significance warns."""
    prediction_gap_max: float = 0.2
    """Regression: largest acceptable difference between groups' mean predictions, in
    standard deviations of the predictions (judged like ``signed_error_gap_max``)."""
    regression_compare: Literal["difference", "ratio"] = "difference"
    """Regression predictions are compared by difference (any scale, log included); ``ratio``
    uses ratios of mean predictions against ``impact_ratio_min`` (positive targets only)."""
    gate_scoring_rate: bool = False
    """Let the NYC LL144 scoring rate (share above the median score) gate even when the model
    makes decisions. By default it gates only when the audit has scores but no decisions;
    beside decisions it is reported, not judged, so one gap is not counted twice."""

    def __post_init__(self) -> None:
        _require_share(self.impact_ratio_min, "fairness.impact_ratio_min")
        _require_share(self.error_rate_ratio_min, "fairness.error_rate_ratio_min")
        for name in ("signed_error_gap_max", "prediction_gap_max"):
            if not getattr(self, name) > 0:
                raise InputError(f"fairness.{name} must be > 0", "use e.g. 0.05 or 0.2")
        _require_share(self.amplification_max, "fairness.amplification_max")
        if self.analysis_sample_size < 200:
            raise InputError("fairness.analysis_sample_size must be >= 200")


@dataclass(frozen=True)
class LeakagePolicy:
    """Sensitive-inference leakage thresholds."""

    auc_warn: float = 0.65
    """Warn when the model's output predicts a sensitive attribute with at least this AUC."""
    auc_fail: float = 0.75
    """Fail when the lower CI bound of that AUC is at least this."""
    sample_size: int = 20000
    """Rows (stratified) used by the model-based probes."""
    proxy_nmi: float = 0.05
    """A feature counts as associated with a sensitive attribute when its normalised mutual
    information with it reaches this (or its AUC reaches ``auc_warn``)."""
    influence_min: float = 0.01
    """A feature counts as used by the model when permuting it changes at least this share of
    decisions (regression: mean change of at least this many prediction standard deviations)."""

    def __post_init__(self) -> None:
        for name in ("auc_warn", "auc_fail"):
            value = getattr(self, name)
            if not 0.5 <= value <= 1:
                raise InputError(f"leakage.{name} = {value} is out of range", "use 0.5 to 1")
        _require_share(self.proxy_nmi, "leakage.proxy_nmi")
        _require_share(self.influence_min, "leakage.influence_min")
        if self.sample_size < 100:
            raise InputError("leakage.sample_size must be >= 100")


@dataclass(frozen=True)
class ExplainPolicy:
    """Explainability settings."""

    flip_rate_max: float = 0.01
    """Fail counterfactual flip when more than this share of all decisions change (a single
    group warns only when its whole interval is above it)."""
    regression_flip_tolerance: float = 0.05
    """Regression: a prediction counts as changed by the flip when it moves by more than this
    share of its magnitude (of the predictions' standard deviation for values near zero)."""
    sample_size: int = 5000
    """Rows (stratified) used for permutation importance and neutralisation."""
    repeats: int = 5
    """Permutation repeats per feature."""
    importance_min: float = 0.01
    """A feature matters for a group when shuffling it within the group changes at least this
    share of the group's decisions (regression: lowers R² by this much)."""
    group_importance_ratio: float = 2.0
    """Warn when a feature's importance in one group is at least this many times another's
    (and their intervals do not overlap)."""
    max_predictions: int = 250_000
    """Most rows predicted per permutation-importance pass (features × repeats × rows): wide
    models get a smaller sample, never below 1,000 rows."""
    driver_share_warn: float = 0.25
    """explain.disparity_drivers warns when neutralising one input closes at least this share
    of a selection-rate gap that is below ``fairness.impact_ratio_min``."""
    driver_candidates: int = 15
    """Inputs neutralised per sensitive attribute by explain.disparity_drivers: the ones most
    associated with it (normalised mutual information)."""

    def __post_init__(self) -> None:
        _require_share(self.flip_rate_max, "explain.flip_rate_max")
        _require_share(self.driver_share_warn, "explain.driver_share_warn")
        if self.sample_size < 100:
            raise InputError("explain.sample_size must be >= 100")
        if self.repeats < 1:
            raise InputError("explain.repeats must be >= 1")
        if self.group_importance_ratio < 1:
            raise InputError("explain.group_importance_ratio must be >= 1")
        if self.max_predictions < 1 or self.driver_candidates < 1:
            raise InputError("explain.max_predictions and explain.driver_candidates must be >= 1")


@dataclass(frozen=True)
class PerformancePolicy:
    """Competence thresholds."""

    group_gap_max: float = 0.05
    """Fail when the worst group's gap in a performance metric exceeds this and its CI excludes 0."""
    min_auc: float | None = None
    """Optional: fail when the ROC AUC's lower CI bound is below this."""
    min_accuracy: float | None = None
    """Optional: fail when the accuracy's lower CI bound is below this."""
    roc_auc_floor: float | None = 0.6
    """Warn when the ROC AUC's lower CI bound is below this: a model barely better than chance
    (None turns the floor off)."""
    balanced_accuracy_floor: float | None = 0.55
    """Warn when a binary classifier's balanced accuracy's lower CI bound is below this."""
    r2_floor: float | None = 0.0
    """Warn when a regression's R² lower CI bound is below this (0: no better than the mean)."""
    max_ece: float = 0.1
    """Warn when the expected calibration error's lower CI bound exceeds this (overall or a group)."""
    gap_metrics: tuple[str, ...] = ()
    """Metrics whose group gap gates (empty: balanced_accuracy and roc_auc for classifiers, mae
    for regression). Plain accuracy is reported but not gated by default: it differs between
    groups whenever their base rates differ."""

    def __post_init__(self) -> None:
        if not self.gap_metrics:
            return
        from trustscan.stats.performance import METRICS  # numpy: only when metrics are named

        for name in self.gap_metrics:
            if name not in METRICS:
                raise InputError(
                    f"performance.gap_metrics: unknown metric {name!r}",
                    f"use some of: {', '.join(METRICS)}",
                )


@dataclass(frozen=True)
class ConsistencyPolicy:
    """Consistency thresholds."""

    perturbation_warn: float = 0.01
    """Warn when at least this share of decisions flips under small noise."""
    perturbation_fail: float = 0.05
    """Fail when at least this share of decisions flips under small noise."""
    noise_scale: float = 0.01
    """Noise as a fraction of the standard deviation of each numeric feature's non-zero values
    (zeros stay zero, integers stay integers, values stay in the observed range)."""
    sample_size: int = 5000
    """Rows (random sample) re-predicted by the determinism and perturbation checks."""
    baseline_min_change: float = 0.01
    """Baseline comparison ignores metric changes smaller than this (absolute)."""


@dataclass(frozen=True)
class DocsPolicy:
    """Model card and consequence-scan requirements."""

    model_card: str = "model_card.yaml"
    """Path of the model card, relative to the working directory."""
    consequences: str = "consequences.yaml"
    """Path of the consequence-scan record."""
    require_model_card: bool = False
    """Fail (not just warn) when the model card is missing."""


PROVENANCE_ARTIFACTS = ("model", "data", "config")


@dataclass(frozen=True)
class ProvenancePolicy:
    """Expected manifest of the audited artifacts."""

    expected_sha256: Mapping[str, str] = field(default_factory=dict)
    """Artifact (``model``, ``data``, ``config``) -> expected SHA-256 hex; a mismatch fails."""

    def __post_init__(self) -> None:
        for name, digest in self.expected_sha256.items():
            if name not in PROVENANCE_ARTIFACTS:
                raise InputError(
                    f"unknown artifact provenance.expected_sha256.{name}",
                    f"use one of: {', '.join(PROVENANCE_ARTIFACTS)}",
                )
            if len(digest) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digest):
                raise InputError(
                    f"provenance.expected_sha256.{name} is not a SHA-256 hex digest",
                    "use the 64 hex characters printed by sha256sum",
                )


@dataclass(frozen=True)
class Waiver:
    """An approved, expiring exception for one check (optionally one subject)."""

    check: str
    reason: str
    approved_by: str
    expires: str
    """ISO date ``YYYY-MM-DD``; the waiver stops applying after it."""
    subject: str | None = None

    def __post_init__(self) -> None:
        for name in ("check", "reason", "approved_by"):
            if not getattr(self, name).strip():
                raise InputError(
                    f"waiver.{name} is empty (waiver for {self.check!r})",
                    "every waiver needs check, reason, approved_by and expires",
                )
        try:
            valid = datetime.date.fromisoformat(self.expires).isoformat() == self.expires
        except ValueError:
            valid = False
        if not valid:
            raise InputError(
                f"waiver.expires = {self.expires!r} is not a date (waiver for {self.check!r})",
                "use YYYY-MM-DD, e.g. 2026-12-31",
            )


@dataclass(frozen=True)
class Justification:
    """A recorded legal basis for processing a special-category column."""

    column: str
    basis: str


@dataclass(frozen=True)
class Policy:
    """Everything that decides pass / warn / fail. Its hash appears in every report."""

    fail_on: FailOn = "fail"
    """Which verdict fails the gate (exit 1): ``fail``, ``warn`` (warn or fail) or ``never``.
    A check that errors makes the audit incomplete and the verdict ``fail``."""
    decision_threshold: float = 0.5
    """Score at or above which a row counts as a positive decision when only scores exist."""
    skip: tuple[str, ...] = ()
    """Check ids (or prefixes such as ``explain.``) not to run."""
    only: tuple[str, ...] = ()
    """When non-empty, run only these check ids (or prefixes)."""
    weights: Mapping[str, float] = field(default_factory=dict)
    """Per-check weight in its dimension score (default 1)."""
    critical_fail_cap: float = 40.0
    """Highest score (0-100) a dimension with a failing critical-severity check can get."""
    stats: StatsPolicy = field(default_factory=StatsPolicy)
    data_quality: DataPolicy = field(default_factory=DataPolicy)
    fairness: FairnessPolicy = field(default_factory=FairnessPolicy)
    leakage: LeakagePolicy = field(default_factory=LeakagePolicy)
    explain: ExplainPolicy = field(default_factory=ExplainPolicy)
    performance: PerformancePolicy = field(default_factory=PerformancePolicy)
    consistency: ConsistencyPolicy = field(default_factory=ConsistencyPolicy)
    docs: DocsPolicy = field(default_factory=DocsPolicy)
    provenance: ProvenancePolicy = field(default_factory=ProvenancePolicy)
    waiver: tuple[Waiver, ...] = ()
    justification: tuple[Justification, ...] = ()

    def __post_init__(self) -> None:
        if not math.isfinite(self.decision_threshold):
            raise InputError(
                f"decision threshold {self.decision_threshold!r} is not a number",
                "pass a finite score such as --threshold 0.5 (decision_threshold in config)",
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sha256(self) -> str:
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def selects(self, check_id: str) -> bool:
        """Whether the policy lets ``check_id`` run."""

        def matches(pattern: str) -> bool:
            return check_id == pattern or (pattern.endswith(".") and check_id.startswith(pattern))

        if self.only and not any(matches(p) for p in self.only):
            return False
        return not any(matches(p) for p in self.skip)


POLICY_KEYS = frozenset(Policy.__dataclass_fields__)


def policy_from_mapping(data: Mapping[str, Any], where: str = "") -> Policy:
    return dataclass_from_mapping(Policy, data, where)
