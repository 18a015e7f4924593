"""Build ``AuditContext`` objects in memory for the competence and consistency tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

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
    """A predictions-only binary context (logged 0/1 decisions and optional scores)."""
    return AuditContext(
        data=data,
        features=data.loc[:, [c for c in data.columns if c not in (target, decisions, scores)]],
        sensitive=data.loc[:, sensitive],
        target_name=target,
        y_true=data[target].to_numpy() if target else None,
        predictions=data[decisions].to_numpy(),
        scores=None if scores is None else data[scores].to_numpy(dtype=float),
        proba=None,
        task="binary",
        classes=None,
        positive_label=1,
        model=None,
        seed=seed,
        data_path=Path("memory.csv"),
        model_path=None,
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
