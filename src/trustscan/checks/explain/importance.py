"""``explain.feature_importance``: which inputs drive the model (permutation importance),
and the sampling and scoring it shares with ``explain.group_importance``."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check
from trustscan.checks.explain import FEATURE_IMPORTANCE
from trustscan.checks.explain._common import (
    PermutationResult,
    Scoring,
    importance_over_budget,
    importance_sample_size,
    native_importance,
    permutation_importance,
    sample_rows,
    scoring_for,
    seed_from,
    sklearn_permutations,
    t_interval_text,
)
from trustscan.checks.explain.measured import Importance, ImportanceRow
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import number as fmt
from trustscan.numbers.json_safe import rounded as clean
from trustscan.policy import Policy
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

PREDICTIONS_ONLY = (
    "predictions-only mode: permutation importance re-predicts on shuffled inputs and needs "
    "the model; pass --model to explain it"
)


NO_SENSITIVE = "no sensitive attribute given (pass --sensitive COL) to compare groups"


_TOP = 5


_SCORE_WORDS = {"roc_auc": "ROC AUC", "accuracy": "accuracy", "r2": "R²"}


def _stratify_codes(ctx: AuditContext) -> np.ndarray | None:
    # Keep the decision mix of the data in the sample (AUC needs both classes).
    if ctx.task == "regression":
        return None
    codes, _ = pd.factorize(np.asarray(ctx.predictions))
    return np.asarray(codes, dtype=np.int64)


def baseline(ctx: AuditContext, scoring: Scoring, rows: np.ndarray) -> np.ndarray | None:
    """The model's outputs on the sampled rows, from the context's cache (no re-predict)."""
    if scoring.name == "roc_auc":
        # The model's own probabilities (ctx.scores may come from a user's score column).
        if ctx.proba is None or ctx.classes is None:
            return None
        return np.asarray(np.asarray(ctx.proba)[rows, list(ctx.classes).index(ctx.positive_label)])
    if scoring.name == "r2":
        return np.asarray(np.asarray(ctx.predictions, dtype=float)[rows])
    return np.asarray(np.asarray(ctx.predictions)[rows])


class FeatureImportanceCheck(Check):
    spec: ClassVar[CheckSpec] = FEATURE_IMPORTANCE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip(PREDICTIONS_ONLY)
        too_wide = importance_over_budget(policy, len(ctx.feature_names))
        if too_wide is not None:
            return self.skip(too_wide)
        settings = policy.explain
        rows = sample_rows(
            ctx,
            "importance",
            importance_sample_size(policy, len(ctx.feature_names)),
            _stratify_codes(ctx),
        )
        scoring = scoring_for(ctx, rows)
        random_state = seed_from(ctx, "importance:permutations")
        frame = ctx.features.iloc[rows].reset_index(drop=True)
        result = permutation_importance(
            frame,
            scoring,
            sklearn_permutations(len(rows), settings.repeats, random_state),
            [np.arange(len(rows))],
            baseline(ctx, scoring, rows),
        )
        native = native_importance(ctx.model.estimator, ctx.feature_names)
        confidence = policy.stats.confidence
        table = _importance_table(result, confidence, native[0] if native else None)
        method = (
            f"permutation importance: drop in {_SCORE_WORDS[scoring.name]} against the "
            f"{scoring.against}; {len(rows):,} sampled rows, {settings.repeats} repeats; "
            f"{t_interval_text(settings.repeats, confidence)}"
        )
        findings = tuple(
            self._finding(row, scoring, len(rows), confidence, method) for row in table[:_TOP]
        )
        leaders = ", ".join(f"{row.feature} {fmt(row.mean, 3)}" for row in table[:3])
        summary = (
            f"Most important inputs (drop in {_SCORE_WORDS[scoring.name]} when shuffled, "
            f"{len(rows):,} rows × {settings.repeats} repeats): {leaders}."
        )
        measured = Importance(
            rows=tuple(table),
            scoring=scoring.name,
            scored_against=scoring.against,
            baseline_score=clean(float(result.baseline[0])),
            sample_size=len(rows),
            repeats=settings.repeats,
            random_state=random_state,
            confidence=confidence,
            native_method=native[1] if native else None,
        )
        return self.result(Status.PASS, summary, findings, measured=measured)

    def _finding(
        self, row: ImportanceRow, scoring: Scoring, n: int, confidence: float, method: str
    ) -> Finding:
        native = row.native
        extra = f"; the model's own importance is {fmt(native, 3)}" if native is not None else ""
        return self.finding(
            Status.PASS,
            f"Shuffling {row.feature!r} lowers the model's {_SCORE_WORDS[scoring.name]} by "
            f"{fmt(row.mean, 3)} ({confidence:.0%} CI {fmt(row.ci_low, 3)} to "
            f"{fmt(row.ci_high, 3)}){extra}.",
            subject=row.feature,
            evidence=(
                Evidence(
                    "permutation_importance",
                    row.mean,
                    row.ci_low,
                    row.ci_high,
                    confidence=confidence,
                    n=n,
                    method=method,
                ),
            ),
            severity=Severity.INFO,
        )


def _importance_table(
    result: PermutationResult, confidence: float, native: dict[str, float] | None
) -> list[ImportanceRow]:
    mean = result.mean()[:, 0]
    low, high = (bound[:, 0] for bound in result.interval(confidence))
    std = np.std(result.importances[:, :, 0], axis=1)  # ddof=0, as scikit-learn reports it
    rows = [
        ImportanceRow(
            feature=feature,
            mean=clean(mean[j]),
            ci_low=clean(low[j]),
            ci_high=clean(high[j]),
            std=clean(std[j]),
            native=clean(native.get(feature)) if native and feature in native else None,
        )
        for j, feature in enumerate(result.features)
    ]
    return sorted(rows, key=lambda r: -(r.mean if r.mean is not None else -np.inf))
