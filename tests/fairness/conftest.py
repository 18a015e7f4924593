"""Fixtures: predictions-only ``AuditContext`` objects built straight from arrays."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.context_builders import predictions_context
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
    """A predictions-only context: no model, the given decisions, optional target/scores.

    Built by production (``context_from_frames``): ``task`` and ``classes`` state what the
    test expects production to infer, and the positive label is stated, never guessed."""
    pred = np.asarray(predictions)
    columns: dict[str, Any] = {name: np.asarray(v, dtype=object) for name, v in sensitive.items()}
    columns["prediction"] = pred
    if y_true is not None:
        columns["target"] = np.asarray(y_true)
    if scores is not None:
        columns["score"] = np.asarray(scores, dtype=float)
    binary = task == "binary"
    ctx = predictions_context(
        pd.DataFrame(columns),
        sensitive=list(sensitive),
        target="target" if y_true is not None else None,
        predictions="prediction",
        scores="score" if scores is not None else None,
        features=["prediction"],
        positive_label=positive_label if binary else None,
        favourable_label=positive_label if binary else None,
        seed=seed,
    )
    assert ctx.task == task, f"production infers a {ctx.task} task, the test expects {task}"
    if classes is not None:
        assert tuple(map(str, _classes(ctx))) == tuple(map(str, classes))
    return ctx


def _classes(ctx: AuditContext) -> tuple[Any, ...]:
    values = pd.Series(ctx.predictions)
    if ctx.y_true is not None:
        values = pd.concat([values, pd.Series(ctx.y_true)])
    return tuple(sorted(values.dropna().unique().tolist(), key=str))


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
