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
            dtype = _NUMPY_FOR_ONNX.get(spec.type, np.float32)
            return {spec.name: features.to_numpy(dtype=dtype)}
        feed = {}
        for spec in self._inputs:
            dtype = _NUMPY_FOR_ONNX.get(spec.type, np.float32)
            column = features[spec.name].to_numpy()
            if dtype is object:
                column = column.astype(str)
            feed[spec.name] = column.astype(dtype).reshape(-1, 1)
        return feed

    def _run(self, features: pd.DataFrame) -> list[Any]:
        names = [self._label_output] + ([self._proba_output] if self._proba_output else [])
        return list(self._session.run(names, self._feed(features)))

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
