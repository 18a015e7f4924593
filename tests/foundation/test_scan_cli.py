"""Functional tests of `trustscan scan` on user-style models and data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from trustscan import __version__
from trustscan.cli import main
from trustscan.resources import resource_dir


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["scan", *args])
    return result.exit_code, result.output


def report_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (resource_dir("schemas") / "report.schema.json").read_text()
    )
    return schema


def test_version_flag_prints_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_scan_help_documents_options_and_exit_codes() -> None:
    result = CliRunner().invoke(main, ["scan", "--help"])
    assert result.exit_code == 0
    for option in (
        "--model",
        "--data",
        "--target",
        "--sensitive",
        "--predictions",
        "--scores",
        "--trust-pickle",
        "--trust-type",
        "--fail-on",
        "--out",
        "--json",
        "--html",
    ):
        assert option in result.output
    assert "Exit codes" in result.output


def test_pipeline_with_string_categoricals_scans_and_writes_valid_json(
    in_tmp: Path, applicants_csv: Path, pipeline_model: Path
) -> None:
    code, output = scan(
        "--model",
        str(pipeline_model),
        "--data",
        str(applicants_csv),
        "--target",
        "hired",
        "--sensitive",
        "gender",
        "--sensitive",
        "race",
        "--json",
        "out.json",
    )
    assert code == 0, output
    report = json.loads((in_tmp / "out.json").read_text())
    jsonschema.validate(report, report_schema())
    assert report["inputs"]["features"] == ["city", "experience", "score"]
    assert report["inputs"]["sensitive"] == ["gender", "race"]
    assert report["inputs"]["mode"] == "model"
    assert report["inputs"]["task"] == "binary"
    assert any(r["check_id"] == "data.quality" for r in report["results"])


def test_hist_gradient_boosting_skops_model_loads_with_tree_predictor(
    in_tmp: Path, applicants_csv: Path, hgb_model: Path
) -> None:
    code, output = scan(
        "--model",
        str(hgb_model),
        "--data",
        str(applicants_csv),
        "--target",
        "hired",
        "--sensitive",
        "gender,race",
        "--out",
        "audit",
    )
    assert code == 0, output
    assert (in_tmp / "audit" / "report.json").exists()
    assert (in_tmp / "audit" / "report.html").exists()


def test_predictions_only_mode_audits_logged_decisions(in_tmp: Path, applicants_csv: Path) -> None:
    code, output = scan(
        "--data",
        str(applicants_csv),
        "--predictions",
        "hired",
        "--sensitive",
        "gender",
        "--json",
        "r.json",
    )
    assert code == 0, output
    report = json.loads((in_tmp / "r.json").read_text())
    assert report["inputs"]["mode"] == "predictions"
    assert report["inputs"]["model_path"] is None
    assert "hired" not in report["inputs"]["features"]


def test_config_file_supplies_options_and_cli_overrides(
    in_tmp: Path, applicants_csv: Path, pipeline_model: Path
) -> None:
    (in_tmp / "trustscan.toml").write_text(
        f'model = "{pipeline_model}"\ndata = "{applicants_csv}"\ntarget = "hired"\n'
        'sensitive = ["gender"]\nseed = 7\n[data_quality]\nmax_missing_share = 0.2\n'
    )
    code, output = scan("--seed", "11", "--json", "r.json")
    assert code == 0, output
    report = json.loads((in_tmp / "r.json").read_text())
    assert report["seed"] == 11
    assert report["policy"]["data_quality"]["max_missing_share"] == 0.2
    assert report["inputs"]["sensitive"] == ["gender"]


def test_pyproject_tool_section_is_read(in_tmp: Path, applicants_csv: Path) -> None:
    (in_tmp / "pyproject.toml").write_text(
        f'[tool.trustscan]\ndata = "{applicants_csv}"\npredictions = "hired"\nfail_on = "never"\n'
    )
    code, output = scan("--json", "r.json")
    assert code == 0, output
    assert json.loads((in_tmp / "r.json").read_text())["fail_on"] == "never"


def test_policy_failure_exits_one_and_fail_on_never_exits_zero(in_tmp: Path) -> None:
    # A feature that is entirely empty makes data.quality fail.
    (in_tmp / "d.csv").write_text("x,empty,decision\n1,,1\n2,,0\n3,,1\n4,,0\n")
    code, _ = scan("--data", "d.csv", "--predictions", "decision", "--json", "r.json")
    assert code == 1
    assert json.loads((in_tmp / "r.json").read_text())["verdict"]["status"] == "fail"
    code, _ = scan("--data", "d.csv", "--predictions", "decision", "--fail-on", "never")
    assert code == 0


def test_same_seed_gives_identical_results(
    in_tmp: Path, applicants_csv: Path, pipeline_model: Path
) -> None:
    reports = []
    for name in ("a.json", "b.json"):
        code, output = scan(
            "--model",
            str(pipeline_model),
            "--data",
            str(applicants_csv),
            "--sensitive",
            "gender",
            "--json",
            name,
        )
        assert code == 0, output
        data = json.loads((in_tmp / name).read_text())
        # Provenance records the wall-clock start time and command line, so it differs by design.
        reports.append(
            [
                (r["check_id"], r["status"], r["metrics"])
                for r in data["results"]
                if r["check_id"] != "trace.provenance"
            ]
        )
    assert reports[0] == reports[1]


def test_features_option_takes_a_comma_list(
    in_tmp: Path, applicants_csv: Path, hgb_model: Path
) -> None:
    code, output = scan(
        "--model",
        str(hgb_model),
        "--data",
        str(applicants_csv),
        "--features",
        "experience,score",
        "--json",
        "r.json",
        "--fail-on",
        "never",
    )
    assert code == 0, output
    assert json.loads((in_tmp / "r.json").read_text())["inputs"]["features"] == [
        "experience",
        "score",
    ]


@pytest.fixture()
def pipeline_and_inputs(applicants_csv: Path, pipeline_model: Path) -> tuple[Any, Any]:
    """The saved Pipeline, loaded as a scan loads it, and its input columns."""
    import pandas as pd

    from trustscan.loading import load_model

    return load_model(pipeline_model), pd.read_csv(applicants_csv)[["city", "experience", "score"]]


def test_pipeline_preprocessing_runs_once_and_matches_predict(
    pipeline_and_inputs: tuple[Any, Any],
) -> None:
    import numpy as np

    adapter, frame = pipeline_and_inputs
    predictions, proba = adapter.predict_with_proba(frame)
    np.testing.assert_array_equal(predictions, adapter.estimator.predict(frame))
    assert proba is not None
    np.testing.assert_allclose(proba, adapter.estimator.predict_proba(frame), rtol=0, atol=1e-12)


def test_report_provenance_block_carries_the_input_hashes(
    in_tmp: Path, applicants_csv: Path, hgb_model: Path
) -> None:
    import hashlib

    code, output = scan(
        "--model",
        str(hgb_model),
        "--data",
        str(applicants_csv),
        "--json",
        "r.json",
        "--fail-on",
        "never",
    )
    assert code == 0, output
    provenance = json.loads((in_tmp / "r.json").read_text())["provenance"]
    assert provenance["sha256"]["data"] == hashlib.sha256(applicants_csv.read_bytes()).hexdigest()


def test_chunked_prediction_equals_one_call(pipeline_and_inputs: tuple[Any, Any]) -> None:
    import numpy as np

    adapter, frame = pipeline_and_inputs
    whole, whole_proba = adapter.predict_with_proba(frame)
    chunked, chunked_proba = adapter.predict_with_proba(frame, chunk_rows=97)
    np.testing.assert_array_equal(chunked, whole)
    assert whole_proba is not None and chunked_proba is not None
    np.testing.assert_array_equal(chunked_proba, whole_proba)
