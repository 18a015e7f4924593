"""``AuditContext``: the data, the model and its predictions, computed once for all checks."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from trustscan.config import ScanConfig
from trustscan.errors import InputError
from trustscan.loading import ModelAdapter, load_model, read_table
from trustscan.loading.data import read_column_names
from trustscan.loading.reports import read_report
from trustscan.sensitive.autodetect import detect_for_audit
from trustscan.sensitive_groups import SensitiveGroupings, sensitive_groupings

Task = Literal["binary", "multiclass", "regression"]

_ID_LIKE = re.compile(r"(^|[_\-\s])(id|uuid|guid|key)$|^id[_\-]", re.IGNORECASE)
_POSITIVE_NAMES = ("1", "true", "yes", "y", "positive", "pos")
_MAX_CLASSES = 20


@dataclass(frozen=True)
class AuditContext:
    """What every check reads. Built once; nothing here is recomputed by a check."""

    data: pd.DataFrame
    """The dataset as loaded (all columns)."""
    features: pd.DataFrame
    """The model's input columns, in the model's order."""
    sensitive: pd.DataFrame
    """The declared sensitive columns (raw values; may include model inputs)."""
    target_name: str | None
    y_true: np.ndarray | None
    """Target values as loaded (labels for classification, floats for regression)."""
    predictions: np.ndarray
    """Predicted labels (classification) or values (regression), one per row."""
    scores: np.ndarray | None
    """Binary: probability/score of the positive class. Regression: the prediction. Else None."""
    proba: np.ndarray | None
    """Classifier probabilities, one column per class in ``classes`` order."""
    task: Task
    classes: tuple[Any, ...] | None
    positive_label: Any
    """Binary tasks: the label that counts as the favourable/selected outcome."""
    model: ModelAdapter | None
    """None in predictions-only mode."""
    seed: int
    data_path: Path
    model_path: Path | None
    config_path: Path | None = None
    command_line: tuple[str, ...] = ()
    predictions_column: str | None = None
    scores_column: str | None = None
    notes: tuple[str, ...] = ()
    started_at: float = field(default_factory=time.time)
    prediction_seconds: float = 0.0
    baseline_path: Path | None = None
    """A previous JSON report to compare this audit with (``--baseline``)."""
    baseline: Mapping[str, Any] | None = None
    """That report, parsed once while loading (a bad file is an input error, exit 2)."""
    condition_name: str | None = None
    """Column of the legitimate stratum demographic disparity is conditioned on."""

    @property
    def n_rows(self) -> int:
        return int(self.data.shape[0])

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.features.columns)

    @property
    def sensitive_names(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.sensitive.columns)

    @cached_property
    def groupings(self) -> SensitiveGroupings:
        """Group codes of each sensitive column and their intersections, built once."""
        return sensitive_groupings(self.sensitive)

    @property
    def mode(self) -> str:
        return "predictions" if self.model is None else "model"

    @property
    def decisions(self) -> np.ndarray | None:
        """Binary tasks: True where the model selected the positive label."""
        if self.task != "binary":
            return None
        return _equals_label(self.predictions, self.positive_label)

    @property
    def y_true_positive(self) -> np.ndarray | None:
        """Binary tasks with a target: True where the true label is the positive label."""
        if self.task != "binary" or self.y_true is None:
            return None
        return _equals_label(self.y_true, self.positive_label)

    def rng(self, purpose: str) -> np.random.Generator:
        """A generator seeded from the run seed and ``purpose``: checks stay independent."""
        digest = hashlib.sha256(f"{self.seed}:{purpose}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _equals_label(values: np.ndarray, label: Any) -> np.ndarray:
    if values.dtype.kind in "biuf" and not isinstance(label, str):
        return np.asarray(values == label, dtype=bool)
    return np.asarray(pd.Series(values).astype(str).to_numpy() == str(label), dtype=bool)


def build_context(config: ScanConfig) -> AuditContext:
    """Load data and model, validate columns, predict once."""
    model = (
        load_model(
            config.model_path, trust_pickle=config.trust_pickle, trusted_types=config.trust_types
        )
        if config.model_path is not None
        else None
    )
    available = read_column_names(config.data_path)
    columns = _columns_to_read(config, model, available)
    data = read_table(config.data_path, encoding=config.encoding, columns=columns)
    baseline = (
        read_report(config.baseline_path, what="baseline report")
        if config.baseline_path is not None
        else None
    )
    where = config.data_path.name
    notes: list[str] = []
    if columns is not None and available is not None and len(columns) < len(available):
        notes.append(
            f"Read {len(columns)} of {len(available)} columns from {where}: the others are "
            "not model inputs, target, sensitive, decision/score or id columns."
        )
    return context_from_inputs(config, data=data, model=model, baseline=baseline, notes=notes)


def context_from_inputs(
    config: ScanConfig,
    *,
    data: pd.DataFrame,
    model: ModelAdapter | None,
    baseline: Mapping[str, Any] | None = None,
    notes: list[str] | None = None,
) -> AuditContext:
    """Everything after I/O: validate columns, choose features, predict once. Pure in-memory;
    ``build_context`` (files) and the Python API (frames) both end here."""
    where = config.data_path.name
    notes = list(notes or ())
    if not config.sensitive:  # never audit silently without sensitive attributes: detect, say so
        detected, detection_notes = detect_for_audit(
            data, (config.target, config.predictions_column, config.scores_column)
        )
        config = replace(config, sensitive=detected)
        notes.extend(detection_notes)

    _require_columns(
        data, [config.target] if config.target else [], "target column", where, "--target"
    )
    _require_columns(data, config.sensitive, "sensitive column", where, "--sensitive")
    if config.condition is not None:
        _require_columns(data, [config.condition], "condition column", where, "--condition")
        if config.condition in config.sensitive:
            raise InputError(
                f"--condition {config.condition!r} is also a sensitive column",
                "condition on a legitimate stratum such as the department applied to",
            )
    for column in (config.predictions_column, config.scores_column):
        if column:
            flag = "--predictions" if column == config.predictions_column else "--scores"
            _require_columns(data, [column], f"{flag[2:]} column", where, flag)
    for column in config.sensitive:
        if data[column].isna().all():
            raise InputError(
                f"sensitive column {column!r} in {where} is entirely empty",
                "fill it in or drop it from --sensitive",
            )

    feature_names = _choose_features(config, data, model)
    features = data.loc[:, list(feature_names)]
    y_true = data[config.target].to_numpy() if config.target else None
    if y_true is not None:
        _validate_target(y_true, config.target or "", where)

    started = time.perf_counter()
    if model is not None:
        if hasattr(model.estimator, "infer_classes") and model.classes is None:
            model.estimator.infer_classes(features)
            model = _rebuild_adapter(model)
        predictions, proba = model.predict_with_proba(features)
        classes = model.classes
    else:
        predictions, proba, classes = _logged_predictions(config, data)
    prediction_seconds = time.perf_counter() - started

    task = _infer_task(classes, predictions, y_true, model is not None)
    positive_label = None
    scores: np.ndarray | None = None
    if task == "binary":
        label_pool = _label_pool(classes, predictions, y_true, config.predictions_column)
        positive_label = _choose_positive_label(config.positive_label, label_pool, notes)
        scores = _positive_scores(config, data, proba, classes, positive_label)
        if model is None and config.predictions_column is None:
            threshold = config.policy.decision_threshold
            assert scores is not None
            predictions = np.where(
                scores >= threshold, positive_label, _other(label_pool, positive_label)
            )
            notes.append(
                f"Decisions were derived from {config.scores_column!r} at threshold {threshold}."
            )
    elif task == "regression":
        scores = np.asarray(predictions, dtype=float)

    return AuditContext(
        data=data,
        features=features,
        sensitive=data.loc[:, list(config.sensitive)],
        target_name=config.target,
        y_true=y_true,
        predictions=np.asarray(predictions),
        scores=scores,
        proba=proba,
        task=task,
        classes=classes,
        positive_label=positive_label,
        model=model,
        seed=config.seed,
        data_path=config.data_path,
        model_path=config.model_path,
        config_path=config.config_path,
        command_line=config.command_line,
        predictions_column=config.predictions_column,
        scores_column=config.scores_column,
        notes=tuple(notes),
        prediction_seconds=prediction_seconds,
        baseline_path=config.baseline_path,
        baseline=baseline,
        condition_name=config.condition,
    )


def _columns_to_read(
    config: ScanConfig, model: ModelAdapter | None, available: tuple[str, ...] | None
) -> list[str] | None:
    """The columns the audit uses, in file order; None = read every column.

    Needed: target, sensitive, decision and score columns, the features, and id-like
    columns (cheap, and they keep ``data.quality``'s duplicate count about whole records).
    Everything is needed when the features are not known before reading (predictions-only
    mode without ``--features``, where every other column is a feature and a candidate
    proxy for ``leakage.proxy_features``; or a model without recorded input names) or when
    sensitive columns must be auto-detected from the data.
    """
    if available is None or not config.sensitive:
        return None
    if config.features is not None:
        features: tuple[str, ...] = config.features
    elif model is not None and model.feature_names is not None:
        features = model.feature_names
    else:
        return None
    wanted = {
        *features,
        *config.sensitive,
        *(
            c
            for c in (
                config.target,
                config.predictions_column,
                config.scores_column,
                config.condition,
            )
            if c
        ),
    }
    # Names the file lacks are left out here; the checks below then raise the usual error.
    return [c for c in available if c in wanted or _ID_LIKE.search(c)]


def _rebuild_adapter(model: ModelAdapter) -> ModelAdapter:
    from trustscan.loading.adapter import adapter_for_estimator

    return adapter_for_estimator(
        model.estimator, kind=model.kind, source=model.source, load_warnings=model.load_warnings
    )


def _require_columns(data: pd.DataFrame, columns: Any, what: str, where: str, flag: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        available = ", ".join(map(str, list(data.columns)[:12]))
        more = " ..." if data.shape[1] > 12 else ""
        raise InputError(
            f"{what} {', '.join(map(repr, missing))} not found in {where}",
            f"check {flag}; available columns: {available}{more}",
        )


def _choose_features(
    config: ScanConfig, data: pd.DataFrame, model: ModelAdapter | None
) -> tuple[str, ...]:
    where = config.data_path.name
    if config.features is not None:
        _require_columns(data, config.features, "feature column", where, "--features")
        return config.features
    if model is not None and model.feature_names is not None:
        missing = [c for c in model.feature_names if c not in data.columns]
        if missing:
            raise InputError(
                f"the model needs feature columns missing from {where}: {', '.join(missing)}",
                "add them to the data or audit the dataset the model was trained on",
            )
        return model.feature_names
    excluded = {config.target, config.predictions_column, config.scores_column, *config.sensitive}
    chosen = tuple(
        str(c) for c in data.columns if c not in excluded and not _ID_LIKE.search(str(c))
    )
    if not chosen:
        raise InputError(
            f"no feature columns left in {where} after removing target, sensitive and id columns",
            "name the model's inputs with --features",
        )
    return chosen


def _validate_target(y_true: np.ndarray, name: str, where: str) -> None:
    present = pd.Series(y_true).dropna()
    if present.empty:
        raise InputError(f"target column {name!r} in {where} is entirely empty")
    if present.nunique() < 2:
        raise InputError(
            f"target column {name!r} in {where} has a single class ({present.iloc[0]!r})",
            "fairness and performance need both outcomes; audit a sample with both classes",
        )


def _logged_predictions(
    config: ScanConfig, data: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray | None, tuple[Any, ...] | None]:
    if config.predictions_column:
        predictions = data[config.predictions_column].to_numpy()
        if pd.isna(predictions).any():
            raise InputError(
                f"predictions column {config.predictions_column!r} has "
                f"{int(pd.isna(predictions).sum())} empty values",
                "every audited row needs a decision",
            )
    else:
        assert config.scores_column is not None
        predictions = data[config.scores_column].to_numpy()
    return predictions, None, None


def _infer_task(
    classes: tuple[Any, ...] | None,
    predictions: np.ndarray,
    y_true: np.ndarray | None,
    has_model: bool,
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


def _choose_positive_label(requested: str | None, labels: tuple[Any, ...], notes: list[str]) -> Any:
    if requested is not None:
        for label in labels:
            if str(label) == requested or (
                isinstance(label, bool | np.bool_) and requested.lower() == str(label).lower()
            ):
                return label
        raise InputError(
            f"--positive-label {requested!r} is not one of the labels "
            f"({', '.join(map(str, labels))})",
            "pass one of those values",
        )
    for label in labels:
        if str(label).lower() in _POSITIVE_NAMES:
            return label
    if not all(isinstance(label, int | float | np.integer | np.floating) for label in labels):
        # Guessing between e.g. "approved" and "denied" would silently invert every rate.
        raise InputError(
            f"cannot tell which label is the favourable outcome among {', '.join(map(repr, labels))}",
            "pass --positive-label with one of them",
        )
    chosen = max(labels)
    notes.append(
        f"Positive label {chosen!r} was taken as the larger of {list(labels)}; "
        "pass --positive-label to choose another."
    )
    return chosen


def _other(labels: tuple[Any, ...], positive: Any) -> Any:
    others = [label for label in labels if label != positive]
    return others[0] if others else 0


def _positive_scores(
    config: ScanConfig,
    data: pd.DataFrame,
    proba: np.ndarray | None,
    classes: tuple[Any, ...] | None,
    positive_label: Any,
) -> np.ndarray | None:
    if config.scores_column:
        scores = pd.to_numeric(data[config.scores_column], errors="coerce").to_numpy(dtype=float)
        if np.isnan(scores).any():
            raise InputError(
                f"scores column {config.scores_column!r} has empty or non-numeric values",
                "every row needs a numeric score",
            )
        return scores
    if proba is not None and classes is not None:
        return proba[:, list(classes).index(positive_label)]
    return None
