"""MLflow models: a model folder (holding ``MLmodel``) or a ``runs:/`` / ``models:/`` URI.

trustscan reads the ``MLmodel`` file itself and loads the stored model through its own safe
loaders, never through MLflow's generic ``pyfunc`` loader: a scikit-learn flavour saved with
skops goes through the same skops allowlist as a ``.skops`` file; one saved with pickle or
cloudpickle runs arbitrary code when loaded, so it needs ``--trust-pickle`` as a ``.pkl`` file
does. MLflow itself (``trustscan[mlflow]``) is only
needed to resolve a URI through the tracking store the user has configured
(``MLFLOW_TRACKING_URI``), which for a local store touches no network.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from trustscan.errors import InputError

MLMODEL = "MLmodel"
URI = re.compile(r"^(runs|models):/", re.IGNORECASE)
PICKLE_FORMATS = ("pickle", "cloudpickle")


def is_mlflow_uri(value: str | Path) -> bool:
    return bool(URI.match(str(value)))


def is_mlflow_folder(path: Path) -> bool:
    return path.is_dir() and (path / MLMODEL).is_file()


@dataclass(frozen=True)
class MlflowModel:
    """What the ``MLmodel`` file says about the stored model."""

    folder: Path
    flavor: str
    """``sklearn`` (the one flavour trustscan loads)."""
    file: Path
    """The serialised model inside ``folder``."""
    serialization: str
    """``skops``, ``pickle`` or ``cloudpickle``."""


def local_folder(source: str | Path, scratch: Path) -> Path:
    """The local folder of an MLflow model: ``source`` itself, or a URI resolved by MLflow
    (its artifacts copied into ``scratch``)."""
    if not is_mlflow_uri(source):
        return Path(source)
    # MLflow (3.x) reports usage unless told not to; trustscan never touches the network.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        import mlflow.artifacts
    except ImportError as exc:
        raise InputError(
            f"{source} is an MLflow URI, but MLflow is not installed",
            "pip install 'trustscan[mlflow]', or pass the model folder that holds MLmodel",
        ) from exc
    try:
        return Path(
            mlflow.artifacts.download_artifacts(artifact_uri=str(source), dst_path=str(scratch))
        )
    except Exception as exc:  # MLflow raises many types for an unknown run, model or store
        text = " ".join(str(exc).split())[:300]
        raise InputError(
            f"could not resolve MLflow model {source}: {type(exc).__name__}: {text}",
            "check the run id / model name and that MLFLOW_TRACKING_URI points to its store",
        ) from exc


def describe(folder: Path, source: str) -> MlflowModel:
    """Read ``MLmodel`` and choose the flavour trustscan can load safely."""
    try:
        spec = yaml.safe_load((folder / MLMODEL).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(
            f"could not read {folder / MLMODEL}: {type(exc).__name__}",
            "pass the folder MLflow saved the model in",
        ) from exc
    flavors = spec.get("flavors") if isinstance(spec, dict) else None
    if not isinstance(flavors, dict):
        raise InputError(f"{source}: MLmodel lists no flavors", "save the model with MLflow")
    sklearn = flavors.get("sklearn")
    if isinstance(sklearn, dict) and sklearn.get("pickled_model"):
        serialization = str(sklearn.get("serialization_format") or "cloudpickle").lower()
        return MlflowModel(folder, "sklearn", folder / str(sklearn["pickled_model"]), serialization)
    raise InputError(
        f"{source}: trustscan cannot load MLflow flavour(s) {', '.join(sorted(flavors))}",
        "log the model with mlflow.sklearn.log_model(..., serialization_format='skops')",
    )


def load_mlflow_model(
    source: str | Path, *, trust_pickle: bool, trusted_types: Sequence[str]
) -> tuple[Any, str]:
    """The estimator stored at ``source`` and its kind (``sklearn`` for skops, ``pickle``)."""
    # A URI's artifacts are copied here and gone once the model is in memory.
    with tempfile.TemporaryDirectory(prefix="trustscan-mlflow-") as scratch:
        return _load(local_folder(source, Path(scratch)), source, trust_pickle, trusted_types)


def _load(
    folder: Path, source: str | Path, trust_pickle: bool, trusted_types: Sequence[str]
) -> tuple[Any, str]:
    if not is_mlflow_folder(folder):
        raise InputError(
            f"{source} is not an MLflow model: no {MLMODEL} file in {folder}",
            "pass the folder that holds MLmodel, or a runs:/<run id>/<name> URI",
        )
    model = describe(folder, str(source))
    if not model.file.is_file():
        raise InputError(f"{source}: MLmodel names {model.file.name}, which is missing")
    if model.serialization == "skops":
        from trustscan.loading.models import _load_skops  # the same allowlist as .skops files

        return _load_skops(model.file, trusted_types), "sklearn"
    if model.serialization in PICKLE_FORMATS:
        if not trust_pickle:
            raise InputError(
                f"refusing to load {source}: MLflow stored this scikit-learn model with "
                f"{model.serialization}, which can run arbitrary code when loaded",
                "log it with mlflow.sklearn.log_model(..., serialization_format='skops') or, "
                "if you trust its origin, re-run with --trust-pickle",
            )
        return _load_pickled(model), "pickle"
    raise InputError(
        f"{source}: unknown scikit-learn serialization format {model.serialization!r}",
        "log the model with serialization_format='skops'",
    )


def _load_pickled(model: MlflowModel) -> Any:
    try:
        if model.serialization == "cloudpickle":
            import cloudpickle

            with model.file.open("rb") as stream:
                return cloudpickle.load(stream)
        import pickle

        with model.file.open("rb") as stream:
            return pickle.load(stream)  # only reached with --trust-pickle
    except Exception as exc:
        raise InputError(
            f"could not load {model.file}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from exc
