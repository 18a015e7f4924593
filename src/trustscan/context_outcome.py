"""The task (binary, multiclass, regression), the outcome definition, the decisions and the
positive-class scores of an audit: resolved once from the model or the logged columns."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from trustscan.config import ScanConfig
from trustscan.errors import InputError
from trustscan.outcomes import (
    NamedColumn,
    Outcome,
    equals_label,
    resolve_outcome,
    score_direction,
)

Task = Literal["binary", "multiclass", "regression"]
_MAX_CLASSES = 20


def mirror_scores(scores: np.ndarray) -> np.ndarray:
    """Reverse a score's direction on its own scale: ``1 - s`` for probabilities, else
    ``min + max - s`` (a 1-10 risk decile becomes a 10-1 one)."""
    values = np.asarray(scores, dtype=float)
    if values.size == 0:
        return values
    low, high = float(np.min(values)), float(np.max(values))
    if low >= 0.0 and high <= 1.0:
        return 1.0 - values
    return (low + high) - values


def _logged_predictions(
    config: ScanConfig, data: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray | None, tuple[Any, ...] | None]:
    if config.predictions_column:
        predictions = data[config.predictions_column].to_numpy()
        if pd.isna(predictions).any():
            raise InputError(
                f"predictions column {config.predictions_column!r} has "
                f"{int(pd.isna(predictions).sum()):,} empty values out of {predictions.size:,}",
                "every audited row needs a decision: drop the rows without one (or fill in "
                "their decisions) before auditing",
            )
    else:
        assert config.scores_column is not None
        predictions = data[config.scores_column].to_numpy()
    return predictions, None, None


def _infer_task(
    classes: tuple[Any, ...] | None,
    predictions: np.ndarray,
    y_true: np.ndarray | None,
) -> Task:
    if classes is not None:
        return "binary" if len(classes) == 2 else "multiclass"
    values = pd.Series(y_true if y_true is not None else predictions).dropna()
    if values.dtype.kind == "f" and not np.all(np.mod(values.to_numpy(), 1) == 0):
        return "binary" if (y_true is None and values.between(0, 1).all()) else "regression"
    n_unique = values.nunique()
    if n_unique <= 2:
        return "binary"
    if n_unique <= _MAX_CLASSES or values.dtype.kind in "OSUb":
        return "multiclass"
    return "regression"


_MAX_TEXT_CLASSES = 50
"""Text labels beyond this many are not classes (free text, IDs, numbers stored as text)."""


def require_few_classes(task: Task, labels: np.ndarray, role: str, column: str) -> None:
    """A multi-class task's labels, where they come from a column (no model's classes): a
    column with hundreds of distinct texts audited as classes gives one group per row and
    verdicts about nothing (an output that 'predicts' everything with AUC 1.00)."""
    if task != "multiclass":
        return
    n_labels = int(pd.Series(labels).nunique(dropna=True))
    if n_labels <= _MAX_TEXT_CLASSES:
        return
    raise InputError(
        f"{role} column {column!r} has {n_labels:,} distinct labels, more than the "
        f"{_MAX_TEXT_CLASSES} classes trustscan audits",
        f"pass the column that holds the {'decisions' if role == 'predictions' else 'outcomes'}"
        " (e.g. approve / deny); numbers stored as text need converting to numbers",
    )


def require_shared_labels(
    task: Task, predictions: np.ndarray, y_true: np.ndarray, column: str, target: str
) -> None:
    """Logged decisions and outcomes must speak the same labels: decisions written High /
    Medium / Low beside a 0/1 outcome match no outcome, so every group's selection rate was 0
    and the audit passed. Yes/no: every decision label must be an outcome label; multi-class:
    at least one (a class this sample never saw happen can be predicted)."""
    if task == "regression":
        return
    outcomes = pd.Series(y_true).dropna().unique()
    decided = pd.Series(predictions).dropna().unique()
    unmatched = [d for d in decided if not any(equals_label(np.array([d]), t) for t in outcomes)]
    if not unmatched or (task == "multiclass" and len(unmatched) < len(decided)):
        return
    shown = ", ".join(sorted((str(v) for v in unmatched), key=str)[:5])
    known = ", ".join(sorted((str(v) for v in outcomes), key=str)[:5])
    raise InputError(
        f"predictions column {column!r} holds labels the target {target!r} never takes "
        f"({shown}; the target's are {known})",
        "write the decisions with the target's labels (e.g. High -> 1), or pass a numeric "
        "score with --scores and --threshold",
    )


def ignored_label_note(task: Task, config: ScanConfig) -> str | None:
    """Say so when --favourable-label / --positive-label cannot apply: a multi-class task
    compares each class one-vs-rest with none favourable, a regression has no labels."""
    given = [
        f"--{option} {value}"
        for option, value in (
            ("favourable-label", config.favourable_label),
            ("positive-label", config.positive_label),
        )
        if value is not None
    ]
    if task == "binary" or not given:
        return None
    how = (
        "each class is compared one-vs-rest and none is treated as favourable"
        if task == "multiclass"
        else "a regression's outcomes are numbers, not labels"
    )
    return f"Ignored {' and '.join(given)}: this is a {task} task, so {how}."


def require_decisions(predictions: np.ndarray, column: str | None) -> None:
    """Decisions of a yes/no or multi-class task are labels. Fractional values there are
    scores (or a regressor's outputs): counted as decisions, almost nobody is selected and
    every rate is wrong, so they are refused rather than audited."""
    if predictions.dtype.kind != "f":
        return
    values = predictions[~np.isnan(predictions)]
    fractional = int(np.count_nonzero(np.mod(values, 1) != 0))
    if not fractional:
        return
    if column is not None:
        raise InputError(
            f"predictions column {column!r} holds {fractional:,} fractional values: scores, "
            "not decisions",
            f"pass it as --scores {column} (decisions are score >= --threshold), or give "
            "--predictions the column that holds the decisions",
        )
    raise InputError(
        "the model predicts continuous values (a regressor) while the outcome has classes",
        "audit the classifier that makes the decisions, or log this model's outputs and pass "
        "them as --scores with --threshold",
    )


def _label_pool(
    classes: tuple[Any, ...] | None,
    predictions: np.ndarray,
    y_true: np.ndarray | None,
    predictions_column: str | None,
) -> tuple[Any, ...]:
    """The binary labels: the model's classes, else the target's, else the logged decisions'."""
    if classes is not None:
        return classes
    if y_true is not None:
        source = y_true
    elif predictions_column is not None:
        source = predictions
    else:
        return (0, 1)  # scores only, no target: decisions are 1 above the threshold
    values = pd.Series(source).dropna().unique()
    return tuple(sorted(values.tolist(), key=str))


def _binary_outcome(
    config: ScanConfig,
    data: pd.DataFrame,
    predictions: np.ndarray,
    proba: np.ndarray | None,
    classes: tuple[Any, ...] | None,
    y_true: np.ndarray | None,
    notes: list[str],
    weights: np.ndarray | None = None,
) -> tuple[Outcome, np.ndarray, np.ndarray | None]:
    """The outcome definition, the decisions and the positive-class scores of a binary task."""
    label_pool = _label_pool(classes, predictions, y_true, config.predictions_column)
    named = [
        NamedColumn(role, name)
        for role, name in (
            ("decision", config.predictions_column),
            ("target", config.target),
            ("score", config.scores_column),
        )
        if name
    ]
    outcome = resolve_outcome(
        label_pool,
        columns=named,
        decision_name=config.predictions_column or config.target or "decision",
        positive_requested=config.positive_label,
        favourable_requested=config.favourable_label,
    )
    if (
        outcome.by_default
        and config.scores_column is not None
        and config.predictions_column is None
        and y_true is None
    ):
        # Only a score, no decisions, no outcome, no telling name: a credit score and a risk
        # score look alike, and guessing would invert every rate.
        raise InputError(
            f"cannot tell whether a higher {config.scores_column!r} is favourable (like a "
            "credit score) or adverse (like a risk score)",
            "pass --favourable-label 1 if a score at or above --threshold is favourable, "
            "--favourable-label 0 if it is adverse",
        )
    if config.scores_column is None:
        scores = None
        if proba is not None and classes is not None:
            scores = proba[:, list(classes).index(outcome.positive_label)]
            _, statement = score_direction(
                outcome, score_name="predicted probability", columns=(), measured=None
            )
            outcome = replace(outcome, score_points_to=outcome.positive_label,
                              score_statement=statement)  # fmt: skip
        return outcome, predictions, scores
    raw = _score_column(config, data)
    measured = None
    if config.predictions_column is not None:
        measured = _auc(raw, equals_label(predictions, outcome.positive_label), weights)
        notes.append(
            f"Decisions come from {config.predictions_column!r} (selection rate, error rates, "
            f"accuracy, precision, recall); scores from {config.scores_column!r} drive ROC AUC, "
            "calibration, the scoring rate and output inference."
        )
    points, statement = score_direction(
        outcome, score_name=config.scores_column, columns=named, measured=measured
    )
    outcome = replace(outcome, score_points_to=points, score_statement=statement)
    if config.predictions_column is None:
        threshold = _threshold_for(config, raw)
        other = (
            outcome.negative_label
            if _same_label(points, outcome.positive_label)
            else (outcome.positive_label)
        )
        predictions = np.where(raw >= threshold, points, other)
        notes.append(
            f"Decisions were derived from {config.scores_column!r}: score >= {threshold:g} "
            f"means {outcome.decision_name} = {points}."
        )
    positive_scores = raw if _same_label(points, outcome.positive_label) else mirror_scores(raw)
    return outcome, predictions, positive_scores


def _same_label(a: Any, b: Any) -> bool:
    return a == b or str(a) == str(b)


def _threshold_for(config: ScanConfig, raw: np.ndarray) -> float:
    """The decision threshold; scores off the [0, 1] scale need one given explicitly."""
    if config.threshold is not None:
        return float(config.threshold)
    low, high = float(np.min(raw)), float(np.max(raw))
    if low < 0.0 or high > 1.0:
        raise InputError(
            f"scores column {config.scores_column!r} ranges from {low:g} to {high:g}, outside "
            "[0, 1], and no decision threshold was given",
            "pass --threshold (e.g. --threshold 5 for a 1-10 score), or --predictions COL "
            "with the logged decisions",
        )
    return float(config.policy.decision_threshold)


def _auc(
    scores: np.ndarray, positive: np.ndarray, weights: np.ndarray | None = None
) -> float | None:
    """Rank AUC of ``scores`` for ``positive`` (None when one side is empty); ties count
    half. ``weights``: rows per unit (cells of an out-of-core source)."""
    order = np.argsort(scores)  # any order of tied scores: ties are counted by value
    ranked = scores[order]
    new_level = np.ones(ranked.size, dtype=bool)
    new_level[1:] = ranked[1:] != ranked[:-1]
    positive = np.asarray(positive, dtype=bool)[order]
    if weights is None and new_level.all():  # distinct scores: the Mann-Whitney rank sum
        n_pos = int(positive.sum())
        n_neg = positive.size - n_pos
        if n_pos == 0 or n_neg == 0:
            return None
        pairs = int(np.flatnonzero(positive).sum()) - n_pos * (n_pos - 1) // 2
        return float(pairs / (float(n_pos) * float(n_neg)))
    w = np.ones(scores.size) if weights is None else np.asarray(weights, dtype=float)[order]
    level = np.cumsum(new_level) - 1
    pos = np.bincount(level, weights=w * positive)
    neg = np.bincount(level, weights=w * ~positive)
    n1, n0 = float(pos.sum()), float(neg.sum())
    if n1 == 0 or n0 == 0:
        return None
    below = np.cumsum(neg) - neg  # negatives scored lower than each level
    return float((pos * (below + 0.5 * neg)).sum() / (n1 * n0))


def _score_column(config: ScanConfig, data: pd.DataFrame) -> np.ndarray:
    assert config.scores_column is not None
    scores = pd.to_numeric(data[config.scores_column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(scores)
    if bad.any():
        raise InputError(
            f"scores column {config.scores_column!r} has {int(bad.sum()):,} empty, non-numeric "
            "or infinite values",
            "every row needs a finite numeric score",
        )
    return scores
