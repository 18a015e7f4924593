"""The check registry: an explicit, ordered tuple. Add a check = one module + one line here."""

from __future__ import annotations

from trustscan.checks.base import Check
from trustscan.checks.data_quality import DataQualityCheck

ALL_CHECKS: tuple[type[Check], ...] = (DataQualityCheck,)


def check_by_id(check_id: str) -> type[Check] | None:
    return next((c for c in ALL_CHECKS if c.id == check_id), None)


__all__ = ["ALL_CHECKS", "Check", "check_by_id"]
