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
