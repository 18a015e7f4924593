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
from typing import Any

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


def readme_hook_config() -> dict[str, Any]:
    """The README's pre-commit configuration that takes the hook from this repository."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    return next(
        b for b in blocks
        if isinstance(b, dict) and "repos" in b and b["repos"][0]["repo"] != "local"
    )  # fmt: skip


def test_readme_hook_config_names_this_repository_hook() -> None:
    config = readme_hook_config()
    (hook,) = config["repos"][0]["hooks"]
    assert hook["id"] in {h["id"] for h in yaml.safe_load(HOOKS.read_text())}


@pytest.mark.slow
def test_pre_commit_installs_the_hook_from_the_repo_and_gates_the_commit(
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of trustscan")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    committed = subprocess.run(
        ["git", "cat-file", "-e", f"{head}:.pre-commit-hooks.yaml"], cwd=REPO, check=False
    )
    if committed.returncode != 0:
        pytest.skip(".pre-commit-hooks.yaml is not committed yet")
    # The README's configuration, pointed at this checkout's commit instead of the hosted repo.
    config = readme_hook_config()
    config["repos"][0].update(repo=str(REPO), rev=head)
    env = {
        **os.environ,
        # One store for both runs: pre-commit builds the hook environment once.
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"]

    def run_hook(case_name: str) -> subprocess.CompletedProcess[str]:
        repo = model_repo(tmp_path / case_name, case_name)
        (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
        git(repo, "add", ".")
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)

    passed = run_hook("fair_lending")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"trustscan audit\.+Passed", passed.stdout), passed.stdout
    assert not (tmp_path / "fair_lending" / ".trustscan").exists()  # no ledger from a hook

    failed = run_hook("recruiting")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"trustscan audit\.+Failed", failed.stdout), failed.stdout
    assert "exit code: 1" in failed.stdout  # the policy gate, not an input error (2)
