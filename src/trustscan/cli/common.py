"""What the accountability commands (init, ledger, signoff, consequences) share: exit codes,
bad input as one line, the configured defaults, the ledger's default path, reading a report.
Light to import: no pandas, no scan machinery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from trustscan.config import read_config_file, split_settings
from trustscan.errors import InputError
from trustscan.governance.ledger.entries import DEFAULT_LEDGER

EXIT_OK = 0
EXIT_VERIFY_FAILED = 1
EXIT_INPUT_ERROR = 2


@contextmanager
def input_errors() -> Iterator[None]:
    """Bad input becomes one line on stderr and exit code 2."""
    try:
        yield
    except InputError as exc:
        click.echo(f"error: {exc.one_line()}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT_ERROR) from None


def settings(cwd: Path) -> tuple[Any, Any]:
    """Run options and policy from ./trustscan.toml or [tool.trustscan], for defaults."""
    table, source = read_config_file(None, cwd)
    return split_settings(table, str(source) if source else "config")


def default_ledger_path(cwd: Path, configured: str | None = None) -> Path:
    path = Path(configured) if configured else DEFAULT_LEDGER
    return path if path.is_absolute() else cwd / path


def read_report(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"report not found: {path}", "pass the JSON report a scan wrote (--json)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path} is not a JSON report", "pass the report.json file, not the HTML report"
        ) from exc
    if not isinstance(data, dict) or "results" not in data or "verdict" not in data:
        raise InputError(f"{path} is not a trustscan JSON report (no results/verdict)")
    return data
