"""The pre-commit hook (``.pre-commit-hooks.yaml``), installed by pre-commit from this
repository's path and run on a model repository.

pre-commit builds the hook's own virtualenv and pip-installs trustscan into it from the local
path, so this test takes a few minutes the first time (dependencies come from the package
index or pip's cache); nothing else leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from trustscan.demo import CASES, sample_data_path, train_and_save

REPO = Path(__file__).resolve().parents[2]
HOOKS = REPO / ".pre-commit-hooks.yaml"


def test_hook_definition_is_config_driven_without_ledger() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "trustscan"
    assert hook["entry"].split()[:2] == ["trustscan", "scan"]
    assert "--no-ledger" in hook["entry"].split()
    assert "--model" not in hook["entry"] and "--data" not in hook["entry"]
    assert hook["pass_filenames"] is False
    for changed in ("trustscan.toml", "models/model.skops", "data/holdout.csv", "m/MLmodel"):
        assert re.search(hook["files"], changed), changed
    assert not re.search(hook["files"], "src/app.py")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def model_repo(folder: Path, case_name: str) -> Path:
    case = next(c for c in CASES if c.name == case_name)
    folder.mkdir(parents=True)
    model = train_and_save(case, folder / "models")
    model.rename(folder / "models" / "model.skops")
    (folder / "data").mkdir()
    shutil.copy(sample_data_path(case), folder / "data" / "holdout.csv")
    sensitive = ", ".join(f'"{c}"' for c in case.sensitive)
    (folder / "trustscan.toml").write_text(
        'model = "models/model.skops"\ndata = "data/holdout.csv"\n'
        f'target = "{case.target}"\nsensitive = [{sensitive}]\n'
        'only = ["data.", "fairness.", "trace."]\n'
    )
    git(folder, "init", "-q")
    git(folder, "add", ".")
    return folder


@pytest.mark.slow
def test_pre_commit_installs_the_hook_from_the_repo_and_gates_the_commit(
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "trustscan"]
    command += ["--all-files", "--color", "never"]

    fair = model_repo(tmp_path / "fair", "fair_lending")
    passed = subprocess.run(command, cwd=fair, env=env, capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"trustscan audit\.+Passed", passed.stdout), passed.stdout
    assert not (fair / ".trustscan").exists()  # no ledger from a hook

    biased = model_repo(tmp_path / "biased", "recruiting")
    failed = subprocess.run(command, cwd=biased, env=env, capture_output=True, text=True)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"trustscan audit\.+Failed", failed.stdout), failed.stdout
    assert "exit code: 1" in failed.stdout  # the policy gate, not an input error (2)
