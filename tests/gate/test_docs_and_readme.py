"""Check documentation stays in step with the registry, `trustscan explain`, and the README's
CI examples, run exactly as written."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from tests.gate.conftest import (
    WorkflowRun,
    case,
    make_model_repo,
    readme_pre_commit,
    readme_workflow,
    scan_command,
)
from trustscan.check_docs import render_doc
from trustscan.checks import ALL_CHECKS
from trustscan.cli import main

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "checks.md"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_check_docs", REPO / "scripts" / "generate_check_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checks_doc_is_up_to_date_with_the_registry() -> None:
    assert DOC.read_text(encoding="utf-8") == render_doc(), (
        "docs/checks.md is stale: run `python scripts/generate_check_docs.py`"
    )


def test_every_registered_check_is_documented_with_its_description() -> None:
    text = render_doc()
    for check in ALL_CHECKS:
        assert f"## `{check.id}` — {check.title}" in text
        assert inspect.cleandoc(check.description) in text


def test_generator_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    generator = load_generator()
    target = tmp_path / "checks.md"
    assert generator.main(["--check", "--output", str(target)]) == 1
    assert generator.main(["--output", str(target)]) == 0
    assert generator.main(["--check", "--output", str(target)]) == 0


def test_explain_prints_the_documented_entry() -> None:
    check = ALL_CHECKS[0]
    result = CliRunner().invoke(main, ["explain", check.id])
    assert result.exit_code == 0
    assert f"`{check.id}`" in result.output
    assert "Default thresholds" in result.output


def test_explain_an_unknown_id_exits_2_with_close_matches() -> None:
    check = ALL_CHECKS[0]
    typo = check.id[:-1]
    result = CliRunner().invoke(main, ["explain", typo])
    assert result.exit_code == 2
    assert "unknown check id" in result.output and check.id in result.output


# --- README examples ---------------------------------------------------------------------


def test_readme_github_actions_workflow_command_runs(readme_workflow_run: WorkflowRun) -> None:
    run = readme_workflow_run
    assert run.result.exit_code in (0, 1), run.result.output  # the audit ran (2/3: bad command)
    assert set(run.outputs) == {"--json", "--junit", "--sarif", "--markdown"}
    assert all(path.is_file() for path in run.outputs.values())
    steps = readme_workflow()["jobs"]["audit"]["steps"]
    uploads = [s["with"]["sarif_file"] for s in steps if "upload-sarif" in s.get("uses", "")]
    assert uploads and all((run.repo / path).is_file() for path in uploads)
    assert "## trustscan:" in run.step_summary.read_text()


def test_readme_pre_commit_hook_entry_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_models: dict[str, Path]
) -> None:
    hook = readme_pre_commit()["repos"][0]["hooks"][0]
    assert re.search(hook["files"], "models/model.skops")
    assert re.search(hook["files"], "trustscan.toml")
    repo = make_model_repo(tmp_path, demo_models["fair_lending"])
    monkeypatch.chdir(repo)
    demo = case("fair_lending")
    sensitive = ", ".join(f'"{c}"' for c in demo.sensitive)
    # The policy limits the run to cheap checks: what is under test is the hook's command.
    (repo / "trustscan.toml").write_text(
        'model = "models/model.skops"\ndata = "data/holdout.csv"\n'
        f'target = "{demo.target}"\nsensitive = [{sensitive}]\n'
        'only = ["data.", "fairness.", "trace."]\n'
    )
    result = CliRunner().invoke(main, scan_command(hook["entry"]))
    assert result.exit_code in (0, 1), result.output
    assert result.output == ""  # --quiet: nothing but errors
    assert not (repo / ".trustscan").exists()  # --no-ledger
    failing = repo / "trustscan.toml"
    failing.write_text(failing.read_text() + "colour = 1\n")
    result = CliRunner().invoke(main, scan_command(hook["entry"]))
    assert result.exit_code == 2 and "colour" in result.output  # a broken policy blocks the commit


def test_readme_toml_examples_are_valid_settings() -> None:
    from trustscan.config import split_settings, tomllib  # type: ignore[attr-defined]  # tomli on 3.10

    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        _, policy = split_settings(tomllib.loads(block), "README.md")
        assert policy.sha256()
