"""Accountability commands: ``init``, ``ledger verify|show``, ``signoff``,
``consequences suggest``; and the scan's ledger entry.

Registered on the main group in ``cli/__init__.py``. Exit codes: 0 ok, 1 verification failed,
2 bad input (one-line error).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import yaml

from trustscan.config import read_config_file, split_settings
from trustscan.errors import InputError
from trustscan.governance.consequences import suggest_entries
from trustscan.governance.init_files import write_starters
from trustscan.governance.ledger import (
    DEFAULT_LEDGER,
    KEY_ENV,
    KEY_FILE_ENV,
    ROLES,
    LedgerError,
    LedgerWriter,
    append_scan,
    append_signoff,
    describe,
    load_key,
    new_key_text,
    read_entries,
    repair,
    scan_entry_for,
    verify,
)
from trustscan.governance.model_card import same_person
from trustscan.governance.provenance import sha256_file, sha256_text
from trustscan.loading.documents import read_model_card
from trustscan.report_versions import verdict_status

EXIT_OK = 0
EXIT_VERIFY_FAILED = 1
EXIT_INPUT_ERROR = 2


@contextmanager
def _input_errors() -> Iterator[None]:
    """Bad input becomes one line on stderr and exit code 2."""
    try:
        yield
    except InputError as exc:
        click.echo(f"error: {exc.one_line()}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT_ERROR) from None


def _settings(cwd: Path) -> tuple[Any, Any]:
    """Run options and policy from ./trustscan.toml or [tool.trustscan], for defaults."""
    table, source = read_config_file(None, cwd)
    return split_settings(table, str(source) if source else "config")


def default_ledger_path(cwd: Path, configured: str | None = None) -> Path:
    path = Path(configured) if configured else DEFAULT_LEDGER
    return path if path.is_absolute() else cwd / path


def record_scan(
    report: Any,
    *,
    ledger_path: Path | None,
    config_path: Path | None,
    cwd: Path,
    writer: LedgerWriter | None = None,
    report_json: str | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Append the scan's ledger entry. The report hash is that of its JSON rendering, which
    equals ``sha256sum report.json`` when the JSON report was written. ``writer`` is the
    locked ledger when the caller holds it (the scan does, to commit reports and entry
    together)."""
    from trustscan.report import OutputFormat, render

    path = ledger_path if ledger_path is not None else default_ledger_path(cwd)
    text = report_json if report_json is not None else render(OutputFormat.JSON, report)
    entry = append_scan(
        path, report, sha256_text(text), config_path=config_path, key=load_key(), writer=writer
    )
    return path, entry


# --- init ---------------------------------------------------------------------------------


@click.command("init")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Folder to write the starters into.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init_command(folder: str, force: bool) -> None:
    """Write commented starters: trustscan.toml, model_card.yaml, consequences.yaml.

    Existing files are kept unless --force is given.
    """
    outcome = write_starters(Path(folder), force=force)
    for path in outcome.written:
        click.echo(f"wrote {path}")
    for path in outcome.kept:
        click.echo(f"kept {path} (exists; use --force to overwrite)")
    pyproject = Path(folder) / "pyproject.toml"
    shadowed = (
        Path(folder) / "trustscan.toml" in outcome.written
        and pyproject.is_file()
        and "[tool.trustscan]" in pyproject.read_text(encoding="utf-8", errors="replace")
    )
    if shadowed:
        click.echo(
            "note: trustscan.toml takes precedence over [tool.trustscan] in pyproject.toml; "
            "merge them or delete one."
        )
    if outcome.written:
        click.echo("Fill in every TBD, then run `trustscan scan`.")


# --- ledger -------------------------------------------------------------------------------


@click.group("ledger")
def ledger_group() -> None:
    """The tamper-evident audit ledger (.trustscan/ledger.jsonl)."""


def _ledger_arg(path: str | None) -> Path:
    if path:
        return Path(path)
    return default_ledger_path(Path.cwd(), _settings(Path.cwd())[0].ledger)


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
    with _input_errors():
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
    with _input_errors():
        outcome = repair(_ledger_arg(path))
    click.echo(outcome.message())


