"""In-memory ``AuditContext`` builders shared by the check tests (no files, no CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trustscan.context import AuditContext
from trustscan.loading.adapter import adapter_for_estimator


def model_context(
    data: pd.DataFrame,
    model: Any,
    *,
    features: list[str],
    sensitive: list[str],
    target: str | None,
    seed: int = 0,
) -> AuditContext:
    """A context the way ``build_context`` makes one: predict once, share the results."""
    adapter = adapter_for_estimator(model, kind="sklearn", source="memory")
    frame = data.loc[:, features]
    predictions = np.asarray(adapter.predict(frame))
    proba = adapter.predict_proba(frame)
    classes = adapter.classes
    if classes is None:
        task, positive, scores = "regression", None, predictions.astype(float)
    else:
        task = "binary" if len(classes) == 2 else "multiclass"
        positive = classes[-1] if task == "binary" else None
        scores = (
            proba[:, list(classes).index(positive)]
            if task == "binary" and proba is not None
            else None
        )
    return AuditContext(
        data=data,
        features=frame,
        sensitive=data.loc[:, sensitive],
        target_name=target,
        y_true=data[target].to_numpy() if target else None,
        predictions=predictions,
        scores=scores,
        proba=proba,
        task=task,  # type: ignore[arg-type]
        classes=classes,
        positive_label=positive,
        model=adapter,
        seed=seed,
        data_path=Path("memory.csv"),
        model_path=Path("memory.skops"),
    )
