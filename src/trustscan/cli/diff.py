"""``trustscan diff OLD.json NEW.json``: compare two audits without re-running them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from trustscan.errors import InputError
from trustscan.policy import ConsistencyPolicy, StatsPolicy

EXIT_UNCHANGED, EXIT_WORSE, EXIT_INPUT_ERROR = 0, 1, 2


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--min-change",
    type=click.FloatRange(min=0),
    default=ConsistencyPolicy().baseline_min_change,
    show_default=True,
    help="Ignore metric changes smaller than this (absolute).",
)
@click.option(
    "--confidence",
    type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
    default=StatsPolicy().confidence,
    show_default=True,
    help="Confidence level of the intervals of the changes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def diff(old: str, new: str, min_change: float, confidence: float, as_json: bool) -> None:
    """Compare two JSON reports: metric changes with intervals, new and resolved findings,
    verdict change.

    Exit codes: 0 nothing got significantly worse, 1 a fairness or performance metric got
    significantly worse (or gained a failing finding), 2 bad input.
    """
    # Imported here so `trustscan --help` does not pay for numpy/scipy.
    from trustscan.checks.consistency.compare import compare_reports
    from trustscan.governance.compare import render_text
    from trustscan.loading.reports import read_report

    context = click.get_current_context()
    try:
        before = read_report(Path(old), what="old report")
        after = read_report(Path(new), what="new report")
    except InputError as exc:
        click.echo(f"error: {exc.one_line()}", err=True)
        context.exit(EXIT_INPUT_ERROR)
    comparison = compare_reports(before, after, min_change=min_change, confidence=confidence)
    if as_json:
        click.echo(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        click.echo(render_text(comparison, old_name=old, new_name=new), nl=False)
    context.exit(EXIT_WORSE if comparison.regressed else EXIT_UNCHANGED)
