"""Deserialise models safely: skops by default, ONNX, pickle only on explicit opt-in."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trustscan.errors import InputError
from trustscan.loading.adapter import ModelAdapter, adapter_for_estimator
from trustscan.loading.skops_trust import SAFE_SKOPS_TYPES

SKOPS_SUFFIXES = (".skops",)
ONNX_SUFFIXES = (".onnx",)
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")


def load_model(
    path: Path, *, trust_pickle: bool = False, trusted_types: Sequence[str] = ()
) -> ModelAdapter:
    """Load the model at ``path``, choosing the loader from the file extension (or an MLflow
    model folder or ``runs:/``/``models:/`` URI)."""
    from trustscan.loading import mlflow_model

    is_mlflow = mlflow_model.is_mlflow_uri(path) or mlflow_model.is_mlflow_folder(path)
    if not is_mlflow and not path.exists():
        raise InputError(f"model file not found: {path}", "check the --model path")
    suffix = path.suffix.lower()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if is_mlflow:
            estimator, kind = mlflow_model.load_mlflow_model(
                path, trust_pickle=trust_pickle, trusted_types=trusted_types
            )
        elif suffix in SKOPS_SUFFIXES:
            estimator, kind = _load_skops(path, trusted_types), "sklearn"
        elif suffix in ONNX_SUFFIXES:
            from trustscan.loading.onnx_model import OnnxEstimator

            estimator, kind = OnnxEstimator(path), "onnx"
        elif suffix in PICKLE_SUFFIXES:
            estimator, kind = _load_pickle(path, trust_pickle), "pickle"
        else:
            supported = ", ".join(SKOPS_SUFFIXES + ONNX_SUFFIXES + PICKLE_SUFFIXES)
            raise InputError(
                f"unknown model file type {suffix or '(no extension)'!r}: {path.name}",
                f"supported: {supported}; save scikit-learn models with skops.io.dump",
            )
    load_warnings = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    return adapter_for_estimator(
        estimator, kind=kind, source=str(path), load_warnings=load_warnings
    )


def _load_skops(path: Path, trusted_types: Sequence[str]) -> Any:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise InputError(
            f"could not read skops file {path}: {type(exc).__name__}: {exc}".splitlines()[0],
            "check that it was written with skops.io.dump and is complete",
        ) from exc
    auto = [t for t in untrusted if t in SAFE_SKOPS_TYPES]
    refused = sorted(set(untrusted) - set(auto) - set(trusted_types))
    if refused:
        flags = " ".join(f"--trust-type {t}" for t in refused)
        raise InputError(
            f"{path.name} names types trustscan does not trust (loading them may run their "
            f"code): {', '.join(refused)}",
            f"only if you trust the file's origin, re-run with {flags}",
        )
    try:
        return sio.load(path, trusted=[*auto, *trusted_types])
    except Exception as exc:
        raise InputError(
            f"could not load skops file {path}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from exc


def _load_pickle(path: Path, trust_pickle: bool) -> Any:
    if not trust_pickle:
        raise InputError(
            f"refusing to load {path.name}: pickle/joblib files can run arbitrary code when loaded",
            "convert the model with skops (skops.io.dump(model, 'model.skops')) or, if you "
            "trust the file's origin, re-run with --trust-pickle",
        )
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:
        raise InputError(
            f"could not load pickle file {path}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from exc
