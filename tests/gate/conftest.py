"""Fixtures for the CI-gate tests: the demo models trained once, the README's workflow command
run once on the fair control (its outputs feed several tests), and a CLI runner helper."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from trustscan.cli import main
from trustscan.demo import CASES, DemoCase, sample_data_path, train_and_save

REPO = Path(__file__).resolve().parents[2]


def case(name: str) -> DemoCase:
    return next(c for c in CASES if c.name == name)


@pytest.fixture(scope="session")
def demo_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("gate_models")
    return {name: train_and_save(case(name), folder) for name in ("recruiting", "fair_lending")}


def sample_args(name: str, model: Path) -> list[str]:
    """The scan options of a bundled sample with the default policy."""
    demo = case(name)
    args = ["--model", str(model), "--data", str(sample_data_path(demo)), "--target", demo.target]
    for column in demo.sensitive:
        args += ["--sensitive", column]
    return args


def run_scan(args: list[str], env: Mapping[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["scan", *args, "--no-ledger"], env=dict(env or {}))


def readme_yaml_blocks() -> list[Any]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def readme_workflow() -> dict[str, Any]:
    return next(b for b in readme_yaml_blocks() if isinstance(b, dict) and "jobs" in b)


def readme_pre_commit() -> dict[str, Any]:
    return next(b for b in readme_yaml_blocks() if isinstance(b, dict) and "repos" in b)


def scan_command(text: str) -> list[str]:
    """The arguments of a README ``trustscan scan ...`` command, exactly as written."""
    words = shlex.split(text)
    assert words[:2] == ["trustscan", "scan"], text
    return words[1:]


def make_model_repo(folder: Path, model: Path) -> Path:
    """A model repository laid out as the README examples expect, holding the fair control."""
    (folder / "models").mkdir(parents=True)
    (folder / "data").mkdir()
    shutil.copy(model, folder / "models" / "model.skops")
    shutil.copy(sample_data_path(case("fair_lending")), folder / "data" / "holdout.csv")
    return folder


@dataclass(frozen=True)
class WorkflowRun:
    result: Result
    repo: Path
    step_summary: Path
    outputs: dict[str, Path]
    """Output option (``--json``, ``--junit``, ...) -> the file the command wrote."""


@pytest.fixture(scope="session")
def readme_workflow_run(
    demo_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkflowRun]:
    """The README's GitHub Actions scan step, run as written in a model repository holding the
    fair control, with ``$GITHUB_STEP_SUMMARY`` set as on GitHub."""
    repo = make_model_repo(tmp_path_factory.mktemp("model_repo"), demo_models["fair_lending"])
    step = next(
        s for s in readme_workflow()["jobs"]["audit"]["steps"]
        if str(s.get("run", "")).startswith("trustscan scan")
    )  # fmt: skip
    args = scan_command(step["run"])
    outputs = {
        option: repo / args[i + 1]
        for i, option in enumerate(args)
        if option in ("--json", "--junit", "--sarif", "--markdown")
    }
    summary = repo / "step_summary.md"
    summary.write_text("earlier step\n")
    previous = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(main, args, env={"GITHUB_STEP_SUMMARY": str(summary)})
        yield WorkflowRun(result, repo, summary, outputs)
    finally:
        os.chdir(previous)
