"""`trustscan ledger verify|show|repair|keygen`: the tamper-evident audit ledger.

Imports only the ledger's reading side, so these commands start quickly (no report or
provenance machinery). Exit codes: 0 ok, 1 verification failed, 2 bad input."""

from __future__ import annotations

import json
from pathlib import Path

import click

from trustscan.cli.common import (
    EXIT_OK,
    EXIT_VERIFY_FAILED,
    default_ledger_path,
    input_errors,
    settings,
)
from trustscan.errors import InputError
from trustscan.governance.ledger.entries import KEY_ENV, KEY_FILE_ENV, LedgerError, describe
from trustscan.governance.ledger.keys import load_key, new_key_text
from trustscan.governance.ledger.reading import read_entries
from trustscan.governance.ledger.repair import repair
from trustscan.governance.ledger.verify import verify


@click.group("ledger")
def ledger_group() -> None:
    """The tamper-evident audit ledger (.trustscan/ledger.jsonl)."""


def _ledger_arg(path: str | None) -> Path:
    if path:
        return Path(path)
    return default_ledger_path(Path.cwd(), settings(Path.cwd())[0].ledger)


@ledger_group.command("verify")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--require-key",
    is_flag=True,
    help=f"Fail unless every entry is authenticated with the ledger key (${KEY_ENV}).",
)
def ledger_verify(path: str | None, require_key: bool) -> None:
    """Check the hash chain, and with the ledger key ($TRUSTSCAN_LEDGER_KEY or $TRUSTSCAN_LEDGER_KEY_FILE)
    every entry's MAC. Exits 0 when intact, 1 naming the first bad entry."""
    with input_errors():
        ledger = _ledger_arg(path)
        key = load_key()
        if require_key and key is None:
            raise LedgerError(
                "--require-key: no ledger key is configured",
                f"set {KEY_ENV} or {KEY_FILE_ENV}",
            )
        outcome = verify(ledger, key=key)
    failed = not outcome.ok or (require_key and outcome.authenticated < outcome.entries)
    message = outcome.message()
    if outcome.ok and failed:
        unkeyed = outcome.entries - outcome.authenticated
        message = f"{ledger}: NOT AUTHENTICATED: {unkeyed} entries carry no MAC (--require-key)"
    click.echo(message, err=failed)
    raise click.exceptions.Exit(EXIT_VERIFY_FAILED if failed else EXIT_OK)


@ledger_group.command("repair")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def ledger_repair(path: str | None) -> None:
    """Set aside a torn last line (left by a crash or a full disk during an append) in
    LEDGER.torn. Touches nothing else; run `ledger verify` afterwards."""
    with input_errors():
        outcome = repair(_ledger_arg(path))
    click.echo(outcome.message())


@ledger_group.command("keygen")
@click.argument("key_file", type=click.Path(dir_okay=False))
def ledger_keygen(key_file: str) -> None:
    """Write a new random ledger key to KEY_FILE (mode 0600). Keep it outside the repository
    (a CI secret, a file in your home folder) and point $TRUSTSCAN_LEDGER_KEY_FILE at it."""
    import os

    with input_errors():
        target = Path(key_file)
        if target.exists():
            raise InputError(f"{target} exists", "refusing to overwrite a key; pick a new path")
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(new_key_text() + "\n")
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror}") from exc
    click.echo(f"wrote a new ledger key to {target}; use it with: export {KEY_FILE_ENV}={target}")


@ledger_group.command("show")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the entries as a JSON list.")
def ledger_show(path: str | None, as_json: bool) -> None:
    """List the ledger's entries (run `ledger verify` to check them)."""
    with input_errors():
        ledger = _ledger_arg(path)
        entries = read_entries(ledger)
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo(f"{ledger}: no entries")
    for entry in entries:
        click.echo(describe(entry))
