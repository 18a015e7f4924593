"""In-memory ``AuditContext`` builders shared by the check tests (no files, no CLI).

Every context goes through ``context_from_frames``, the code ``trustscan scan`` runs after
reading its files, so a test can only build a context production could build: the sensitive
attributes are planned, the outcome is resolved (or refused) and the model predicts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from trustscan.config import ScanConfig
from trustscan.context import AuditContext, context_from_frames
from trustscan.loading.adapter import adapter_for_estimator
from trustscan.policy import Policy


def scan_config(
    *,
    data_path: Path = Path("memory.csv"),
    model_path: Path | None = None,
    target: str | None = None,
    sensitive: Sequence[str] = (),
    features: Sequence[str] | None = None,
    predictions: str | None = None,
    scores: str | None = None,
    positive_label: Any = None,
    favourable_label: Any = None,
    threshold: float | None = None,
    seed: int = 0,
    policy: Policy | None = None,
) -> ScanConfig:
    """The configuration ``trustscan scan`` would build from these options."""
    return ScanConfig(
        data_path=data_path,
        model_path=model_path,
        target=target,
        sensitive=tuple(sensitive),
        features=tuple(features) if features is not None else None,
        predictions_column=predictions,
        scores_column=scores,
        positive_label=None if positive_label is None else str(positive_label),
        favourable_label=None if favourable_label is None else str(favourable_label),
        threshold=threshold,
        encoding="utf-8",
        seed=seed,
        trust_pickle=False,
        trust_types=(),
        policy=policy or Policy(),
    )


def model_context(
    data: pd.DataFrame,
    model: Any,
    *,
    features: Sequence[str],
    sensitive: Sequence[str],
    target: str | None,
    seed: int = 0,
    positive_label: Any = None,
    favourable_label: Any = None,
) -> AuditContext:
    """A context the way ``build_context`` makes one from a fitted estimator: predict once."""
    adapter = adapter_for_estimator(model, kind="sklearn", source="memory")
    config = scan_config(
        target=target,
        sensitive=sensitive,
        features=features,
        positive_label=positive_label,
        favourable_label=favourable_label,
        seed=seed,
        model_path=Path("memory.skops"),
    )
    return context_from_frames(config, data=data, model=adapter)


def predictions_context(
    data: pd.DataFrame,
    *,
    sensitive: Sequence[str],
    target: str | None = None,
    predictions: str | None = None,
    scores: str | None = None,
    features: Sequence[str] | None = None,
    positive_label: Any = 1,
    favourable_label: Any = None,
    threshold: float | None = None,
    seed: int = 0,
) -> AuditContext:
    """A predictions-only context: logged decisions and/or scores, no model. The positive
    label is stated (1 unless given), as ``--positive-label`` would."""
    config = scan_config(
        target=target,
        sensitive=sensitive,
        features=features,
        predictions=predictions,
        scores=scores,
        positive_label=positive_label,
        favourable_label=favourable_label,
        threshold=threshold,
        seed=seed,
    )
    return context_from_frames(config, data=data, model=None)
