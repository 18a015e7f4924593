"""The one finding that lists groups reported but not judged (too small, too rare, or missing
the sensitive value), shared by every family that compares groups.

A small group never silently passes or fails: it is named here with its n and the reason from
``stats.Eligibility``.
"""

from __future__ import annotations

from collections.abc import Iterable

from trustscan.checks.base import Check
from trustscan.types import Finding, Severity, Status

ExcludedGroup = tuple[str, str, int, str]
"""(attribute, group, n, why it is not judged)."""

_LISTED = 12


def groups_not_judged(check: Check, excluded: Iterable[ExcludedGroup]) -> Finding | None:
    """One informational finding naming every group not judged (each once), or None."""
    unique: dict[tuple[str, str], tuple[int, str]] = {}
    for attribute, group, n, why in excluded:
        unique.setdefault((attribute, group), (n, why))
    if not unique:
        return None
    listed = "; ".join(
        f"{attribute} = {group} (n = {n:,}: {why})"
        for (attribute, group), (n, why) in list(unique.items())[:_LISTED]
    )
    more = f" and {len(unique) - _LISTED} more" if len(unique) > _LISTED else ""
    return check.finding(
        Status.SKIP,
        f"Insufficient evidence for {len(unique)} group(s), reported with their counts but not "
        f"judged: {listed}{more}.",
        subject="excluded groups",
        severity=Severity.INFO,
        title="Groups not judged (insufficient evidence)",
        remediation="Collect more data for these groups to audit them.",
    )
