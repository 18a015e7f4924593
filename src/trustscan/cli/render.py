"""``trustscan render REPORT.json``: render a saved JSON report again, with its sign-offs.

Sign-offs are recorded in the ledger after a report exists, bound to the SHA-256 of its JSON
file; re-rendering is how the HTML (or any other format) comes to show them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from pathlib import Path

import click

from trustscan.cli.common import default_ledger_path
from trustscan.errors import InputError
from trustscan.governance.ledger.keys import load_key
from trustscan.governance.ledger.reading import signoffs_for
from trustscan.governance.ledger.verify import verify
from trustscan.outputs import check_output_paths, write_atomically
from trustscan.report import OutputFormat, render


@click.command("render")
@click.argument("report_path", metavar="REPORT.json", type=click.Path(dir_okay=False))
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False), help="Write the HTML report here."
)
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(dir_okay=False),
    help="Write the Markdown summary here.",
)
@click.option(
    "--junit", "junit_path", type=click.Path(dir_okay=False), help="Write the JUnit XML here."
)
@click.option(
    "--sarif", "sarif_path", type=click.Path(dir_okay=False), help="Write the SARIF log here."
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False),
    help="Print the HTML report to this PDF (needs Chromium installed; no network).",
)
@click.option(
    "--ledger",
    "ledger",
    type=click.Path(dir_okay=False),
    help="Ledger to read sign-offs from (default .trustscan/ledger.jsonl).",
)
def render_command(
    report_path: str,
    html_path: str | None,
    markdown_path: str | None,
    junit_path: str | None,
    sarif_path: str | None,
    pdf_path: str | None,
    ledger: str | None,
) -> None:
    """Render a JSON report again in other formats, adding the ledger's sign-offs for it.

    \b
    Example, after `trustscan signoff --report audit/report.json --by "A. Reviewer"`:
      trustscan render audit/report.json --html audit/report.html
    """
    from trustscan.cli import ExitCode, exit_codes
    from trustscan.loading.reports import read_report
    from trustscan.report.json_format import report_from_dict

    with exit_codes(debug=False):
        cwd = Path.cwd()
        source = cwd / report_path
        requested = {
            OutputFormat.HTML: html_path,
            OutputFormat.MARKDOWN: markdown_path,
            OutputFormat.JUNIT: junit_path,
            OutputFormat.SARIF: sarif_path,
        }
        outputs = {fmt: cwd / path for fmt, path in requested.items() if path}
        if not outputs and not pdf_path:
            raise InputError(
                "nothing to render", "pass --html, --markdown, --junit, --sarif or --pdf"
            )
        labels = {"--html": html_path, "--markdown": markdown_path, "--pdf": pdf_path}
        labels.update({"--junit": junit_path, "--sarif": sarif_path})
        check_output_paths(
            {label: cwd / path for label, path in labels.items() if path},
            {"REPORT.json": source},
        )
        report = report_from_dict(read_report(source))
        ledger_path = default_ledger_path(cwd, ledger)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        signoffs = _verified_signoffs(ledger_path, digest)
        report = dataclasses.replace(report, provenance={**report.provenance, "signoffs": signoffs})
        rendered: dict[Path, str | bytes] = {
            path: render(fmt, report) for fmt, path in outputs.items()
        }
        if pdf_path:
            from trustscan.report.pdf import html_to_pdf

            rendered[cwd / pdf_path] = html_to_pdf(render(OutputFormat.HTML, report))
        write_atomically(rendered)
        click.echo(
            f"rendered {len(rendered)} file(s) from {report_path} with {len(signoffs)} sign-off(s)"
        )
    sys.exit(ExitCode.PASSED)


def _verified_signoffs(ledger_path: Path, digest: str) -> list[dict[str, object]]:
    """Sign-offs to show, only from a ledger that verifies: a forged sign-off in a tampered
    ledger never reaches the report. Each says whether its MAC was checked with the key."""
    if not ledger_path.exists():
        return []
    key = load_key()
    outcome = verify(ledger_path, key=key)
    if not outcome.ok:
        click.echo(
            f"warning: sign-offs not shown: the ledger fails verification: {outcome.message()}",
            err=True,
        )
        return []
    shown = ("sequence", "time", "by", "role", "verdict", "authenticated")
    return [
        {name: entry.get(name) for name in shown}
        for entry in signoffs_for(ledger_path, digest, key=key)
    ]
