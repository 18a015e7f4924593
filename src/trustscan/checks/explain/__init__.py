"""Explainability checks: what drives the model, and why it treats groups differently."""

from __future__ import annotations

from trustscan.checks.explain.counterfactual import CounterfactualFlipCheck
from trustscan.checks.explain.drivers import DisparityDriversCheck
from trustscan.checks.explain.importance import FeatureImportanceCheck, GroupImportanceCheck

__all__ = [
    "CounterfactualFlipCheck",
    "DisparityDriversCheck",
    "FeatureImportanceCheck",
    "GroupImportanceCheck",
]
