"""How much the model (or a surrogate of logged decisions) relies on each input: permutation
influence on a sample, with an input's redundant copies permuted together with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from trustscan.checks.leakage.probe import one_thread, probe_matrix
from trustscan.context import AuditContext
from trustscan.stats.boosting import Booster, Model

MAX_STACKED_ROWS = 200_000
"""Rows per model call when predicting permuted copies of the sample together (memory)."""


@dataclass(frozen=True)
class Influence:
    """Permutation influence of the measured inputs and how it was measured."""

    values: dict[str, float]
    """Per feature: share of decisions that change when it is permuted (regression: mean
    absolute change in prediction standard deviations)."""
    how: str
    n: int
    regression: bool = False
    together: dict[str, list[str]] = field(default_factory=dict)
    """Per feature: the redundant copies permuted with it (see ``redundant_copies``)."""


def measure_influence(
    ctx: AuditContext, candidates: list[str], sample_size: int, *, capped: bool = False
) -> Influence | None:
    """Permutation influence of each candidate feature on the decisions (or a surrogate's).

    ``capped``: only the ``MAX_PROBED_FEATURES`` most associated inputs are measured; the
    surrogate of logged decisions is then fitted on them alone (re-encoding thousands of
    columns for every permutation is what made wide inputs take hours)."""
    rng = ctx.rng("leakage.proxy_features:influence")
    n = ctx.n_rows
    # a flip rate of 1% is measured to about ±0.2% on 10,000 rows: half the probe sample will do
    size = min(n, max(2000, sample_size // 2))
    idx = np.sort(rng.choice(n, size=size, replace=False))
    frame = ctx.features.iloc[idx].reset_index(drop=True)
    # Copies are searched among the measured inputs only: a copy of an associated input is
    # as associated, so it is among them.
    together = redundant_copy_map(frame[candidates])
    regression = ctx.task == "regression"
    if ctx.model is not None:
        how = f"share of decisions that change when the feature is permuted ({len(idx):,} rows)"
        with one_thread():
            values = permutation_influence(
                ctx, _model_predictor(ctx), frame, candidates, rng, together
            )
    else:
        if capped:
            frame = frame[candidates]
        fitted = _surrogate(ctx, frame, idx, rng)
        if fitted is None:
            return None
        surrogate, usable, fidelity = fitted
        how = (
            "share of decisions that change when the feature is permuted, measured on a "
            f"surrogate model of the logged decisions (fidelity {fidelity:.0%}, {len(idx):,} rows)"
        )
        values = surrogate_influence(
            surrogate, frame[usable], candidates, rng, together, regression
        )
    if regression:
        how = how.replace(
            "share of decisions that change", "mean change of the prediction in standard deviations"
        )
    if any(together.values()):
        how += "; a feature's redundant copies among the inputs are permuted with it"
    return Influence(values, how, len(idx), regression=regression, together=together)


REDUNDANT_CORRELATION = 0.98
"""Two numeric inputs with at least this absolute correlation are copies of each other."""


def redundant_copies(frame: pd.DataFrame, feature: str) -> list[str]:
    """Other inputs that carry the same information as ``feature`` on these rows: a one-to-one
    recoding of it (``womens_club`` and ``club_member_f``), or a numeric copy with absolute
    correlation >= ``REDUNDANT_CORRELATION``. Permuting a feature alone while its copy stays
    would read as "barely used" when the model uses the pair; they are permuted together."""
    base = frame[feature]
    distinct = base.nunique(dropna=False)
    copies: list[str] = []
    for other in frame.columns:
        if other == feature:
            continue
        column = frame[other]
        numeric = pd.api.types.is_numeric_dtype(base) and pd.api.types.is_numeric_dtype(column)
        if numeric and distinct > 2 and column.nunique() > 2:
            with np.errstate(invalid="ignore", divide="ignore"):
                r = np.corrcoef(base.to_numpy(dtype=float), column.to_numpy(dtype=float))[0, 1]
            if np.isfinite(r) and abs(r) >= REDUNDANT_CORRELATION:
                copies.append(str(other))
            continue
        # A recoding has as many values as the feature; identifiers (a value per row) are not
        # recodings of anything.
        if not 1 < distinct <= max(50, len(frame) // 20):
            continue
        if column.nunique(dropna=False) != distinct:
            continue
        pairs = pd.DataFrame({"a": base.astype(object), "b": column.astype(object)})
        if pairs.drop_duplicates().shape[0] == distinct:
            copies.append(str(other))
    return copies


def redundant_copy_map(frame: pd.DataFrame) -> dict[str, list[str]]:
    """``redundant_copies`` for every column at once: the numeric correlations come from one
    correlation matrix and each column's distinct count is taken once, so 100 inputs cost
    milliseconds instead of 10,000 pairwise scans."""
    columns = [str(c) for c in frame.columns]
    distinct_all = {c: int(frame[c].nunique(dropna=False)) for c in columns}
    distinct = {c: int(frame[c].nunique()) for c in columns}
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    position = {c: i for i, c in enumerate(numeric)}
    correlation = np.empty((0, 0))
    if len(numeric) > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            correlation = np.atleast_2d(
                np.corrcoef(frame[numeric].to_numpy(dtype=float), rowvar=False)
            )
    rows = len(frame)
    copies: dict[str, list[str]] = {c: [] for c in columns}
    for feature in columns:
        base_distinct = distinct_all[feature]
        for other in columns:
            if other == feature:
                continue
            both_numeric = feature in position and other in position
            if both_numeric and base_distinct > 2 and distinct[other] > 2:
                r = correlation[position[feature], position[other]]
                if np.isfinite(r) and abs(r) >= REDUNDANT_CORRELATION:
                    copies[feature].append(other)
                continue
            if not 1 < base_distinct <= max(50, rows // 20):
                continue
            if distinct_all[other] != base_distinct:
                continue
            pairs = pd.DataFrame(
                {"a": frame[feature].astype(object), "b": frame[other].astype(object)}
            )
            if pairs.drop_duplicates().shape[0] == base_distinct:
                copies[feature].append(other)
    return copies


def permutation_influence(
    ctx: AuditContext,
    predict: Any,
    frame: pd.DataFrame,
    candidates: list[str],
    rng: np.random.Generator,
    together: dict[str, list[str]] | None = None,
) -> dict[str, float]:
    """Per candidate: how much ``predict``'s output on ``frame`` changes when the feature
    (and its redundant copies, with one permutation) is permuted."""

    def shuffled(columns: list[str], order: np.ndarray) -> pd.DataFrame:
        copy = frame.copy()
        for column in columns:
            # a re-indexed Series keeps the column's dtype (categoricals stay categorical)
            copy[column] = frame[column].iloc[order].set_axis(frame.index)
        return copy

    return _permuted_changes(
        predict,
        frame,
        len(frame),
        candidates,
        rng,
        together or {},
        regression=ctx.task == "regression",
        shuffled=shuffled,
        stack=lambda copies: pd.concat(copies, ignore_index=True),
    )


def _permuted_changes(
    predict: Any,
    original: Any,
    rows: int,
    candidates: list[str],
    rng: np.random.Generator,
    together: dict[str, list[str]],
    *,
    regression: bool,
    shuffled: Any,
    stack: Any,
) -> dict[str, float]:
    """The permutation loop shared by the model and the surrogate: ``shuffled(columns,
    order)`` is the input with those columns permuted, ``stack`` joins several inputs."""
    base = np.asarray(predict(original))
    scale = (float(np.std(base)) or 1.0) if regression else 1.0
    values: dict[str, float] = {}
    # Permuted copies are stacked and predicted together, up to MAX_STACKED_ROWS rows per
    # call: one model call per batch instead of one per feature (each call pays the model's
    # input validation; predictions are per row, so the numbers are the same).
    per_call = max(1, MAX_STACKED_ROWS // max(rows, 1))
    for start in range(0, len(candidates), per_call):
        batch = candidates[start : start + per_call]
        # One permutation for the feature and its copies keeps them consistent with each
        # other, so a copy left in place cannot stand in for the permuted feature.
        copies = [
            shuffled([feature, *together.get(feature, [])], rng.permutation(rows))
            for feature in batch
        ]
        predicted = np.asarray(predict(copies[0] if len(copies) == 1 else stack(copies)))
        for i, feature in enumerate(batch):
            values[feature] = _change(predicted[i * rows : (i + 1) * rows], base, regression, scale)
    return values


def _model_predictor(ctx: AuditContext) -> Any:
    model = ctx.model
    assert model is not None
    if ctx.task == "regression" or not model.has_proba:
        return lambda frame: np.asarray(model.predict(frame))
    # one call per permutation: decisions from probabilities, as predict does for classifiers
    return lambda frame: np.asarray(model.predict_proba(frame)).argmax(axis=1)


SURROGATE = Booster(iterations=60, learning_rate=0.1, depth=6)
"""The surrogate of logged decisions: 60 trees of depth 6 (scikit-learn's HistGradientBoosting
default grows 31 leaves leaf-wise, often deeper than 5 levels; at depth 5 permutation
influence read systematically lower than its on real data)."""


def _surrogate(
    ctx: AuditContext, frame: pd.DataFrame, idx: np.ndarray, rng: np.random.Generator
) -> tuple[Model, list[str], float] | None:
    """A model of the logged decisions (or predictions) fitted on the first half of the
    sampled rows, the inputs it uses, and its fidelity on the second half."""
    half = len(idx) // 2
    # Columns empty or constant in the fitting half carry nothing.
    usable = [c for c in frame.columns if frame[c].iloc[:half].nunique(dropna=True) > 1]
    if not usable:
        return None
    matrix, categorical = probe_matrix(frame[usable])
    if ctx.task == "regression":
        target = np.asarray(ctx.predictions, dtype=float)[idx]
        model = SURROGATE.regressor(matrix[:half], categorical, target[:half])
        held_out = model.predict(matrix[half:])
        fidelity = float(
            max(0.0, 1 - np.var(held_out - target[half:]) / (np.var(target[half:]) or 1))
        )
    else:
        labels = pd.Series(ctx.predictions[idx]).astype(str).to_numpy()
        _, target = np.unique(labels, return_inverse=True)
        target = target.reshape(-1)
        if len(np.unique(target[:half])) < 2:
            return None
        model = SURROGATE.classifier(matrix[:half], categorical, target[:half])
        fidelity = float(np.mean(model.predict(matrix[half:]) == target[half:]))
    # The surrogate measured is the one fitted on the first half, whose held-out fidelity is
    # the one reported (refitting on all rows cost a second fit for an unmeasured model).
    return model, usable, fidelity


def surrogate_influence(
    model: Model,
    frame: pd.DataFrame,
    candidates: list[str],
    rng: np.random.Generator,
    together: dict[str, list[str]],
    regression: bool,
) -> dict[str, float]:
    """``permutation_influence`` on the surrogate: the rows are binned once and each
    feature's bin column (with its copies') is permuted in the binned matrix, so no frame is
    copied or re-encoded per feature. Inputs the surrogate does not use change nothing."""
    binned = model.bins.apply(probe_matrix(frame)[0])
    position = {str(c): j for j, c in enumerate(frame.columns)}

    def shuffled(columns: list[str], order: np.ndarray) -> np.ndarray:
        used = [position[c] for c in columns if c in position]
        copy = binned.copy()
        copy[:, used] = binned[order][:, used]
        return copy

    return _permuted_changes(
        model.predict_binned,
        binned,
        binned.shape[0],
        candidates,
        rng,
        together,
        regression=regression,
        shuffled=shuffled,
        stack=np.concatenate,
    )


def _change(changed: np.ndarray, base: np.ndarray, regression: bool, scale: float) -> float:
    """Share of decisions that differ (regression: mean absolute change in ``scale`` units)."""
    if regression:
        return float(np.mean(np.abs(changed - base)) / scale)
    return float(np.mean(changed != base))
