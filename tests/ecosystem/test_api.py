"""``trustscan.audit`` / ``render`` / ``write``: the scan pipeline on in-memory objects."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.linear_model import LogisticRegression

import trustscan
from trustscan.cli import main
from trustscan.errors import InputError
from trustscan.policy import Policy
from trustscan.types import Report, Status

from .conftest import FAST_POLICY, FAST_POLICY_TOML, Fitted

# What differs between a file and an object by nature, not in what the audit found: the
# provenance of files (paths, hashes, clock) and the scikit-learn version a skops file records.
FILE_FACTS = {"trace.provenance": ("metrics", "summary"), "trace.compatibility": ("summary",)}


@pytest.fixture(scope="module")
def api_report(recruiting: Fitted) -> Report:
    return trustscan.audit(
        model=recruiting.model,
        data=recruiting.data,
        target=recruiting.target,
        sensitive=list(recruiting.sensitive),
        policy=FAST_POLICY,
        seed=7,
    )


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """What an audit found, without timings, clocks and input locations."""
    results = []
    for result in report["results"]:
        kept = {k: v for k, v in result.items() if k not in ("duration_s",)}
        for key in FILE_FACTS.get(result["check_id"], ()):
            kept.pop(key)
        if result["check_id"] == "trace.compatibility":
            kept["metrics"] = {
                k: v for k, v in kept["metrics"].items() if k not in ("sklearn_saved", "skops")
            }
        results.append(kept)
    return {
        "results": results,
        "scores": report["scores"],
        "verdict": report["verdict"],
        "policy_sha256": report["policy_sha256"],
        "inputs": {
            k: v for k, v in report["inputs"].items() if k not in ("data_path", "model_path")
        },
    }


def test_api_numbers_equal_the_cli_on_the_same_model_and_data(
    api_report: Report, recruiting: Fitted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trustscan.toml").write_text(FAST_POLICY_TOML)
    args = ["scan", "--model", str(recruiting.model_path), "--data", str(recruiting.data_path)]
    args += ["--target", recruiting.target, "--seed", "7", "--json", "cli.json", "--no-ledger"]
    for column in recruiting.sensitive:
        args += ["--sensitive", column]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # the planted bias fails the gate
    cli = json.loads((tmp_path / "cli.json").read_text())
    api = json.loads(trustscan.render(api_report, "json"))

    assert comparable(api) == comparable(cli)
    ratios = api_report.result("fairness.selection_rate")
    assert ratios is not None and ratios.status is Status.FAIL


def test_api_report_names_in_memory_inputs_not_files(api_report: Report) -> None:
    assert api_report.inputs.data_path == "<DataFrame>"
    assert api_report.inputs.model_path == "<Pipeline>"
    provenance = api_report.result("trace.provenance")
    assert provenance is not None
    assert provenance.metrics["sha256"]["data"] is None  # nothing on disk to hash
    assert provenance.metrics["git"] is None


def test_audit_reads_no_config_file_and_writes_nothing_unless_asked(
    recruiting: Fitted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The CLI would read this and fail on the unknown key; the API must not look at it.
    (tmp_path / "trustscan.toml").write_text('no_such_key = "x"\n')
    report = trustscan.audit(
        model=recruiting.model,
        data=recruiting.data,
        target=recruiting.target,
        sensitive="gender",
        policy=FAST_POLICY,
        only=["fairness.selection_rate"],
    )
    assert [r.check_id for r in report.results if r.status is not Status.SKIP] == [
        "fairness.selection_rate"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trustscan.toml"]


def test_policy_file_is_read_when_given(recruiting: Fitted, tmp_path: Path) -> None:
    config = tmp_path / "trustscan.toml"
    config.write_text('target = "hired"\nsensitive = ["gender"]\nfail_on = "never"\n')
    report = trustscan.audit(
        model=recruiting.model, data=recruiting.data, policy=config, only=["fairness."]
    )
    assert report.inputs.target == "hired"
    assert report.inputs.sensitive == ("gender",)
    assert report.fail_on == "never"


def test_a_policy_object_keeps_its_thresholds_under_argument_overrides(
    recruiting: Fitted,
) -> None:
    from trustscan.policy import policy_from_mapping

    policy = policy_from_mapping({**FAST_POLICY, "fairness": {"impact_ratio_min": 0.0}})
    report = trustscan.audit(
        model=recruiting.model,
        data=recruiting.data,
        target="hired",
        sensitive="gender",
        policy=policy,
        fail_on="warn",
        only=["fairness.selection_rate"],
    )
    assert report.policy["fairness"]["impact_ratio_min"] == 0.0
    assert report.fail_on == "warn"
    assert isinstance(policy, Policy)


def test_favourable_label_chooses_which_decision_is_counted(recruiting: Fitted) -> None:
    kwargs: dict[str, Any] = {
        "model": recruiting.model,
        "data": recruiting.data,
        "target": "hired",
        "sensitive": "gender",
        "policy": FAST_POLICY,
        "only": ["fairness.selection_rate"],
    }
    default = trustscan.audit(**kwargs)
    flipped = trustscan.audit(**kwargs, favourable_label=0)
    assert default.inputs.favourable_label == "1"
    assert flipped.inputs.favourable_label == "0"
    # The positive class (the event predicted) is a separate notion and stays 1.
    assert flipped.inputs.positive_label == "1"
    before, after = (
        {
            r["group"]: r["selection_rate"]
            for r in report.result("fairness.selection_rate").metrics["groups"]  # type: ignore[union-attr]
        }
        for report in (default, flipped)
    )
    for group, rate in before.items():
        assert after[group] == pytest.approx(1 - rate)


def test_predictions_only_audit_from_a_frame() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame({"group": rng.choice(["a", "b"], n), "x": rng.normal(size=n)})
    # Group b is selected at a quarter of group a's rate: a known failing impact ratio.
    rate = np.where(frame["group"] == "a", 0.6, 0.15)
    frame["decision"] = rng.binomial(1, rate)
    report = trustscan.audit(
        data=frame,
        predictions="decision",
        sensitive="group",
        policy=FAST_POLICY,
        only=["fairness.selection_rate"],
    )
    assert report.inputs.mode == "predictions"
    result = report.result("fairness.selection_rate")
    assert result is not None and result.status is Status.FAIL

    frame["decision"] = rng.binomial(1, 0.4, n)  # the same rate for everyone: passes
    fair = trustscan.audit(
        data=frame,
        predictions="decision",
        sensitive="group",
        policy=FAST_POLICY,
        only=["fairness.selection_rate"],
    )
    result = fair.result("fairness.selection_rate")
    assert result is not None and result.status is Status.PASS


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "g": list("abab"), "y": [0, 1, 0, 1]})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": [[1, 2]], "predictions": "y"}, "data must be a pandas DataFrame, got list"),
        ({"data": _frame().iloc[:0], "predictions": "y"}, "data has no rows"),
        ({"data": _frame()}, "nothing to audit"),
        ({"data": _frame(), "model": object()}, "model has no predict method (got object)"),
        ({"data": _frame(), "model": LogisticRegression}, "class LogisticRegression, not a"),
        (
            {"data": _frame(), "model": LogisticRegression(), "predictions": "y"},
            "model= cannot be combined with predictions=",
        ),
        ({"data": _frame(), "predictions": "nope"}, "predictions column 'nope' not found"),
        ({"data": _frame(), "predictions": "y", "target": "t"}, "target column 't' not found"),
        ({"data": _frame(), "predictions": "y", "sensitive": 3}, "sensitive must be a column"),
        ({"data": _frame(), "predictions": "y", "sensitive": ["g", "h"]}, "column 'h' not"),
        (
            {"data": _frame(), "predictions": "y", "policy": {"target": "y"}},
            "policy key 'target' is a run option",
        ),
        ({"data": _frame(), "predictions": "y", "policy": 3}, "policy must be a mapping"),
        ({"data": _frame(), "predictions": "y", "threshold": "high"}, "threshold must be a"),
        ({"data": _frame(), "predictions": "y", "seed": "1"}, "seed must be a whole number"),
        (
            {
                "data": _frame().assign(g=pd.Series([{"a": 1}, {"b": 2}] * 2, dtype=object)),
                "predictions": "y",
                "sensitive": "g",
            },
            "sensitive column 'g' of data holds lists or records",
        ),
        ({"data": _frame(), "predictions": "y", "sensitive": "y"}, "also the --predictions"),
        ({"data": _frame(), "predictions": "y", "threshold": float("nan")}, "not a number"),
        ({"data": _frame(), "predictions": "y", "fail_on": "x"}, "fail_on = 'x' is not allowed"),
        (
            {"data": _frame(), "model": LogisticRegression(), "sensitive": "g"},
            "the model failed to predict",
        ),
    ],
)
def test_bad_arguments_raise_one_clear_input_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        trustscan.audit(**kwargs)
    assert message in caught.value.one_line()
    assert "\n" not in caught.value.one_line()


def test_list_and_dict_cells_are_audited_as_text() -> None:
    """A frame built in Python may hold lists or dicts, which Parquet files bring as JSON
    text: every check runs on them (none errors on an unhashable value)."""
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "g": rng.choice(["a", "b"], n),
            "y": rng.integers(0, 2, n),
            "tags": [[1, 2], [3]] * (n // 2),
            "meta": [{"k": int(i % 3)} for i in range(n)],
        }
    )
    report = trustscan.audit(data=frame, predictions="y", sensitive="g", policy=FAST_POLICY)
    assert not report.incomplete
    assert isinstance(frame.loc[0, "tags"], list)  # the caller's frame is left alone


def test_complex_numbers_are_audited_as_text_without_a_warning() -> None:
    """No file holds complex numbers; a frame may. As numbers they were cast to their real
    part with a numpy ComplexWarning on the caller's stderr."""
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {"g": rng.choice(["a", "b"], n), "y": rng.integers(0, 2, n), "z": rng.normal(size=n) * 1j}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = trustscan.audit(data=frame, predictions="y", sensitive="g", policy=FAST_POLICY)
    assert not report.incomplete
    assert frame["z"].dtype.kind == "c"  # the caller's frame is left alone


