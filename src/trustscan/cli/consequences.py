"""`trustscan consequences suggest`: consequence entries drafted from a report's findings."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from trustscan.cli.common import input_errors, read_report
from trustscan.governance.consequences import suggest_entries


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
    with input_errors():
        report = read_report(Path(report_path))
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
