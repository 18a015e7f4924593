"""Shared machinery of the explainability checks: group values, samples, batched prediction,
permutation scores that reproduce scikit-learn's, group counts and native importance.

Everything here works on a stratified sample of the audited rows and predicts on stacked
copies of it, so a check costs a handful of model calls whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.stats import from_codes, group_counts
from trustscan.stats.groups import GroupCodes
from trustscan.stats.ranks import roc_auc
from trustscan.stats.sampling import stratified_indices

MAX_STACKED_ROWS = 200_000
"""Rows per model call when predicting on stacked copies of the sample (bounds memory)."""

Outputs = Callable[[pd.DataFrame], np.ndarray]


# ------------------------------------------------------------------------------------- groups


def binned(grouping: GroupCodes) -> bool:
    """Whether a single attribute's groups are bins of numbers rather than its own values."""
    return grouping.schema.binning[0].method != "values"


def representatives(grouping: GroupCodes, series: pd.Series) -> tuple[Any, ...]:
    """A raw value standing for each known group of a single attribute: the value itself, or
    a bin's median (what a counterfactual sets the attribute to)."""
    codes = grouping.known_codes()
    known = grouping.schema.known
    if binned(grouping):
        values = series.to_numpy(dtype=float)
        return tuple(float(np.median(values[codes == k])) for k in known)
    _, first = np.unique(codes, return_index=True)
    first_of = dict(zip(np.unique(codes).tolist(), first.tolist(), strict=True))
    raw = series.to_numpy()
    return tuple(
        v.item() if isinstance(v, np.generic) else v for v in (raw[first_of[k]] for k in known)
    )


# ------------------------------------------------------------------------------------ samples


def sample_rows(ctx: AuditContext, purpose: str, size: int, codes: np.ndarray | None) -> np.ndarray:
    """Sorted row positions of a deterministic sample, stratified on ``codes`` when given.

    Rows with a missing group (code ``-1``) are left out of a stratified sample.
    """
    rng = ctx.rng(f"explain:{purpose}")
    if codes is not None:
        return stratified_indices(codes, size, rng)
    n = ctx.n_rows
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))


MIN_IMPORTANCE_ROWS = 1000


def importance_sample_size(policy: Policy, n_features: int) -> int:
    """Rows for one permutation pass: ``sample_size``, shrunk so features × repeats × rows
    stays within ``max_predictions`` (never below 1,000 rows or above ``sample_size``)."""
    settings = policy.explain
    budget = settings.max_predictions // max(1, n_features * settings.repeats)
    return min(settings.sample_size, max(MIN_IMPORTANCE_ROWS, budget))


OVER_BUDGET_FACTOR = 4
"""Permutation importance runs while its smallest pass (1,000 rows) needs at most this many
times ``max_predictions``; beyond, a wide model's pass would take minutes (789 inputs: 3.9M
predictions of 789 columns each) and the check says how to run it instead."""


def importance_over_budget(policy: Policy, n_features: int) -> str | None:
    """Why permutation importance is skipped for a model this wide, or None."""
    settings = policy.explain
    needed = n_features * settings.repeats * MIN_IMPORTANCE_ROWS
    if needed <= OVER_BUDGET_FACTOR * settings.max_predictions:
        return None
    return (
        f"{n_features:,} model inputs × {settings.repeats} repeats × {MIN_IMPORTANCE_ROWS:,} "
        f"rows = {needed:,} predictions, more than {OVER_BUDGET_FACTOR}× "
        f"explain.max_predictions ({settings.max_predictions:,}): permutation importance "
        f"is skipped; set explain.max_predictions to at least {needed // OVER_BUDGET_FACTOR:,} "
        "to run it (it takes longer), or audit the model on fewer inputs"
    )


def seed_from(ctx: AuditContext, purpose: str) -> int:
    """An ``int`` random_state for scikit-learn-style code, derived from the run seed."""
    return int(ctx.rng(f"explain:{purpose}").integers(2**31 - 1))


