"""``AuditContext``: the data, the model and its predictions, computed once for all checks."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.config import ScanConfig
from trustscan.context_columns import (
    _choose_features,
    _to_numpy,
    _validate_target,
    require_columns,
)
from trustscan.context_counts import counts_hint, expand_counts
from trustscan.context_outcome import (
    Task,
    _binary_outcome,
    _infer_task,
    _logged_predictions,
    ignored_label_note,
    mirror_scores,
    require_decisions,
    require_few_classes,
    require_shared_labels,
)
from trustscan.errors import InputError
from trustscan.loading import ModelAdapter
from trustscan.loading.documents import Documents
from trustscan.memo import Memo
from trustscan.model_inputs import as_encoded_text
from trustscan.outcomes import Outcome, equals_label
from trustscan.sensitive.attributes import plan_attributes
from trustscan.sensitive.autodetect import detect_for_audit
from trustscan.sensitive.groups import SensitiveGroupings, sensitive_groupings
from trustscan.stats.groups import GroupCodes, GroupCounts
from trustscan.stats.sources.base import StatisticsSource
from trustscan.stats.sources.memory import MemorySource

__all__ = [
    "AuditContext",
    "Task",
    "context_from_frames",
    "mirror_scores",
    "require_columns",
]


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
    """Binary tasks: the positive class, the event the model predicts (``deny = yes``,
    ``two_year_recid = 1``); precision, recall, calibration and ``scores`` are about it."""
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
    counts_column: str | None = None
    """The column (``--counts``) whose counts expanded an aggregated table into these rows,
    which therefore repeat by construction."""
    outcome: Outcome | None = None
    """Binary tasks: the positive class, the favourable decision and which way scores point."""
    sensitive_sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per sensitive attribute, the data columns it was built from (``race`` from ``black``,
    ``white``, ``hispan``); an attribute missing here is its own column."""
    prepared_groupings: SensitiveGroupings | None = None
    """Groupings built while loading (so their notes reach the report); else built lazily."""
    weights: np.ndarray | None = None
    """Rows each unit stands for, when the units are the cells of an out-of-core source
    (distinct sensitive values, decision, target and score with their row counts); None =
    every unit is one row. Counts-only checks weight by it (``group_counts``)."""
    source: StatisticsSource | None = None
    """Where column statistics come from; None = the in-memory ``data``."""
    sample: AuditContext | None = None
    """Out of core: the context of a stratified row sample, for the checks that need rows
    or the model; None = the rows are all here."""
    sample_how: str | None = None
    """How ``sample`` was drawn, in words for the report."""
    documents: Documents | None = None
    """The model card, consequence record, artifact hashes, git state and library versions,
    read before the checks (``loading.documents``); None until the pipeline reads them."""

    @property
    def n_rows(self) -> int:
        if self.weights is not None:
            return int(self.weights.sum())
        return int(self.data.shape[0])

    @property
    def n_columns(self) -> int:
        if self.source is not None:
            return len(self.source.columns())
        return int(self.data.shape[1])

    @property
    def statistics(self) -> StatisticsSource:
        """The statistics source: the engine's, else the in-memory frame."""
        return self.source if self.source is not None else MemorySource(self.data)

    @property
    def row_context(self) -> AuditContext:
        """The context whose units are rows: this one, or the sample of an out-of-core run."""
        return self.sample if self.sample is not None else self

    def group_counts(
        self, grouping: GroupCodes, selected: np.ndarray, y_true: np.ndarray | None = None
    ) -> GroupCounts:
        """Per-group confusion counts of these units, weighted by the rows each stands for."""
        return stats.group_counts(grouping, selected, y_true, weights=self.weights)

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.features.columns)

    @property
    def sensitive_names(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.sensitive.columns)

    @cached_property
    def memo(self) -> Memo:
        """Results several checks share (e.g. the competence checks' per-group metrics),
        computed once per context. A cached property, not a field, so ``replace`` starts
        a new context with an empty memo."""
        return Memo()

    @cached_property
    def groupings(self) -> SensitiveGroupings:
        """Group codes of each sensitive column and their intersections, built once."""
        if self.prepared_groupings is not None:
            return self.prepared_groupings
        return sensitive_groupings(self.sensitive, self.sensitive_sources, weights=self.weights)

    @property
    def sensitive_columns(self) -> frozenset[str]:
        """Every data column behind a sensitive attribute (``black`` behind ``race``)."""
        out = set(self.sensitive_names)
        for name in self.sensitive_names:
            out.update(self.sensitive_sources.get(name, ()))
        return frozenset(out)

    @property
    def mode(self) -> str:
        """ "model" when a model was audited, even out of core, where the counted rows carry
        its batch predictions and only the row sample holds the model itself."""
        audited = self.model if self.sample is None else (self.model or self.sample.model)
        return "predictions" if audited is None else "model"

    @property
    def favourable_label(self) -> Any:
        """Binary tasks: the label that benefits the person (hired, approved, low risk).

        A context built without an ``outcome`` (tests, the Python API) treats the positive
        label as favourable, as trustscan did before the two were told apart."""
        return self.positive_label if self.outcome is None else self.outcome.favourable_label

    @property
    def decisions(self) -> np.ndarray | None:
        """Binary tasks: True where the decision is the *favourable* one (selected, approved,
        low risk). Selection rates, impact ratios and drivers are about this."""
        if self.task != "binary":
            return None
        return equals_label(self.predictions, self.favourable_label)

    @property
    def y_true_favourable(self) -> np.ndarray | None:
        """Binary tasks with a target: True where the true outcome is the favourable one."""
        if self.task != "binary" or self.y_true is None:
            return None
        return equals_label(self.y_true, self.favourable_label)

    @property
    def predicted_positive(self) -> np.ndarray | None:
        """Binary tasks: True where the model predicted the positive class (the event)."""
        if self.task != "binary":
            return None
        return equals_label(self.predictions, self.positive_label)

    @property
    def y_true_positive(self) -> np.ndarray | None:
        """Binary tasks with a target: True where the true label is the positive class."""
        if self.task != "binary" or self.y_true is None:
            return None
        return equals_label(self.y_true, self.positive_label)

    @cached_property
    def favourable_scores(self) -> np.ndarray | None:
        """Binary tasks: scores oriented so that higher means the favourable decision (the
        positive-class ``scores`` reversed when the positive class is adverse)."""
        if self.task != "binary" or self.scores is None:
            return None
        if self.outcome is None or self.outcome.favourable_is_positive:
            return self.scores
        return mirror_scores(self.scores)

    def rng(self, purpose: str) -> np.random.Generator:
        """A generator seeded from the run seed and ``purpose``: checks stay independent."""
        digest = hashlib.sha256(f"{self.seed}:{purpose}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def context_from_frames(
    config: ScanConfig,
    *,
    data: pd.DataFrame,
    model: ModelAdapter | None,
    baseline: Mapping[str, Any] | None = None,
    notes: list[str] | None = None,
    weights: np.ndarray | None = None,
) -> AuditContext:
    """Everything after I/O: validate columns, plan the sensitive attributes and their groups,
    choose features, resolve the outcome, predict once. Reads no file: ``build_context``
    (``context_files``: files), the Python API and the tests (frames) all end here, so every context is one
    production could build.

    ``weights``: ``data`` holds the cells of an out-of-core source, each standing for that
    many rows (see ``AuditContext.weights``)."""
    where = config.data_path.name
    notes = list(notes or ())
    if config.counts_column is not None:
        data, expanded = expand_counts(data, config.counts_column, where)
        notes.append(expanded)
    elif weights is None and (hint := counts_hint(data)) is not None:
        notes.append(hint)
    detected_sensitive = not config.sensitive
    if detected_sensitive:  # never audit silently without sensitive attributes: detect, say so
        detected, detection_notes = detect_for_audit(
            data, (config.target, config.predictions_column, config.scores_column)
        )
        config = replace(config, sensitive=detected)
        notes.extend(detection_notes)

    require_columns(
        data, [config.target] if config.target else [], "target column", where, "--target"
    )
    require_columns(data, config.sensitive, "sensitive column", where, "--sensitive")
    if config.condition is not None:
        require_columns(data, [config.condition], "condition column", where, "--condition")
        if config.condition in config.sensitive:
            raise InputError(
                f"--condition {config.condition!r} is also a sensitive column",
                "condition on a legitimate stratum such as the department applied to",
            )
    for column in (config.predictions_column, config.scores_column):
        if column:
            flag = "--predictions" if column == config.predictions_column else "--scores"
            require_columns(data, [column], f"{flag[2:]} column", where, flag)
    _require_people_columns(config)
    for column in config.sensitive:
        if data[column].isna().all():
            raise InputError(
                f"sensitive column {column!r} in {where} is entirely empty",
                "fill it in or drop it from --sensitive",
            )

    plan = plan_attributes(data, config.sensitive, detected=detected_sensitive)
    notes.extend(plan.notes)
    sensitive = pd.DataFrame(
        {a.name: _to_numpy(a.values) for a in plan.attributes}, index=data.index
    )
    groupings = sensitive_groupings(sensitive, plan.sources, weights=weights)
    notes.extend(groupings.notes)

    feature_names = _choose_features(config, data, model)
    features = data.loc[:, list(feature_names)]
    if model is not None:
        features, retyped = as_encoded_text(features, model.estimator)
        notes.extend([retyped] if retyped else [])
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

    task = _infer_task(classes, predictions, y_true)
    if classes is None and y_true is not None:
        require_few_classes(task, y_true, "target", config.target or "")
    elif classes is None and config.predictions_column:
        require_few_classes(task, predictions, "predictions", config.predictions_column)
    scores_only = model is None and config.predictions_column is None
    if task != "regression" and not scores_only:
        require_decisions(np.asarray(predictions), config.predictions_column)
    if model is None and config.predictions_column and y_true is not None:
        require_shared_labels(
            task, predictions, y_true, config.predictions_column, config.target or ""
        )
    if scores_only and (task == "multiclass" or y_true is None):
        # Scores only: decisions are score >= threshold, a yes/no outcome. Without a target
        # nothing says otherwise, whatever the score's scale (a 300-850 credit score included:
        # read as a regression, its --threshold would be silently ignored).
        task = "binary"
    if (ignored := ignored_label_note(task, config)) is not None:
        notes.append(ignored)
    outcome: Outcome | None = None
    scores: np.ndarray | None = None
    if task == "binary":
        outcome, predictions, scores = _binary_outcome(
            config, data, predictions, proba, classes, y_true, notes, weights
        )
    elif task == "regression":
        scores = np.asarray(predictions, dtype=float)

    return AuditContext(
        data=data,
        features=features,
        sensitive=sensitive,
        sensitive_sources=plan.sources,
        prepared_groupings=groupings,
        target_name=config.target,
        y_true=y_true,
        predictions=np.asarray(predictions),
        scores=scores,
        proba=proba,
        task=task,
        classes=classes,
        positive_label=None if outcome is None else outcome.positive_label,
        outcome=outcome,
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
        counts_column=config.counts_column,
        weights=weights,
    )


def _require_people_columns(config: ScanConfig) -> None:
    """A sensitive attribute describes the people (sex, race, age), never the outcome or what
    the model decided: grouping by the decision makes every selection rate 0 or 1."""
    roles = (
        ("--target", config.target),
        ("--predictions", config.predictions_column),
        ("--scores", config.scores_column),
    )
    for column in config.sensitive:
        for flag, role_column in roles:
            if column == role_column:
                raise InputError(
                    f"sensitive column {column!r} is also the {flag} column",
                    "name the columns that describe the people (e.g. sex, race, age) in "
                    "--sensitive",
                )


def _rebuild_adapter(model: ModelAdapter) -> ModelAdapter:
    from trustscan.loading.adapter import adapter_for_estimator

    return adapter_for_estimator(
        model.estimator, kind=model.kind, source=model.source, load_warnings=model.load_warnings
    )
