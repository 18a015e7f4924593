"""Commands that need no audit start without importing the numerical stack.

Timing belongs in benchmarks/; this guards the cause of slowness: pandas, scipy and
scikit-learn take ~2 s to import, so `--version`, `--help`, `init` and the ledger commands
must not import them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "scipy", "sklearn")

PROBE = """
import sys
from click.testing import CliRunner
from trustscan.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print("exit=" + str(result.exit_code))
print("imported=" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["scan", "--help"],
        ["ledger", "verify"],
        ["ledger", "show"],
        ["init"],
        ["diff", "--help"],
        ["render", "--help"],
        ["explain", "fairness.selection_rate"],
        ["explain", "no.such_check"],
    ],
    ids=" ".join,
)
def test_command_does_not_import_the_numerical_stack(tmp_path: Path, args: list[str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = completed.stdout.splitlines()
    exit_code = next(line for line in lines if line.startswith("exit="))
    imported = next(line for line in lines if line.startswith("imported="))
    # ledger commands exit 2 here: there is no ledger in an empty folder.
    assert exit_code in {"exit=0", "exit=2"}, completed.stdout + completed.stderr
    assert imported == "imported=", f"`trustscan {' '.join(args)}` {imported}"


def test_version_imports_no_command_module(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom click.testing import CliRunner\nfrom trustscan.cli import main\n"
        "result = CliRunner().invoke(main, ['--version'])\n"
        "print(result.exit_code, sorted(m for m in sys.modules if m.startswith('trustscan.cli.')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "0 ['trustscan.cli.app']", completed.stdout


def test_listed_summaries_are_the_commands_own_help() -> None:
    """`trustscan --help` lists commands without importing them; each line must still be
    the first sentence of that command's own help."""
    import click

    from trustscan.cli import main

    ctx = click.Context(main)
    for name, lazy in main.lazy.items():
        command = lazy.load()
        assert command.name == name
        assert lazy.summary == command.get_short_help_str(limit=10**6), name
    assert main.list_commands(ctx) == sorted(main.lazy)
