"""Tiny estimators with known consistency behaviour."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


class _Threshold:
    """Selects rows whose column ``x`` is at or above ``threshold`` (a fitted binary model)."""

    def __init__(self, threshold: float = 0.0) -> None:
        self.threshold = threshold
        self.classes_ = np.array([0, 1])

    def fit(self, features: pd.DataFrame, y: Any = None) -> _Threshold:
        return self

    def _score(self, features: pd.DataFrame) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(features["x"].to_numpy(dtype=float) - self.threshold)))

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        p = self._score(features)
        return np.column_stack([1 - p, p])

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(features)[:, 1] >= 0.5).astype(int)


class DeterministicModel(_Threshold):
    """Same rows in, same answers out."""


class NoisyModel(_Threshold):
    """Adds unseeded noise at inference, like dropout left on."""

    def __init__(self, threshold: float = 0.0) -> None:
        super().__init__(threshold)
        self._rng = np.random.default_rng()

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        p = np.clip(self._score(features) + self._rng.normal(0, 0.05, len(features)), 0, 1)
        return np.column_stack([1 - p, p])


def threshold_frame(n: int = 4000, *, clustered_share: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Feature ``x`` ~ N(0, 1); ``clustered_share`` of rows sit within 0.1% of an SD of the
    threshold at 0, so a 1%-SD nudge decides their outcome. Plus a categorical and a 0/1 flag."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    clustered = rng.uniform(size=n) < clustered_share
    x[clustered] = rng.uniform(-0.001, 0.001, size=int(clustered.sum()))
    return pd.DataFrame(
        {
            "x": x,
            "colour": rng.choice(["red", "blue"], size=n),
            "flag": rng.integers(0, 2, size=n),
            "group": np.where(clustered, "clustered", rng.choice(["a", "b"], size=n)),
            "y": (x + rng.normal(size=n) > 0).astype(int),
        }
    )
