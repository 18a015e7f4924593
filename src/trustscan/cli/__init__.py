"""Command line. ``main`` is the click group; each command lives in its own module.

The commands import the audit stack only when they run, so `--version`, `--help`,
`explain` and `ledger` stay instant.
"""

from __future__ import annotations

from trustscan.cli.accountability import COMMANDS as ACCOUNTABILITY_COMMANDS
from trustscan.cli.app import ExitCode, exit_codes, main
from trustscan.cli.card import card_command
from trustscan.cli.demo import demo
from trustscan.cli.diff import diff
from trustscan.cli.explain import explain
from trustscan.cli.render import render_command
from trustscan.cli.scan import scan

for _command in (scan, demo, explain, *ACCOUNTABILITY_COMMANDS, diff, render_command, card_command):
    main.add_command(_command)


def run() -> None:
    """Entry point for `python -m trustscan`."""
    main(prog_name="trustscan")


__all__ = ["ExitCode", "exit_codes", "main", "run"]
