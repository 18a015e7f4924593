"""`trustscan signoff`: a sign-off bound to a report's SHA-256 in the ledger."""

from __future__ import annotations

from pathlib import Path

import click

from trustscan.cli.common import default_ledger_path, input_errors, read_report, settings
from trustscan.errors import InputError
from trustscan.governance.ledger.entries import ROLES
from trustscan.governance.ledger.keys import load_key
from trustscan.governance.ledger.reading import scan_entry_for
from trustscan.governance.ledger.writer import append_signoff
from trustscan.governance.model_card import same_person
from trustscan.governance.provenance import sha256_file
from trustscan.loading.documents import read_model_card
from trustscan.report_versions import verdict_status


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
    with input_errors():
        cwd = Path.cwd()
        run, policy = settings(cwd)
        report_file = Path(report_path)
        report = read_report(report_file)
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
