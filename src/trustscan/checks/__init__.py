"""The check registry: an explicit, ordered tuple. Add a check = one module + one line here."""

from __future__ import annotations

from trustscan.checks.analyses import (
    ConditionalDisparityCheck,
    DataBiasCheck,
    MitigationPreviewCheck,
    SliceSearchCheck,
)
from trustscan.checks.base import Check
from trustscan.checks.consistency import BaselineCheck, DeterminismCheck, PerturbationCheck
from trustscan.checks.data_quality import DataQualityCheck
from trustscan.checks.documentation import ConsequenceScanCheck, ModelCardCheck
from trustscan.checks.explain import (
    CounterfactualFlipCheck,
    DisparityDriversCheck,
    FeatureImportanceCheck,
    GroupImportanceCheck,
)
from trustscan.checks.fairness import FairnessErrorRatesCheck, FairnessSelectionRateCheck
from trustscan.checks.leakage import (
    OutputInferenceCheck,
    ProxyFeaturesCheck,
    SensitiveTargetCheck,
)
from trustscan.checks.performance import (
    PerformanceCalibrationCheck,
    PerformanceGroupGapCheck,
    PerformanceOverallCheck,
)
from trustscan.checks.traceability import CompatibilityCheck, ProvenanceCheck

ALL_CHECKS: tuple[type[Check], ...] = (
    DataQualityCheck,
    FairnessSelectionRateCheck,
    FairnessErrorRatesCheck,
    DataBiasCheck,
    ConditionalDisparityCheck,
    SliceSearchCheck,
    # Previews a fix for the selection-rate / error-rate failures above.
    MitigationPreviewCheck,
    SensitiveTargetCheck,
    OutputInferenceCheck,
    ProxyFeaturesCheck,
    PerformanceOverallCheck,
    PerformanceGroupGapCheck,
    PerformanceCalibrationCheck,
    DeterminismCheck,
    PerturbationCheck,
    CounterfactualFlipCheck,
    FeatureImportanceCheck,
    GroupImportanceCheck,
    DisparityDriversCheck,
    ProvenanceCheck,
    CompatibilityCheck,
    ModelCardCheck,
    # Compares the fairness and performance results above with a previous report.
    BaselineCheck,
    # Must stay last: it checks that every failing result above is covered by a consequence.
    ConsequenceScanCheck,
)


def check_by_id(check_id: str) -> type[Check] | None:
    return next((c for c in ALL_CHECKS if c.id == check_id), None)


__all__ = ["ALL_CHECKS", "Check", "check_by_id"]
