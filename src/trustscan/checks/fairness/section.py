"""What one fairness check compares (``RateSpec``) and what its comparisons produced
(``Section``), shared by the rate loop, the regression comparisons and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.fairness.comparison import Comparison
from trustscan.stats import GroupCodes
from trustscan.types import Finding, Status


@dataclass
class Section:
    """What the comparisons of one check produced."""

    findings: list[Finding] = field(default_factory=list)
    quiet: list[Finding] = field(default_factory=list)
    """Intersectional gaps without enough evidence: summarised in one finding, not one each,
    so dozens of small crossed groups do not bury the reader in warnings."""
    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"groups": [], "intersections": []}
    )
    lowest: list[tuple[bool, float, str]] = field(default_factory=list)
    """(is an intersection, ratio, who): the summary names a single attribute's lowest ratio
    before any intersection's, as the report headline does."""
    not_judged: str | None = None
    """Why nothing could be judged at all (e.g. ratios of means with negative predictions)."""
    reported: list[tuple[Comparison, GroupCodes, int]] = field(default_factory=list)
    """Groups below the threshold on a reported-only comparison (metric, grouping, group)."""

    def add(self, grouping: GroupCodes, findings: list[Finding]) -> None:
        for finding in findings:
            if grouping.is_intersection and finding.status is Status.WARN:
                self.quiet.append(finding)
            else:
                self.findings.append(finding)


@dataclass(frozen=True)
class RateSpec:
    """What one check compares."""

    compared: tuple[str, ...]
    described: tuple[str, ...]
    needs_target: bool
