"""Predictions-only contexts for the explainability tests, built the way production builds them."""

from __future__ import annotations

import pandas as pd

from tests.context_builders import predictions_context as _predictions_context
from trustscan.context import AuditContext


def predictions_context(
    data: pd.DataFrame, *, features: list[str], sensitive: list[str], decisions: str
) -> AuditContext:
    """A predictions-only binary context (logged 0/1 decisions, 1 favourable, no model)."""
    return _predictions_context(
        data,
        features=features,
        sensitive=sensitive,
        predictions=decisions,
        positive_label=1,
        favourable_label=1,
    )
