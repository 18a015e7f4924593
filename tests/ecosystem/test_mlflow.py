"""``--model`` with MLflow models from a local file store: runs:/ and models:/ URIs and model
folders; pickle-based flavours need --trust-pickle, a skops-based one loads without."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from trustscan.cli import main
from trustscan.demo import CASES, build_model, sample_data_path

mlflow = pytest.importorskip("mlflow")
CASE = next(c for c in CASES if c.name == "fair_lending")
CHEAP = ["--config", "policy.toml", "--no-ledger"]
POLICY = 'only = ["fairness.selection_rate", "trace."]\n[stats]\nbootstrap_resamples = 100\n'


@dataclass(frozen=True)
class Logged:
    store: str
    run_id: str
    pickled_uri: str
    skops_uri: str
    folder: Path
    """A model saved with mlflow.sklearn.save_model (skops), no tracking store needed."""


def mlflow_env(store: Path) -> dict[str, str]:
    return {
        "MLFLOW_TRACKING_URI": store.as_uri(),
        # MLflow 3 keeps the file store for local use behind this switch.
        "MLFLOW_ALLOW_FILE_STORE": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
    }


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Logged]:
    import mlflow.sklearn

    root = tmp_path_factory.mktemp("mlflow")
    data = pd.read_csv(sample_data_path(CASE))
    model = build_model(CASE).fit(data.loc[:, list(CASE.features)], data[CASE.target])
    with pytest.MonkeyPatch.context() as patch:
        for key, value in mlflow_env(root / "mlruns").items():
            patch.setenv(key, value)
        mlflow.set_tracking_uri((root / "mlruns").as_uri())
        # Fixed requirements: inferring them imports the model in a subprocess (slow).
        requirements = ["scikit-learn"]
        with mlflow.start_run() as run:
            pickled = mlflow.sklearn.log_model(
                model, name="pickled", serialization_format="cloudpickle",
                pip_requirements=requirements,
            )  # fmt: skip
            skops = mlflow.sklearn.log_model(
                model, name="skops", serialization_format="skops", pip_requirements=requirements
            )
        folder = root / "saved_model"
        mlflow.sklearn.save_model(
            model, str(folder), serialization_format="skops", pip_requirements=requirements
        )
        yield Logged(
            (root / "mlruns").as_uri(), run.info.run_id, pickled.model_uri, skops.model_uri, folder
        )


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logged: Logged) -> Path:
    monkeypatch.chdir(tmp_path)
    for key, value in mlflow_env(Path(logged.store.removeprefix("file://"))).items():
        monkeypatch.setenv(key, value)
    (tmp_path / "policy.toml").write_text(POLICY)
    return tmp_path


def scan(model: str, *extra: str) -> tuple[int, str]:
    args = ["scan", "--model", model, "--data", str(sample_data_path(CASE))]
    args += ["--target", CASE.target, "--sensitive", ",".join(CASE.sensitive), *CHEAP, *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_a_pickle_backed_run_model_needs_trust_pickle(logged: Logged, in_tmp: Path) -> None:
    uri = f"runs:/{logged.run_id}/pickled"
    code, output = scan(uri, "--json", "r.json")
    assert code == 2, output
    assert "cloudpickle" in output and "--trust-pickle" in output
    assert len(output.strip().splitlines()) == 1
    assert not (in_tmp / "r.json").exists()

    code, output = scan(uri, "--trust-pickle", "--json", "r.json")
    assert code in (0, 1), output
    report = json.loads((in_tmp / "r.json").read_text())
    assert report["inputs"]["model_path"] == uri
    assert report["inputs"]["mode"] == "model"


def test_a_skops_backed_model_loads_without_trust_pickle(logged: Logged, in_tmp: Path) -> None:
    outputs = {}
    for name, model in (
        ("run", f"runs:/{logged.run_id}/skops"),
        ("registry", logged.skops_uri),  # models:/m-... as log_model returned it
        ("folder", str(logged.folder)),
    ):
        code, output = scan(model, "--json", f"{name}.json")
        assert code in (0, 1), (name, output)
        outputs[name] = json.loads((in_tmp / f"{name}.json").read_text())
    assert logged.skops_uri.startswith("models:/")
    selection = [
        next(r for r in report["results"] if r["check_id"] == "fairness.selection_rate")
        for report in outputs.values()
    ]
    assert selection[0]["metrics"] == selection[1]["metrics"] == selection[2]["metrics"]


def test_the_pickled_and_skops_copies_give_the_same_numbers(logged: Logged, in_tmp: Path) -> None:
    scan(f"runs:/{logged.run_id}/pickled", "--trust-pickle", "--json", "p.json")
    scan(f"runs:/{logged.run_id}/skops", "--json", "s.json")
    pickled, skops = (json.loads((in_tmp / f).read_text()) for f in ("p.json", "s.json"))
    assert [r["metrics"] for r in pickled["results"] if r["check_id"].startswith("fairness")] == [
        r["metrics"] for r in skops["results"] if r["check_id"].startswith("fairness")
    ]


def test_mlflow_errors_are_one_line_exit_2(logged: Logged, in_tmp: Path) -> None:
    code, output = scan("runs:/0123456789abcdef0123456789abcdef/model")
    assert code == 2 and "could not resolve MLflow model" in output, output
    odd = in_tmp / "odd_model"
    odd.mkdir()
    (odd / "MLmodel").write_text("flavors:\n  python_function:\n    loader_module: my.module\n")
    code, output = scan(str(odd))
    assert code == 2 and "cannot load MLflow flavour(s) python_function" in output, output
    code, output = scan(str(in_tmp))  # a folder without MLmodel
    assert code == 2 and "model file" in output.lower(), output


def test_readme_mlflow_command_runs(logged: Logged, in_tmp: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in re.findall(r"```bash\n(.*?)```", text, re.S) if "runs:/" in line]
    args = shlex.split(line)
    assert args[:2] == ["trustscan", "scan"]
    # The README's run id is an example; the model is this store's skops-logged one.
    args = [re.sub(r"^runs:/\w+/model$", f"runs:/{logged.run_id}/skops", a) for a in args]
    (in_tmp / "holdout.csv").write_bytes(sample_data_path(CASE).read_bytes())
    result = CliRunner().invoke(main, [*args[1:], *CHEAP])
    assert result.exit_code in (0, 1), result.output


def test_python_api_takes_an_mlflow_uri_under_the_same_pickle_rule(
    logged: Logged, in_tmp: Path
) -> None:
    import trustscan
    from trustscan.errors import InputError

    data = pd.read_csv(sample_data_path(CASE))
    kwargs = {"data": data, "target": CASE.target, "sensitive": list(CASE.sensitive)}
    kwargs["only"] = ["fairness.selection_rate"]
    with pytest.raises(InputError, match="cloudpickle, which can run arbitrary code"):
        trustscan.audit(model=f"runs:/{logged.run_id}/pickled", **kwargs)  # type: ignore[arg-type]
    report = trustscan.audit(model=f"runs:/{logged.run_id}/skops", **kwargs)  # type: ignore[arg-type]
    assert report.inputs.model_path == f"runs:/{logged.run_id}/skops"
    assert sorted(p.name for p in in_tmp.iterdir()) == ["policy.toml"]  # nothing written
