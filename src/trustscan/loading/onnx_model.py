"""ONNX models through onnxruntime, wrapped to look like a scikit-learn classifier.

onnxruntime (1.2x+ on Linux) starts telemetry when it is imported: it writes a device id and an
events database under ``~/.cache/Microsoft/DeveloperTools`` and may contact its collector.
``ORT_DISABLE_TELEMETRY=1`` set before the import stops all of it (the runtime switch
``disable_telemetry_events`` comes too late for the files), so it is set here, the only place
that imports onnxruntime.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trustscan.errors import InputError
from trustscan.loading.data import listed_names

_NUMPY_FOR_ONNX = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(string)": object,
    "tensor(bool)": bool,
}


class OnnxEstimator:
    """``predict``/``predict_proba`` over an onnxruntime session.

    Models converted with one input per column (skl2onnx's usual form for pipelines with
    string columns) are fed column by column; models with a single 2-D input get the
    feature matrix as one tensor.
    """

    def __init__(self, path: Path) -> None:
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        try:
            import onnxruntime as ort

            ort.disable_telemetry_events()
        except ImportError as exc:
            raise InputError(
                f"{path.name} is an ONNX model but onnxruntime is not installed",
                "install the extra: pip install 'trustscan[onnx]'",
            ) from exc
        try:
            self._session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise InputError(f"could not load ONNX model {path}: {exc}".splitlines()[0]) from exc
        self._inputs = self._session.get_inputs()
        outputs = self._session.get_outputs()
        self._label_output = outputs[0].name
        self._proba_output = outputs[1].name if len(outputs) > 1 else None
        if len(self._inputs) > 1:
            self.feature_names_in_ = np.array([i.name for i in self._inputs], dtype=object)
        self.classes_: np.ndarray | None = None
        if self._proba_output is not None:
            self.classes_ = self._discover_classes()

    def _feed(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        if len(self._inputs) == 1:
            spec = self._inputs[0]
            self._check_width(spec, features)
            dtype = _NUMPY_FOR_ONNX.get(spec.type, np.float32)
            try:
                return {spec.name: features.to_numpy(dtype=dtype)}
            except (ValueError, TypeError) as exc:
                raise InputError(
                    f"the ONNX model's input {spec.name!r} takes {spec.type} but the feature "
                    f"columns {listed_names(features.columns)} do not convert: {_first(exc)}",
                    "pass --features with the model's input columns, in training order",
                ) from exc
        feed = {}
        for spec in self._inputs:
            dtype = _NUMPY_FOR_ONNX.get(spec.type, np.float32)
            if spec.name not in features.columns:
                raise InputError(
                    f"the ONNX model needs an input column {spec.name!r} the data lacks",
                    "check that the data has every column the model was trained on",
                )
            column = features[spec.name].to_numpy()
            if dtype is object:
                column = column.astype(str)
            try:
                feed[spec.name] = column.astype(dtype).reshape(-1, 1)
            except (ValueError, TypeError) as exc:
                raise InputError(
                    f"column {spec.name!r} does not convert to the ONNX model's {spec.type}: "
                    f"{_first(exc)}",
                    "check the column's values",
                ) from exc
        return feed

    @staticmethod
    def _check_width(spec: Any, features: pd.DataFrame) -> None:
        """A single 2-D input names no columns: the data must supply exactly its width."""
        shape = getattr(spec, "shape", None) or []
        width = shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None
        if width is not None and features.shape[1] != width:
            raise InputError(
                f"the ONNX model takes {width} features but {features.shape[1]} columns were "
                f"given ({listed_names(features.columns)}); its file records no feature names",
                f"pass --features with the model's {width} input columns, in training order",
            )

    def _run(self, features: pd.DataFrame) -> list[Any]:
        names = [self._label_output] + ([self._proba_output] if self._proba_output else [])
        feed = self._feed(features)
        try:
            return list(self._session.run(names, feed))
        except Exception as exc:  # onnxruntime's errors name the bad input; they are ours
            if type(exc).__name__ not in {"InvalidArgument", "Fail", "InvalidGraph"}:
                raise
            raise InputError(
                f"the ONNX model rejected the data: {_first(exc)}",
                "check --features and the column types against the model's inputs",
            ) from exc

    def _discover_classes(self) -> np.ndarray | None:
        meta = self._session.get_modelmeta().custom_metadata_map
        if "classes" in meta:
            return np.array(meta["classes"].split(","))
        return None

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return np.asarray(self._run(features)[0]).ravel()

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        outputs = self._run(features)
        proba = outputs[1]
        if isinstance(proba, list):  # ZipMap output: one {class: probability} dict per row
            keys = sorted(proba[0])
            if self.classes_ is None:
                self.classes_ = np.array(keys)
            return np.array([[row[k] for k in keys] for row in proba], dtype=float)
        return np.asarray(proba, dtype=float)

    def infer_classes(self, features: pd.DataFrame) -> None:
        """Learn class labels from one prediction when the file does not record them."""
        if self._proba_output is None or self.classes_ is not None:
            return
        outputs = self._run(features.head(50))
        proba = outputs[1]
        if isinstance(proba, list):
            self.classes_ = np.array(sorted(proba[0]))
        else:
            width = np.asarray(proba).shape[1]
            self.classes_ = np.arange(width)


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
