"""What the sensitive-inference checks measured, typed: output leakage per attribute and per
group, and every input's association with (and use as a proxy for) each attribute.

``from_metrics`` reads the JSON layout the checks store into frozen dataclasses and
``to_metrics`` writes it back (a test holds the round trip lossless on real check output);
renderers read typed fields, so a renamed key fails mypy and that test, not the report.
Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.measured import R, StoredRow, rows


@dataclass(frozen=True)
class AttributeLeakage(StoredRow):
    """How well the model's output predicts one sensitive attribute (AUC with its interval)."""

    attribute: str | None = None
    category: str | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ks_advantage: float | None = None
    n: int | None = None
    justification: str | None = None
    """The recorded legal basis for processing a special-category attribute."""
    status: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class GroupLeakage(StoredRow):
    """How well the output singles out one group of an attribute (one against the rest)."""

    attribute: str | None = None
    group: str | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ks_advantage: float | None = None
    n: int | None = None
    higher_output: bool | None = None
    insufficient_evidence: bool | None = None


@dataclass(frozen=True)
class ProxyRow(StoredRow):
    """One input against one sensitive attribute: association, influence, proxy."""

    feature: str | None = None
    attribute: str | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    nmi: float | None = None
    influence: float | None = None
    associated: bool | None = None
    influential: bool | None = None
    used_proxy: bool | None = None
    n: int | None = None


@dataclass(frozen=True)
class ProbeRow(StoredRow):
    """Whether all inputs together recover an attribute (a probe model's AUC)."""

    attribute: str | None = None
    auc: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    status: str | None = None
    method: str | None = None
    features: Any = None
    """The inputs the probe used (as stored: a count or their names)."""


def _rows(metrics: Mapping[str, Any], key: str, kind: type[R]) -> tuple[R, ...]:
    return tuple(kind.from_row(r) for r in rows(metrics, key))


@dataclass(frozen=True)
class OutputInference:
    """What ``leakage.output_inference`` measured."""

    output: str | None
    attributes: tuple[AttributeLeakage, ...]
    groups: tuple[GroupLeakage, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> OutputInference:
        output = metrics.get("output")
        return cls(
            output=None if output is None else str(output),
            attributes=_rows(metrics, "attributes", AttributeLeakage),
            groups=_rows(metrics, "groups", GroupLeakage),
            other={k: v for k, v in metrics.items() if k not in ("output", "attributes", "groups")},
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "output": self.output,
            "attributes": [a.to_row() for a in self.attributes],
            "groups": [g.to_row() for g in self.groups],
        }


@dataclass(frozen=True)
class ProxyFeatures:
    """What ``leakage.proxy_features`` measured."""

    features: tuple[ProxyRow, ...]
    probes: tuple[ProbeRow, ...]
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> ProxyFeatures:
        return cls(
            features=_rows(metrics, "features", ProxyRow),
            probes=_rows(metrics, "probes", ProbeRow),
            other={k: v for k, v in metrics.items() if k not in ("features", "probes")},
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "features": [f.to_row() for f in self.features],
            "probes": [p.to_row() for p in self.probes],
        }
