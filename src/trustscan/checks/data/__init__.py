"""Data-quality check: missing values and duplicates.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.data.measured import DataQuality
from trustscan.checks.spec import CheckSpec
from trustscan.types import Dimension, Severity

QUALITY = CheckSpec(
    id="data.quality",
    title="Data quality",
    dimension=Dimension.INTEGRITY,
    default_severity=Severity.MEDIUM,
    description="Counts missing values per model feature, exact duplicate rows and constant columns. "
    "An audit on incomplete or duplicated data over- or under-counts groups. Warns when a "
    "feature's missing share exceeds data_quality.max_missing_share (default 5%) or duplicates "
    "exceed data_quality.max_duplicate_share (default 1%); fails when a feature is entirely empty. "
    "Fix: impute or drop incomplete columns, de-duplicate rows, drop constant columns.",
    implementation="trustscan.checks.data.quality:DataQualityCheck",
    measured=DataQuality,
    section="competence",
    policy_keys=(
        "data_quality.max_missing_share",
        "data_quality.max_duplicate_share",
    ),
    counts_only=True,
    cost=4,  # hashes every row for duplicates
)
