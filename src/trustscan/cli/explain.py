"""`trustscan explain`: what a check measures, its thresholds and how to fix a failure."""

from __future__ import annotations

import sys

import click

from trustscan.cli.app import ExitCode


@click.command()
@click.argument("check_id")
def explain(check_id: str) -> None:
    """Explain a check: what it measures, its default thresholds and how to fix a failure.

    CHECK_ID is an id from a report, e.g. data.quality. Exits 2 for an unknown id.
    """
    from trustscan.check_docs import check_entry, close_matches

    text = check_entry(check_id)
    if text is None:
        close = close_matches(check_id)
        hint = f"did you mean: {', '.join(close)}?" if close else "see docs/checks.md"
        click.echo(f"error: unknown check id {check_id!r} — {hint}", err=True)
        sys.exit(ExitCode.INPUT_ERROR)
    click.echo(text)
