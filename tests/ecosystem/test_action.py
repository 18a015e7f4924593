"""The composite GitHub Action (``action.yml``), its shell steps run locally on sample data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from trustscan.demo import CASES, sample_data_path, train_and_save

from .action_runner import ActionRun, base_env, run_action

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
CHEAP = 'only = ["data.", "fairness.", "trace."]\n'


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("action_models")
    return {c.name: train_and_save(c, folder) for c in CASES if c.name != "retail"}


def run_in_repo(tmp_path: Path, case_name: str, model_file: Path, **inputs: str) -> ActionRun:
    """The action in a model repository, with pip replaced by a recorder (no install)."""
    case = next(c for c in CASES if c.name == case_name)
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "holdout.csv").write_bytes(sample_data_path(case).read_bytes())
    (repo / "models").mkdir()
    (repo / "models" / "model.skops").write_bytes(model_file.read_bytes())
    (repo / "trustscan.toml").write_text(CHEAP)
    shims = tmp_path / "shims"
    shims.mkdir()
    python = shims / "python"
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" >> "$PIP_LOG"; exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    python.chmod(0o755)
    env = base_env([shims, Path(sys.executable).parent])
    env["PIP_LOG"] = str(tmp_path / "pip.log")
    env["GITHUB_ACTION_PATH"] = str(REPO)  # set by the runner for a composite action's steps
    defaults = {
        "model": "models/model.skops",
        "data": "data/holdout.csv",
        "target": case.target,
        "sensitive": ",".join(case.sensitive),
        "config": "trustscan.toml",
        "upload-sarif": "true",
    }
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    return run_action(ACTION, {**defaults, **inputs}, cwd=repo, step_summary=summary, env=env)


def test_action_audits_a_fair_model_and_passes(models: dict[str, Path], tmp_path: Path) -> None:
    run = run_in_repo(tmp_path, "fair_lending", models["fair_lending"])
    assert run.steps_run == ["step0", "scan", "step3"], run.logs
    assert (tmp_path / "pip.log").read_text().split() == [
        "-m", "pip", "install", "--quiet", str(REPO)
    ]  # fmt: skip
    assert run.outputs["scan"] == {"exit-code": "0", "verdict": "pass"}, run.logs["scan"]
    assert not run.failed
    report_dir = tmp_path / "repo" / "trustscan-report"
    assert {p.name for p in report_dir.iterdir()} >= {"report.html", "report.sarif", "summary.md"}
    assert [(uses, with_["sarif_file"]) for uses, with_ in run.used] == [
        ("github/codeql-action/upload-sarif@v3", "trustscan-report/report.sarif")
    ]
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("earlier step\n") and "## trustscan:" in summary
    assert not (tmp_path / "repo" / ".trustscan").exists()  # no ledger in CI


def test_action_fails_the_job_on_a_biased_model_after_uploading_sarif(
    models: dict[str, Path], tmp_path: Path
) -> None:
    run = run_in_repo(tmp_path, "recruiting", models["recruiting"])
    assert run.outputs["scan"] == {"exit-code": "1", "verdict": "fail"}, run.logs["scan"]
    assert run.exit_codes["step3"] == 1  # the gate step fails the job
    assert run.used and run.used[0][0].startswith("github/codeql-action/upload-sarif")
    lenient = run_in_repo(
        tmp_path / "never", "recruiting", models["recruiting"], **{"fail-on": "never"}
    )
    assert lenient.outputs["scan"] == {"exit-code": "0", "verdict": "fail"}
    assert not lenient.failed


def test_action_input_cannot_inject_shell_code(models: dict[str, Path], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    run = run_in_repo(
        tmp_path,
        "fair_lending",
        models["fair_lending"],
        sensitive=f'gender"; touch {marker}; echo "',
        install="none",
        **{"upload-sarif": "false"},
    )
    assert not marker.exists()
    assert run.steps_run == ["scan", "step3"]  # install skipped with "none"
    assert run.outputs["scan"]["exit-code"] == "2"  # no such column: an input error
    assert "not found" in run.logs["scan"]
    assert run.used == []  # nothing to upload from a scan that did not run


def test_action_never_pastes_an_expression_into_a_script() -> None:
    action = yaml.safe_load(ACTION.read_text())
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    declared = set(action["inputs"])
    used = set(re.findall(r"inputs\.([a-z-]+)", ACTION.read_text()))
    assert used == declared
    assert {"model", "data", "target", "sensitive", "config", "fail-on"} <= declared


def test_readme_uses_example_runs(models: dict[str, Path], tmp_path: Path) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    steps = [
        step
        for block in re.findall(r"```yaml\n(.*?)```", text, re.S)
        for step in (yaml.safe_load(block) if block.lstrip().startswith("- ") else [])
    ]
    (step,) = [s for s in steps if re.fullmatch(r"[\w-]+/trustscan@[\w.]+", s.get("uses", ""))]
    with_ = {k: str(v) for k, v in step["with"].items()}
    assert set(with_) <= set(yaml.safe_load(ACTION.read_text())["inputs"])
    run = run_in_repo(tmp_path, "fair_lending", models["fair_lending"], **with_)
    assert run.outputs["scan"] == {"exit-code": "0", "verdict": "pass"}, run.logs["scan"]
    assert run.used  # upload-sarif: "true" in the example


def test_action_installs_a_requirement_when_given_one(
    models: dict[str, Path], tmp_path: Path
) -> None:
    run = run_in_repo(tmp_path, "fair_lending", models["fair_lending"], install="trustscan==0.1.0")
    assert (tmp_path / "pip.log").read_text().split()[-1] == "trustscan==0.1.0"
    assert run.outputs["scan"]["exit-code"] == "0"
