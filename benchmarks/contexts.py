"""Audit contexts for the per-check benchmarks, built the way production builds them.

``make_scan_config`` turns the options into a ``ScanConfig`` exactly as the Python API does,
and ``context_from_frames`` validates, plans the groups, resolves the outcome and predicts
once: a benchmark times the checks on a context ``trustscan scan`` could have built, not on a
hand-filled ``AuditContext`` that drifts from it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from trustscan.config import make_scan_config
from trustscan.context import AuditContext, context_from_frames
from trustscan.loading.adapter import adapter_for_estimator


def frame_context(
    data: pd.DataFrame,
    *,
    sensitive: Sequence[str],
    target: str | None = None,
    predictions: str | None = None,
    scores: str | None = None,
    features: Sequence[str] | None = None,
    model: Any = None,
    seed: int = 0,
) -> tuple[AuditContext, float]:
    """The context of an in-memory audit, and the seconds it took (the model's one
    prediction over all rows included)."""
    options: dict[str, Any] = {
        "target": target,
        "sensitive": list(sensitive),
        "features": list(features) if features is not None else None,
        "predictions": predictions,
        "scores": scores,
        "seed": seed,
    }
    settings = {k: v for k, v in options.items() if v is not None}
    cli = {"data": "benchmark.csv", "model": "benchmark.skops" if model is not None else None}
    config = make_scan_config(cli, cwd=Path.cwd(), settings=(settings, None))
    config = replace(config, data_path=Path("benchmark.csv"))
    adapter = None
    if model is not None:
        config = replace(config, model_path=Path("benchmark.skops"))
        adapter = adapter_for_estimator(model, kind="sklearn", source="benchmark")
    started = time.perf_counter()
    ctx = context_from_frames(config, data=data, model=adapter)
    return ctx, time.perf_counter() - started
