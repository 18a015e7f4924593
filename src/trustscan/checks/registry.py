"""The check registry: an explicit, ordered tuple of declarations, light to import.

Add a check = one module in its family folder, its ``CheckSpec`` in the family's
``__init__.py`` and one line here. Everything else (the engine, the report's sections and
renderers, the docs, ``trustscan explain``, the comparison with a baseline) reads ``SPECS``
at call time, so a test can register a check by replacing it with a longer copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from trustscan.checks import (
    analyses,
    consistency,
    data,
    documentation,
    explain,
    fairness,
    leakage,
    performance,
    traceability,
)
from trustscan.checks.spec import CheckSpec

SPECS: tuple[CheckSpec, ...] = (
    data.QUALITY,
    fairness.SELECTION_RATE,
    fairness.ERROR_RATES,
    analyses.DATA_BIAS,
    analyses.CONDITIONAL_DISPARITY,
    analyses.SLICE_SEARCH,
    analyses.MITIGATION_PREVIEW,
    leakage.SENSITIVE_TARGET,
    leakage.OUTPUT_INFERENCE,
    leakage.PROXY_FEATURES,
    performance.OVERALL,
    performance.GROUP_GAP,
    performance.CALIBRATION,
    consistency.DETERMINISM,
    consistency.PERTURBATION,
    explain.COUNTERFACTUAL_FLIP,
    explain.FEATURE_IMPORTANCE,
    explain.GROUP_IMPORTANCE,
    explain.DISPARITY_DRIVERS,
    traceability.PROVENANCE,
    traceability.COMPATIBILITY,
    documentation.MODEL_CARD,
    consistency.BASELINE,
    documentation.CONSEQUENCE_SCAN,
)
"""Every check, in the order reports list them (``run_order`` keeps it where ``needs``
allows; a test asserts this order already satisfies every ``needs``)."""


def specs() -> tuple[CheckSpec, ...]:
    """The registry in effect (read at call time, so a replaced ``SPECS`` is seen)."""
    return SPECS


def spec_by_id(check_id: str) -> CheckSpec | None:
    return next((s for s in SPECS if s.id == check_id), None)


def gated_in_compare() -> frozenset[str]:
    """Ids of the checks whose regressions fail a comparison with a baseline."""
    return frozenset(s.id for s in SPECS if s.gated_in_compare)


def run_order(selected: Sequence[CheckSpec]) -> tuple[CheckSpec, ...]:
    """``selected`` in registry order, except that a check runs after every selected check it
    needs. Raises ``ValueError`` on a cycle, naming the checks in it."""
    pending = list(selected)
    done: list[CheckSpec] = []
    while pending:
        ready = next(
            (s for s in pending if not any(s.needs_check(o) for o in pending if o is not s)),
            None,
        )
        if ready is None:
            raise ValueError(
                "checks need each other's results: " + ", ".join(s.id for s in pending)
            )
        pending.remove(ready)
        done.append(ready)
    return tuple(done)
