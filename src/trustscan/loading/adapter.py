"""A uniform face for the models trustscan audits: ``predict`` and ``predict_proba``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from trustscan.errors import InputError


class ModelPredictionError(InputError):
    """The model could not predict on the data (usually a column/dtype mismatch)."""


def _prediction_error(kind: str, exc: Exception) -> ModelPredictionError:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return ModelPredictionError(
        f"the model failed to {kind} on the data: {type(exc).__name__}: {text[:300]}",
        "check that each feature column has the type the model was trained with "
        "(e.g. numbers stored as text) and that --features matches the model's inputs",
    )


PREDICTION_CHUNK_ROWS = 500_000
"""Rows per model call for the one prediction over all rows (bounds a Pipeline's transformed
copy: at 10M rows it was as large as the data frame itself)."""


@dataclass(frozen=True)
class ModelAdapter:
    """Wraps a fitted model. ``estimator`` is the scikit-learn object when there is one."""

    kind: str
    """``sklearn``, ``onnx`` or ``pickle``."""
    source: str
    """File the model came from."""
    estimator: Any
    feature_names: tuple[str, ...] | None
    """Column names the model was fitted on, when it records them."""
    classes: tuple[Any, ...] | None
    """Class labels of a classifier, in ``predict_proba`` column order."""
    load_warnings: tuple[str, ...] = field(default=())
    """Warnings raised while loading (e.g. scikit-learn version mismatch)."""

    @property
    def is_classifier(self) -> bool:
        return self.classes is not None

    @property
    def has_proba(self) -> bool:
        return self.is_classifier and hasattr(self.estimator, "predict_proba")

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        try:
            return np.asarray(self.estimator.predict(features))
        except Exception as exc:  # any library error becomes one readable input error
            raise _prediction_error("predict", exc) from exc

    def predict_with_proba(
        self, features: pd.DataFrame, *, chunk_rows: int = PREDICTION_CHUNK_ROWS
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Decisions and probabilities, running a Pipeline's preprocessing only once.

        Calling ``predict`` and ``predict_proba`` on a Pipeline transforms the data twice,
        which at a million rows costs as much as the model itself; the final step's own
        ``predict`` is still used, so the decisions are exactly the model's. Large inputs go
        through in chunks of ``chunk_rows``: predictions are per row, so the result is the
        same, and the transformed copy never holds more than one chunk.
        """
        if len(features) <= chunk_rows:
            return self._predict_with_proba(features)
        parts = [
            self._predict_with_proba(features.iloc[start : start + chunk_rows])
            for start in range(0, len(features), chunk_rows)
        ]
        predictions = np.concatenate([decisions for decisions, _ in parts])
        probas = [proba for _, proba in parts]
        if any(proba is None for proba in probas):
            return predictions, None
        return predictions, np.concatenate(probas)  # type: ignore[arg-type]

    def _predict_with_proba(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        steps = getattr(self.estimator, "steps", None)
        if not self.has_proba or not steps or len(steps) < 2:
            return self.predict(features), self.predict_proba(features)
        try:
            transformed = self.estimator[:-1].transform(features)
            final = self.estimator[-1]
            predictions = np.asarray(final.predict(transformed))
            proba = np.asarray(final.predict_proba(transformed), dtype=float)
        except Exception as exc:
            raise _prediction_error("predict", exc) from exc
        return predictions, proba

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray | None:
        if not self.has_proba:
            return None
        try:
            return np.asarray(self.estimator.predict_proba(features), dtype=float)
        except Exception as exc:
            raise _prediction_error("compute probabilities", exc) from exc


def adapter_for_estimator(
    estimator: Any, *, kind: str, source: str, load_warnings: tuple[str, ...] = ()
) -> ModelAdapter:
    """Describe a fitted scikit-learn-compatible estimator."""
    if not hasattr(estimator, "predict"):
        raise InputError(
            f"{source} does not contain a model with a predict method "
            f"(found {type(estimator).__name__})",
            "save the fitted estimator or Pipeline itself",
        )
    names = getattr(estimator, "feature_names_in_", None)
    classes = getattr(estimator, "classes_", None)
    return ModelAdapter(
        kind=kind,
        source=source,
        estimator=estimator,
        feature_names=tuple(str(n) for n in names) if names is not None else None,
        classes=tuple(classes.tolist()) if classes is not None else None,
        load_warnings=load_warnings,
    )