# ------------------------------------------------------------------------- batched prediction


def stacked_outputs(outputs: Outputs, frames: Sequence[pd.DataFrame]) -> list[np.ndarray]:
    """Model outputs for each frame, predicting on concatenated frames (few large calls)."""
    results: list[np.ndarray] = []
    batch: list[pd.DataFrame] = []
    rows = 0

    def flush() -> None:
        nonlocal batch, rows
        if not batch:
            return
        joined = batch[0] if len(batch) == 1 else pd.concat(batch, ignore_index=True)
        # One OpenMP thread: on a busy machine (CI runners, parallel jobs) tree ensembles'
        # thread barriers made these many mid-sized calls 4-6x slower (benchmarks/bench_explain.py).
        with threadpool_limits(limits=1, user_api="openmp"):
            out = np.asarray(outputs(joined))
        start = 0
        for frame in batch:
            results.append(out[start : start + len(frame)])
            start += len(frame)
        batch, rows = [], 0

    for frame in frames:
        if rows and rows + len(frame) > MAX_STACKED_ROWS:
            flush()
        batch.append(frame)
        rows += len(frame)
    flush()
    return results


def tiled(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    """``copies`` copies of ``frame`` stacked, with a fresh RangeIndex."""
    return pd.concat([frame] * copies, ignore_index=True) if copies > 1 else frame


def replaced(
    stacked: pd.DataFrame, column: str, source: pd.Series, rows: np.ndarray
) -> pd.DataFrame:
    """``stacked`` with ``column`` taken from ``source`` at ``rows`` (dtype preserved)."""
    out = stacked.copy(deep=False)
    out[column] = source.iloc[rows].set_axis(stacked.index)
    return out


def constant_column(series: pd.Series, value: Any, *, categorical: bool) -> pd.Series:
    """A column of ``value`` with ``series``'s index, keeping its dtype where it can hold it."""
    n = len(series)
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not categorical
    if not numeric:
        return pd.Series([value] * n, index=series.index).astype(series.dtype)
    filled = pd.Series(np.full(n, value), index=series.index)
    if pd.api.types.is_integer_dtype(series.dtype) and float(value).is_integer():
        return filled.astype(series.dtype)
    return filled


# ---------------------------------------------------------------------- permutation importance


@dataclass(frozen=True)
class Scoring:
    """The score permutation importance measures the drop of, and how to get it."""

    name: str
    """scikit-learn scorer name: ``roc_auc``, ``accuracy`` or ``r2``."""
    outputs: Outputs
    """Model outputs the score needs: positive-class probability or predictions."""
    y: np.ndarray
    """What the outputs are scored against, for the sampled rows."""
    against: str
    """``target`` or ``the model's own decisions``."""

    def score(self, y: np.ndarray, out: np.ndarray) -> float:
        if self.name == "roc_auc":
            return roc_auc(y, out)
        if self.name == "accuracy":
            return float(np.mean(out == y)) if y.size else float("nan")
        total = float(np.sum((y - y.mean()) ** 2))
        return 1.0 - float(np.sum((y - out) ** 2)) / total if total > 0 else float("nan")


def scoring_for(ctx: AuditContext, rows: np.ndarray, *, reliance: bool = False) -> Scoring:
    """What permutation importance measures the drop of.

    Default (how well the model predicts the target): ROC AUC for binary classifiers with
    probabilities, accuracy for other classifiers, R² for regression; scored against the
    model's own decisions when there is no target. ``reliance=True`` scores against the
    model's own decisions (accuracy, so importance = share of decisions that change; R² of
    its own predictions for regression): how much the model's output depends on a feature.
    """
    model = ctx.model
    assert model is not None
    has_target = ctx.y_true is not None and not reliance
    against = "target" if has_target else "the model's own decisions"
    if ctx.task == "regression":
        y = np.asarray(ctx.y_true if has_target else ctx.predictions, dtype=float)[rows]
        return Scoring("r2", lambda f: np.asarray(model.predict(f), dtype=float), y, against)
    if ctx.task == "binary" and model.has_proba and ctx.classes is not None and not reliance:
        column = list(ctx.classes).index(ctx.positive_label)
        positive = ctx.y_true_positive if has_target else ctx.predicted_positive
        assert positive is not None

        def proba(frame: pd.DataFrame) -> np.ndarray:
            out = model.predict_proba(frame)
            assert out is not None
            return out[:, column]

        return Scoring("roc_auc", proba, positive[rows], against)
    y_labels = np.asarray(ctx.y_true if has_target else ctx.predictions)[rows]
    return Scoring("accuracy", model.predict, y_labels, against)


def sklearn_permutations(n: int, repeats: int, random_state: int) -> np.ndarray:
    """The row orders ``sklearn.inspection.permutation_importance`` uses, shape ``(R, n)``.

    scikit-learn draws one seed from ``random_state`` and re-shuffles the already permuted
    column on every repeat; reproducing that lets tests compare our batched numbers with
    scikit-learn's exactly.
    """
    seed = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max + 1)
    rs = np.random.RandomState(seed)
    shuffling = np.arange(n)
    current = np.arange(n)
    out = np.empty((repeats, n), dtype=np.int64)
    for r in range(repeats):
        rs.shuffle(shuffling)
        current = current[shuffling]
        out[r] = current
    return out


