"""What the sensitive-inference checks measured, typed: whether the target names a special
category, output leakage per attribute and per group, and every input's association with (and
use as a proxy for) each attribute.

The checks build these dataclasses; their JSON form (``to_metrics``) is derived from the
fields, and ``from_metrics`` reads a stored report back. Renderers read typed fields, so a
renamed field fails mypy, not the report. Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from trustscan.checks.measured import StoredResult, StoredRow


@dataclass(frozen=True)
class TargetRow(StoredRow):
    """One named column (target, prediction, score) or class label, and what it names."""

    role: str | None = None
    column: str | None = None
    category: str | None = None
    """The special category it names, or None."""
    strength: str | None = None
    """``direct`` (names the category) or a weaker match."""
    reason: str | None = None


@dataclass(frozen=True)
class SensitiveTarget(StoredResult):
    """What ``leakage.sensitive_target`` measured."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {"columns": TargetRow}
    columns: tuple[TargetRow, ...] = ()


@dataclass(frozen=True)
class AttributeLeakage(StoredRow):
    """How well the model's output predicts one sensitive attribute (AUC with its interval)."""

    attribute: str | None = None
    category: str | None = None
    groups: int | None = None
    """How many groups the attribute has."""
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ks_advantage: float | None = None
    n: int | None = None
    status: str | None = None
    method: str | None = None
    justification: str | None = None
    """The recorded legal basis for processing a special-category attribute."""


@dataclass(frozen=True)
class GroupLeakage(StoredRow):
    """How well the output singles out one group of an attribute (one against the rest)."""

    attribute: str | None = None
    group: str | None = None
    n: int | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ks_advantage: float | None = None
    higher_output: bool | None = None
    insufficient_evidence: bool | None = None


@dataclass(frozen=True)
class OutputInference(StoredResult):
    """What ``leakage.output_inference`` measured."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {
        "attributes": AttributeLeakage,
        "groups": GroupLeakage,
    }
    output: str | None = None
    """What was tested: the score, or the decision."""
    attributes: tuple[AttributeLeakage, ...] = ()
    groups: tuple[GroupLeakage, ...] = ()
    skipped_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProxyRow(StoredRow):
    """One input against one sensitive attribute: association, influence, proxy."""

    attribute: str | None = None
    feature: str | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    nmi: float | None = None
    n: int | None = None
    purest_group: str | None = None
    """For a categorical input: its category most dominated by one group, in words."""
    influence: float | None = None
    associated: bool | None = None
    influential: bool | None = None
    used_proxy: bool | None = None
    strong: bool | None = None
    """The association's interval clears ``leakage.auc_fail``."""


@dataclass(frozen=True)
class ProbeRow(StoredRow):
    """Whether all inputs together recover an attribute (a probe model's AUC)."""

    attribute: str | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float | None = None
    n: int | None = None
    features: Any = None
    """The inputs the probe used (as stored: a count or their names)."""
    status: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class ProxyFeatures(StoredResult):
    """What ``leakage.proxy_features`` measured."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {"features": ProxyRow, "probes": ProbeRow}
    features: tuple[ProxyRow, ...] = ()
    probed_features: int | None = None
    """Inputs whose influence was measured and that entered the joint probe."""
    probes: tuple[ProbeRow, ...] = ()
    influence_method: str | None = None
    influence_rows: int | None = None
    skipped_attributes: tuple[str, ...] = ()
