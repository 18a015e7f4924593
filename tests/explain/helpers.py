"""Build an ``AuditContext`` in memory from a dataframe and a fitted model (no files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from trustscan.context import AuditContext


def predictions_context(
    data: pd.DataFrame, *, features: list[str], sensitive: list[str], decisions: str
) -> AuditContext:
    """A predictions-only binary context (logged decisions, no model)."""
    return AuditContext(
        data=data,
        features=data.loc[:, features],
        sensitive=data.loc[:, sensitive],
        target_name=None,
        y_true=None,
        predictions=data[decisions].to_numpy(),
        scores=None,
        proba=None,
        task="binary",
        classes=None,
        positive_label=1,
        model=None,
        seed=0,
        data_path=Path("memory.csv"),
        model_path=None,
        predictions_column=decisions,
    )
