"""Fixtures: predictions-only ``AuditContext`` objects built straight from arrays."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from trustscan.context import AuditContext, Task

MakeContext = Callable[..., AuditContext]


def make_context(
    *,
    sensitive: Mapping[str, Sequence[Any] | np.ndarray],
    predictions: Sequence[Any] | np.ndarray,
    y_true: Sequence[Any] | np.ndarray | None = None,
    scores: Sequence[float] | np.ndarray | None = None,
    task: Task = "binary",
    positive_label: Any = 1,
    classes: tuple[Any, ...] | None = None,
    seed: int = 0,
) -> AuditContext:
    """A predictions-only context: no model, the given decisions, optional target/scores."""
    pred = np.asarray(predictions)
    columns: dict[str, Any] = {name: np.asarray(v, dtype=object) for name, v in sensitive.items()}
    columns["prediction"] = pred
    if y_true is not None:
        columns["target"] = np.asarray(y_true)
    data = pd.DataFrame(columns)
    return AuditContext(
        data=data,
        features=data[["prediction"]],
        sensitive=data[list(sensitive)],
        target_name="target" if y_true is not None else None,
        y_true=None if y_true is None else np.asarray(y_true),
        predictions=pred,
        scores=None if scores is None else np.asarray(scores, dtype=float),
        proba=None,
        task=task,
        classes=classes,
        positive_label=positive_label if task == "binary" else None,
        model=None,
        seed=seed,
        data_path=Path("memory.csv"),
        model_path=None,
        predictions_column="prediction",
    )


@pytest.fixture
def context_from_arrays() -> MakeContext:
    return make_context


def planted(
    group_sizes: Mapping[str, int], selected: Mapping[str, int], *, feature: str = "gender"
) -> dict[str, Any]:
    """Rows with exactly ``selected[g]`` of ``group_sizes[g]`` selected in each group."""
    labels: list[str] = []
    decisions: list[int] = []
    for group, n in group_sizes.items():
        labels += [group] * n
        decisions += [1] * selected[group] + [0] * (n - selected[group])
    return {"sensitive": {feature: labels}, "predictions": np.array(decisions)}