def within_group_permutations(codes: np.ndarray, repeats: int, random_state: int) -> np.ndarray:
    """Permutations that move rows only within their group (each group as scikit-learn would)."""
    out = np.empty((repeats, codes.size), dtype=np.int64)
    for g in np.unique(codes):
        members = np.flatnonzero(codes == g)
        out[:, members] = members[sklearn_permutations(members.size, repeats, random_state)]
    return out


@dataclass(frozen=True)
class PermutationResult:
    """Permutation importance per feature, repeat and segment (a segment = a set of rows)."""

    features: tuple[str, ...]
    baseline: np.ndarray
    """Score per segment, shape ``(S,)``."""
    importances: np.ndarray
    """Baseline minus permuted score, shape ``(F, R, S)``."""

    def mean(self) -> np.ndarray:
        return np.asarray(np.mean(self.importances, axis=1))

    def interval(self, confidence: float) -> tuple[np.ndarray, np.ndarray]:
        """t-interval of the mean over repeats; NaN with a single repeat."""
        repeats = self.importances.shape[1]
        mean = self.mean()
        if repeats < 2:
            nan = np.full(mean.shape, np.nan)
            return nan, nan
        from scipy import stats as sps  # ~1 s to import: only when a model is explained

        half = (
            sps.t.ppf(0.5 + confidence / 2, repeats - 1)
            * np.std(self.importances, axis=1, ddof=1)
            / np.sqrt(repeats)
        )
        return mean - half, mean + half


def permutation_importance(
    frame: pd.DataFrame,
    scoring: Scoring,
    permutations: np.ndarray,
    segments: Sequence[np.ndarray],
    baseline_outputs: np.ndarray | None = None,
) -> PermutationResult:
    """Permutation importance of every column of ``frame``, one model call per column.

    ``permutations`` (``(R, n)`` row orders) are applied to one column at a time on ``R``
    stacked copies of ``frame``; each segment's rows are scored separately. With
    ``sklearn_permutations`` and one segment of all rows this equals
    ``sklearn.inspection.permutation_importance`` on the same data and ``random_state``.
    """
    frame = frame.reset_index(drop=True)
    repeats, n = permutations.shape
    base = (
        np.asarray(baseline_outputs)
        if baseline_outputs is not None
        else np.asarray(scoring.outputs(frame))
    )
    baseline = np.array([scoring.score(scoring.y[s], base[s]) for s in segments])
    stacked = tiled(frame, repeats)
    flat = permutations.reshape(-1)
    features = tuple(str(c) for c in frame.columns)
    variants = (replaced(stacked, column, frame[column], flat) for column in frame.columns)
    scores = np.empty((len(features), repeats, len(segments)))
    for j, out in enumerate(_lazy_stacked(scoring.outputs, variants, len(features))):
        per_repeat = out.reshape(repeats, n)
        for r in range(repeats):
            for k, s in enumerate(segments):
                scores[j, r, k] = scoring.score(scoring.y[s], per_repeat[r, s])
    return PermutationResult(features, baseline, baseline[None, None, :] - scores)


