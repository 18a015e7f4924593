"""Checks: one folder per family, each with light declarations and its implementations.

The registry of declarations is ``trustscan.checks.registry.SPECS`` (no numerical imports).
``ALL_CHECKS`` (the check classes, in registry order) and ``Check`` are loaded on first use,
because importing them imports pandas, scipy and scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustscan.checks.base import Check

    ALL_CHECKS: tuple[type[Check], ...]


def check_by_id(check_id: str) -> type[Check] | None:
    from trustscan.checks.registry import spec_by_id

    spec = spec_by_id(check_id)
    return None if spec is None else spec.load()


def __getattr__(name: str) -> Any:
    if name == "ALL_CHECKS":
        from trustscan.checks import registry

        return tuple(spec.load() for spec in registry.SPECS)
    if name == "Check":
        from trustscan.checks.base import Check

        return Check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ALL_CHECKS", "Check", "check_by_id"]
