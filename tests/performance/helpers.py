"""Build ``AuditContext`` objects in memory for the competence and consistency tests."""

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


def predictions_context(
    data: pd.DataFrame,
    *,
    sensitive: list[str],
    target: str | None,
    decisions: str,
    scores: str | None = None,
    seed: int = 0,
) -> AuditContext:
    """A predictions-only binary context (logged 0/1 decisions and optional scores)."""
    return AuditContext(
        data=data,
        features=data.loc[:, [c for c in data.columns if c not in (target, decisions, scores)]],
        sensitive=data.loc[:, sensitive],
        target_name=target,
        y_true=data[target].to_numpy() if target else None,
        predictions=data[decisions].to_numpy(),
        scores=None if scores is None else data[scores].to_numpy(dtype=float),
        proba=None,
        task="binary",
        classes=None,
        positive_label=1,
        model=None,
        seed=seed,
        data_path=Path("memory.csv"),
        model_path=None,
    )


def scored_frame(
    n_per_group: int = 2000, *, informative_b: bool = True, seed: int = 0
) -> pd.DataFrame:
    """Two groups; group b's scores carry no information when ``informative_b`` is False."""
    rng = np.random.default_rng(seed)
    group = np.repeat(["a", "b"], n_per_group)
    score = rng.uniform(size=2 * n_per_group)
    truth_driver = score.copy()
    if not informative_b:
        truth_driver[group == "b"] = rng.uniform(size=n_per_group)
    y = (rng.uniform(size=2 * n_per_group) < truth_driver).astype(int)
    return pd.DataFrame(
        {"group": group, "score": score, "decision": (score >= 0.5).astype(int), "y": y}
    )
