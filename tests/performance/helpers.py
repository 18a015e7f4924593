"""Build ``AuditContext`` objects in memory for the competence and consistency tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.context_builders import predictions_context as _predictions_context
from trustscan.context import AuditContext


def predictions_context(
    data: pd.DataFrame,
    *,
    sensitive: list[str],
    target: str | None,
    decisions: str,
    scores: str | None = None,
    seed: int = 0,
) -> AuditContext:
    """A predictions-only binary context (logged 0/1 decisions, 1 positive and favourable,
    optional scores); every other column is a feature."""
    return _predictions_context(
        data,
        features=[c for c in data.columns if c not in (target, decisions, scores)],
        sensitive=sensitive,
        target=target,
        predictions=decisions,
        scores=scores,
        positive_label=1,
        favourable_label=1,
        seed=seed,
    )


def scored_frame(
    n_per_group: int = 2000, *, informative_b: bool = True, seed: int = 0
) -> pd.DataFrame:
    """Two groups; group b's scores carry no information when ``informative_b`` is False."""
    rng = np.random.default_rng(seed)
    group = np.repeat(["a", "b"], n_per_group)
    score = rng.uniform(size=2 * n_per_group)
    truth_driver = score.copy()
    if not informative_b:
        truth_driver[group == "b"] = rng.uniform(size=n_per_group)
    y = (rng.uniform(size=2 * n_per_group) < truth_driver).astype(int)
    return pd.DataFrame(
        {"group": group, "score": score, "decision": (score >= 0.5).astype(int), "y": y}
    )
