"""What a check declares about itself, importable without the numerical stack.

A ``CheckSpec`` is everything the rest of trustscan needs to know about a check without
running it: its metadata (for docs and ``trustscan explain``), the report section and
renderer that present it, the policy keys it reads, the checks it must run after, and
whether the comparison with a baseline gates on it. The implementation and the renderer are
named by ``"module:attribute"`` and imported only when used, so listing or documenting the
checks never imports pandas, scipy or scikit-learn.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustscan.types import Dimension, Measured, Severity

if TYPE_CHECKING:
    from trustscan.checks.base import Check

ALL_OTHERS = "*"
"""In ``needs``: every registered check that does not itself need ``ALL_OTHERS``."""


@dataclass(frozen=True)
class CheckSpec:
    """A check's declaration: metadata, presentation, policy and run order."""

    id: str
    """Stable ``family.name`` id, used in reports, policies and waivers."""
    title: str
    dimension: Dimension
    default_severity: Severity
    description: str
    """What it measures and how to fix a failure (docs and ``trustscan explain``)."""
    implementation: str
    """``"module:Class"`` of the ``Check`` subclass that runs it."""
    section: str
    """Id of the HTML report section that shows it (``report.sections``)."""
    renderer: str | None = None
    """``"module:function"`` drawing its charts and curated tables, or None for the
    generic view (status, findings, metrics as tables)."""
    policy_keys: tuple[str, ...] = ()
    """Dotted policy keys it reads (``"fairness.impact_ratio_min"``), for its docs."""
    needs: tuple[str, ...] = ()
    """Checks whose results it reads, so it runs after them: ids, ``family.`` prefixes, or
    ``ALL_OTHERS``. The engine passes it exactly those results."""
    gated_in_compare: bool = False
    """A significant worsening of its metrics, or a new failing finding, fails the
    comparison with a baseline (``trustscan diff``, ``consistency.baseline``)."""
    counts_only: bool = False
    """Runs on per-group counts alone, so an out-of-core audit runs it on every row (the
    context's cells, weighted); the others read rows, and there get the row sample."""
    measured: type[Measured] | None = None
    """The typed result it reports (``<family>/measured.py``, light to import): the check
    builds it, and a report re-read from JSON reads its ``metrics`` back into it."""
    reads_rows: bool = True
    """False for checks about files and documents (provenance, model card): a row sample
    changes nothing they report, so their results do not mention it."""
    shares_family_state: bool = True
    """It computes or reads state its family's checks compute once (``ctx.memo``), so checks
    run side by side start it only while no other check of its family runs. False: the
    state it computes is its own (a later check of the family may read it, waiting for it),
    so it may run beside them."""
    cost: float = 1.0
    """Roughly how long it runs on a large audit, in tenths of a second on the 1M-row
    benchmark (``benchmarks/run.py``), for scheduling only: checks run side by side start
    with the longest chain of checks that must run one after another (``serial_key``)."""

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def serial_key(self) -> str:
        """Checks with the same key run one after another when checks run side by side."""
        return self.family if self.shares_family_state else self.id

    def load(self) -> type[Check]:
        """The check class (imports its module, and so the numerical stack)."""
        check: type[Check] = load_attribute(self.implementation)
        return check

    def needs_check(self, other: CheckSpec) -> bool:
        """Whether this check reads ``other``'s result (and must run after it)."""
        if other.id == self.id:
            return False
        for pattern in self.needs:
            if pattern == ALL_OTHERS:
                if ALL_OTHERS not in other.needs:
                    return True
            elif other.id == pattern or (pattern.endswith(".") and other.id.startswith(pattern)):
                return True
        return False


def load_attribute(path: str) -> Any:
    """The object a ``"module:attribute"`` path names."""
    module_name, _, attribute = path.partition(":")
    if not attribute:
        raise ValueError(f"expected 'module:attribute', got {path!r}")
    return getattr(importlib.import_module(module_name), attribute)