def test_arguments_are_keyword_only_and_unknown_names_are_type_errors() -> None:
    with pytest.raises(TypeError):
        trustscan.audit(None, _frame())  # type: ignore[arg-type, call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'sensitve'"):
        trustscan.audit(data=_frame(), predictions="y", sensitve="g")


def test_render_takes_format_names_and_rejects_unknown_ones(api_report: Report) -> None:
    assert json.loads(trustscan.render(api_report, "json"))["verdict"]["status"] == "fail"
    assert trustscan.render(api_report, "md").startswith("## trustscan")
    assert trustscan.render(api_report).startswith("<!DOCTYPE html>")
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        trustscan.render(api_report, "pdf")
    with pytest.raises(InputError, match="expected a trustscan Report"):
        trustscan.render({"verdict": "pass"}, "json")  # type: ignore[arg-type]


def test_write_puts_each_format_in_the_folder(api_report: Report, tmp_path: Path) -> None:
    written = trustscan.write(api_report, tmp_path / "audit")
    assert sorted(p.name for p in (tmp_path / "audit").iterdir()) == sorted(
        p.name for p in written.values()
    )
    assert len(written) == 5
    only_json = trustscan.write(api_report, tmp_path / "j", formats=["json"])
    assert [p.name for p in only_json.values()] == ["report.json"]


def test_audit_function_loads_lazily_beside_the_pipeline_module() -> None:
    # In a fresh interpreter: nothing heavy on import; the pipeline module is trustscan.pipeline.
    probe = (
        "import sys, trustscan\n"
        "assert 'pandas' not in sys.modules\n"
        "from trustscan.pipeline import run_audit\n"
        "assert callable(trustscan.audit) and trustscan.audit.__module__ == 'trustscan.api'\n"
        "assert run_audit.__module__ == 'trustscan.pipeline'\n"
        "print('ok')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert completed.stdout.strip() == "ok", completed.stderr
