"""Run a composite GitHub Action's steps locally, as a runner would, without GitHub.

Supports what ``action.yml`` uses: ``${{ inputs.x }}`` and ``${{ steps.id.outputs.y }}`` in
``env``/``with`` values, ``if:`` conditions made of those, quoted strings, ``==``/``!=``,
``&&``/``||`` and ``always()``, bash ``run`` steps (``bash --noprofile --norc -eo pipefail``,
as GitHub runs them) with ``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY``. A ``uses`` step is
not executed: it is recorded with its expanded ``with`` values when its condition holds.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_NAME = re.compile(r"\b(inputs|steps)\.[A-Za-z0-9_.-]+[A-Za-z0-9_]")


@dataclass
class ActionRun:
    steps_run: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    used: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """``uses`` steps whose condition held: (action, expanded ``with``)."""
    exit_codes: dict[str, int] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(code != 0 for code in self.exit_codes.values())


def run_action(
    action_file: Path,
    inputs: dict[str, str],
    *,
    cwd: Path,
    step_summary: Path,
    env: dict[str, str],
) -> ActionRun:
    action = yaml.safe_load(action_file.read_text(encoding="utf-8"))
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    values.update(inputs)
    run = ActionRun()

    def lookup(name: str) -> str:
        parts = name.split(".")
        if parts[0] == "inputs":
            return values[parts[1]]
        assert parts[0] == "steps" and parts[2] == "outputs", name
        return run.outputs.get(parts[1], {}).get(parts[3], "")

    def evaluate(expression: str) -> Any:
        python = _NAME.sub(lambda m: repr(lookup(m.group())), expression)
        python = python.replace("&&", " and ").replace("||", " or ").replace("always()", "True")
        return eval(python, {"__builtins__": {}}, {})  # test-only: the action's own text

    def expand(text: str) -> str:
        return _EXPR.sub(lambda m: str(evaluate(m.group(1))), str(text))

    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        condition = str(step.get("if", "success()"))
        if "always()" not in condition and run.failed:
            continue
        if condition != "success()" and not evaluate(condition.replace("success()", "True")):
            continue
        if "uses" in step:
            run.used.append((step["uses"], {k: expand(v) for k, v in step["with"].items()}))
            continue
        assert step["shell"] == "bash", step
        output_file = cwd / f".github_output_{index}"
        output_file.write_text("")
        step_env = {
            **env,
            **{k: expand(v) for k, v in step.get("env", {}).items()},
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(step_summary),
        }
        script = cwd / f".step_{index}.sh"
        script.write_text(step["run"])
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        run.steps_run.append(step_id)
        run.exit_codes[step_id] = completed.returncode
        run.logs[step_id] = completed.stdout + completed.stderr
        run.outputs[step_id] = dict(
            line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
        )
    return run


def base_env(bin_dirs: list[Path]) -> dict[str, str]:
    path = os.pathsep.join([*map(str, bin_dirs), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path}
