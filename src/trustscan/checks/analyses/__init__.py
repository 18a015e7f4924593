"""Analyses beyond the headline fairness checks: bias in the labels, conditional
disparity, discovered slices and a mitigation preview."""

from __future__ import annotations

from trustscan.checks.analyses.conditional import ConditionalDisparityCheck
from trustscan.checks.analyses.data_bias import DataBiasCheck
from trustscan.checks.analyses.mitigation import MitigationPreviewCheck
from trustscan.checks.analyses.slices import SliceSearchCheck

__all__ = [
    "ConditionalDisparityCheck",
    "DataBiasCheck",
    "MitigationPreviewCheck",
    "SliceSearchCheck",
]
