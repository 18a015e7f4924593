"""Hostile skops files: a model file must never run code that the user did not trust by name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from trustscan.cli import main
from trustscan.loading.models import load_model


def _honest_model(path: Path, frame: pd.DataFrame) -> None:
    import skops.io as sio

    sio.dump(LogisticRegression().fit(frame[["experience", "score"]], frame["hired"]), path)


def _inject(path: Path, attribute: str, node: dict[str, Any]) -> None:
    """Rewrite a skops file so the estimator carries ``node`` as an extra attribute."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members["schema.json"])
    schema["content"]["content"][attribute] = node
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _json(value: Any) -> dict[str, Any]:
    return {
        "__class__": type(value).__name__,
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
        "is_json": True,
    }


def _call(module: str, name: str, *args: Any) -> dict[str, Any]:
    """A node that makes skops call ``module.name(*args)`` while loading."""
    return {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [_json(a) for a in args],
        },
    }


def _function(module: str, name: str) -> dict[str, Any]:
    return {"__class__": name, "__module__": module, "__loader__": "FunctionNode"}


@pytest.fixture()
def frame(applicants_csv: Path) -> pd.DataFrame:
    return pd.read_csv(applicants_csv)


@pytest.mark.parametrize(
    ("label", "make_node"),
    [
        (
            "numpy.savetxt writes a file",
            lambda marker: _call("numpy", "savetxt", str(marker), [1.0, 2.0]),
        ),
        (
            "runstring calls exec",
            lambda marker: _call(
                "numpy.testing._private.utils",
                "runstring",
                f"open({str(marker)!r}, 'w').write('pwned')",
                {},
            ),
        ),
        (
            "builtins.exec",
            lambda marker: _call("builtins", "exec", f"open({str(marker)!r}, 'w').write('pwned')"),
        ),
        ("a scipy function reference", lambda marker: _function("scipy.io", "savemat")),
        ("an os function reference", lambda marker: _function("os", "system")),
    ],
)
def test_hostile_skops_file_is_refused_without_side_effect(
    tmp_path: Path, applicants_csv: Path, frame: pd.DataFrame, label: str, make_node: Any
) -> None:
    marker = tmp_path / "pwned.txt"
    model = tmp_path / "model.skops"
    _honest_model(model, frame)
    _inject(model, "payload_", make_node(marker))
    out = tmp_path / "out.json"

    result = CliRunner().invoke(
        main, ["scan", "--model", str(model), "--data", str(applicants_csv), "--json", str(out)]
    )

    assert result.exit_code == 2, (label, result.output)
    message = result.output.strip()
    assert message.startswith("error: ") and len(message.splitlines()) == 1, message
    assert "--trust-type" in message
    assert not marker.exists(), f"{label}: the model file ran code"
    assert not out.exists()


def test_the_honest_file_loads_and_predicts(tmp_path: Path, frame: pd.DataFrame) -> None:
    model = tmp_path / "model.skops"
    _honest_model(model, frame)
    adapter = load_model(model)
    assert adapter.predict(frame[["experience", "score"]]).shape == (len(frame),)


@pytest.mark.parametrize(
    "estimator",
    [
        HistGradientBoostingClassifier(max_iter=5, random_state=0),
        RandomForestClassifier(n_estimators=3, random_state=0),
        GradientBoostingClassifier(n_estimators=3, random_state=0),
        MLPClassifier(hidden_layer_sizes=(3,), max_iter=20, random_state=0),
    ],
    ids=lambda e: type(e).__name__,
)
def test_common_estimators_load_without_trust_flags(tmp_path: Path, estimator: Any) -> None:
    import warnings

    import skops.io as sio
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, 3))
    labels = (features[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(features, labels)
    path = tmp_path / "model.skops"
    sio.dump(estimator, path)
    adapter = load_model(path)
    assert adapter.predict(pd.DataFrame(features)).shape == (200,)


def test_a_type_named_with_trust_type_loads(tmp_path: Path, frame: pd.DataFrame) -> None:
    model = tmp_path / "model.skops"
    _honest_model(model, frame)
    _inject(model, "helper_", _function("numpy", "mean"))
    adapter = load_model(model, trusted_types=["numpy.mean"])
    assert adapter.predict(frame[["experience", "score"]]).shape == (len(frame),)