@ledger_group.command("keygen")
@click.argument("key_file", type=click.Path(dir_okay=False))
def ledger_keygen(key_file: str) -> None:
    """Write a new random ledger key to KEY_FILE (mode 0600). Keep it outside the repository
    (a CI secret, a file in your home folder) and point $TRUSTSCAN_LEDGER_KEY_FILE at it."""
    import os

    with _input_errors():
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
    with _input_errors():
        ledger = _ledger_arg(path)
        entries = read_entries(ledger)
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo(f"{ledger}: no entries")
    for entry in entries:
        click.echo(describe(entry))


# --- signoff ------------------------------------------------------------------------------


@click.command("signoff")
@click.option(
    "--report",
    "report_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The JSON report being signed (report.json).",
)
@click.option("--by", "by", required=True, help="Name of the person signing.")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="approver",
    show_default=True,
    help="Capacity in which they sign.",
)
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False),
    help="Ledger to append to (default .trustscan/ledger.jsonl).",
)
@click.option(
    "--model-card",
    "card_path",
    type=click.Path(dir_okay=False),
    help="Model card naming the authors (default from trustscan.toml, else model_card.yaml).",
)
def signoff_command(
    report_path: str, by: str, role: str, ledger_path: str | None, card_path: str | None
) -> None:
    """Record a sign-off bound to the report's SHA-256 in the ledger.

    An approver must not be one of the model card's authors (separation of duties).
    """
    with _input_errors():
        cwd = Path.cwd()
        run, policy = _settings(cwd)
        report_file = Path(report_path)
        report = _read_report(report_file)
        if not by.strip():
            raise InputError("--by must name a person")
        if role == "approver":
            _require_independent(by, Path(card_path or policy.docs.model_card))
        ledger = Path(ledger_path) if ledger_path else default_ledger_path(cwd, run.ledger)
        digest = sha256_file(report_file)
        known = scan_entry_for(ledger, digest)
        entry = append_signoff(
            ledger,
            report_sha256=digest,
            by=by.strip(),
            role=role,
            verdict=verdict_status(report),
            key=load_key(),
        )
    click.echo(
        f"signed: entry {entry['sequence']} in {ledger}: {role} {entry['by']} "
        f"for report {digest[:12]} (verdict {verdict_status(report)})"
    )
    if known is None:
        click.echo(
            "note: no scan entry in this ledger has this report's hash; the sign-off is bound "
            "to the file as it is now.",
            err=True,
        )


def _require_independent(by: str, card: Path) -> None:
    review = read_model_card(card)
    if review is None:
        raise InputError(
            f"cannot check the approver is independent: no model card at {card}",
            "run `trustscan init` and fill in model_details.authors, or pass --model-card",
        )
    if not review.authors:
        raise InputError(
            f"the model card {card} names no authors (model_details.authors)",
            "list who built the model so the approver can be checked against them",
        )
    if any(same_person(by, author) for author in review.authors):
        raise InputError(
            f"{by!r} is an author of the model (model card {card}) and cannot approve it",
            "ask someone who did not build the model to sign off as approver",
        )


def _read_report(path: Path) -> dict[str, Any]:
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


# --- consequences suggest -----------------------------------------------------------------


@click.group("consequences")
def consequences_group() -> None:
    """The consequence scan (consequences.yaml)."""


@consequences_group.command("suggest")
@click.option(
    "--report",
    "report_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="A JSON report from `trustscan scan --json`.",
)
def consequences_suggest(report_path: str) -> None:
    """Print consequence entries drafted from a report's warn/fail findings, to edit and
    paste under `consequences:` in consequences.yaml."""
    with _input_errors():
        report = _read_report(Path(report_path))
    drafts = suggest_entries(report)
    if not drafts:
        click.echo("# The report has no warn or fail findings: nothing to suggest.")
        return
    click.echo(
        "# Drafted by `trustscan consequences suggest` from "
        f"{Path(report_path).name}. Edit each entry: who is affected, the real disposition,\n"
        "# an owner, a due date and a review date (YYYY-MM-DD); then paste under `consequences:`."
    )
    click.echo(yaml.safe_dump(drafts, sort_keys=False, allow_unicode=True, width=100).rstrip())