def _lazy_stacked(outputs: Outputs, frames: Any, count: int) -> list[np.ndarray]:
    # Build the variants lazily in chunks so only one batch of copies is in memory.
    results: list[np.ndarray] = []
    chunk: list[pd.DataFrame] = []
    rows = 0
    for _ in range(count):
        frame = next(frames)
        if chunk and rows + len(frame) > MAX_STACKED_ROWS:
            results.extend(stacked_outputs(outputs, chunk))
            chunk, rows = [], 0
        chunk.append(frame)
        rows += len(frame)
    results.extend(stacked_outputs(outputs, chunk))
    return results


def t_interval_text(repeats: int, confidence: float) -> str:
    return f"{confidence:.0%} t-interval over {repeats} permutation repeats"


# ------------------------------------------------------------------------------ group counts


def selection_counts(
    codes: np.ndarray, decisions: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-group size and number selected, with one bincount (via the stats package)."""
    grouping = from_codes("group", codes, [str(k) for k in range(n_groups)])
    counts = group_counts(grouping, decisions)
    return np.asarray(counts.n, dtype=float), np.asarray(counts.selected, dtype=float)


# ------------------------------------------------------------------------- native importance


def native_importance(
    estimator: Any, columns: Sequence[str]
) -> tuple[dict[str, float], str] | None:
    """The model's own importance per original column, when it has one and it can be mapped.

    ``feature_importances_`` or mean |coefficient| of the final estimator; encoded columns
    (e.g. one-hot categories) are summed back onto the column they came from.
    """
    from sklearn.pipeline import Pipeline

    final, prep = estimator, None
    if isinstance(estimator, Pipeline):
        final = estimator.steps[-1][1]
        prep = estimator[:-1] if len(estimator.steps) > 1 else None
    if hasattr(final, "feature_importances_"):
        values = np.asarray(final.feature_importances_, dtype=float).ravel()
        kind = "feature_importances_"
    elif hasattr(final, "coef_"):
        coef = np.atleast_2d(np.asarray(final.coef_, dtype=float))
        values = np.abs(coef).mean(axis=0)
        kind = "|coefficient|" + (" (mean over classes)" if coef.shape[0] > 1 else "")
    else:
        return None
    if prep is None:
        owners: list[str | None] | None = list(columns) if values.size == len(columns) else None
    else:
        owners = _output_owners(prep, columns, values.size)
    if owners is None:
        return None
    totals: dict[str, float] = {}
    for owner, value in zip(owners, values, strict=True):
        key = owner if owner is not None else "(unmapped derived features)"
        totals[key] = totals.get(key, 0.0) + float(value)
    encoded = values.size != len(columns)
    how = f"{kind}{', summed over each column’s encoded features' if encoded else ''}"
    return totals, how


def _output_owners(prep: Any, columns: Sequence[str], size: int) -> list[str | None] | None:
    try:
        names = [str(n) for n in prep.get_feature_names_out(list(columns))]
    except Exception:  # a transformer without feature names: no mapping
        return None
    if len(names) != size:
        return None
    ordered = sorted(columns, key=len, reverse=True)

    def owner(name: str) -> str | None:
        candidates = [name] + [
            name[i + 2 :] for i in range(len(name) - 1) if name[i : i + 2] == "__"
        ]
        for candidate in candidates:
            if candidate in columns:
                return candidate
        for candidate in candidates:
            for column in ordered:
                if candidate.startswith(f"{column}_"):
                    return column
        return None

    return [owner(n) for n in names]
