"""Command line: parse options, build a config, call the core, write outputs, pick the exit code.

The only module that calls ``sys.exit``. Exit codes: 0 passed policy, 1 policy failed,
2 usage or input error, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from trustscan import __version__
from trustscan.cli_accountability import COMMANDS as ACCOUNTABILITY_COMMANDS
from trustscan.cli_accountability import default_ledger_path, record_scan
from trustscan.cli_diff import diff as diff_command
from trustscan.cli_render import render_command
from trustscan.config import ScanConfig, make_scan_config
from trustscan.errors import InputError
from trustscan.ledger import chain_head
from trustscan.outputs import write_atomically
from trustscan.report import OutputFormat, render
from trustscan.scoring import gate_fails
from trustscan.types import Report


class ExitCode(enum.IntEnum):
    PASSED = 0
    POLICY_FAILED = 1
    INPUT_ERROR = 2
    INTERNAL_ERROR = 3
    INTERRUPTED = 130


@contextmanager
def exit_codes(debug: bool) -> Iterator[None]:
    """Map exceptions to one-line messages and exit codes (tracebacks only under --debug)."""
    try:
        yield
    except InputError as exc:
        if debug:
            raise
        click.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(ExitCode.INPUT_ERROR)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:
        if debug:
            raise
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        click.echo(f"internal error: {message} (re-run with --debug for the traceback)", err=True)
        sys.exit(ExitCode.INTERNAL_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="trustscan")
def main() -> None:
    """trustscan: audit a trained model and its data for fairness, sensitive-inference
    leakage, explainability, traceability, competence and consistency, scored on six trust
    dimensions.

    Start with `trustscan demo`, then `trustscan scan --help`.
    """


def scan_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options of `scan`, in the order --help shows them."""
    options = [
        click.option(
            "--model",
            "model",
            type=click.Path(dir_okay=False),
            help="Model file: .skops (default, safe), .onnx, or .joblib/.pkl with --trust-pickle.",
        ),
        click.option(
            "--data", "data", type=click.Path(), help="Dataset to audit: .csv/.tsv or .parquet."
        ),
        click.option(
            "--target",
            help="Column with the true outcome (optional; needed for error-rate and performance checks).",
        ),
        click.option(
            "--sensitive",
            "-s",
            multiple=True,
            help="Sensitive/protected column; repeat or give a comma list. Need not be a model input.",
        ),
        click.option(
            "--features",
            help="Comma list of model input columns (default: the model's feature_names_in_, else every non-target, non-sensitive, non-id column).",
        ),
        click.option(
            "--predictions",
            help="Predictions-only mode: column holding the model's logged decisions.",
        ),
        click.option(
            "--scores",
            help="Predictions-only mode: column holding the model's scores (decisions = score >= decision_threshold).",
        ),
        click.option(
            "--positive-label",
            help="Label that counts as the favourable/selected outcome (default: 1/true/yes, else the last label).",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            help="trustscan.toml with options and policy (default: ./trustscan.toml, else [tool.trustscan] in ./pyproject.toml). CLI options win.",
        ),
        click.option(
            "--json",
            "json_path",
            type=click.Path(dir_okay=False),
            help="Write the JSON report here.",
        ),
        click.option(
            "--html",
            "html_path",
            type=click.Path(dir_okay=False),
            help="Write the HTML report here.",
        ),
        click.option(
            "--pdf",
            "pdf_path",
            type=click.Path(dir_okay=False),
            help="Also print the HTML report to this PDF (needs Chromium installed).",
        ),
        click.option(
            "--junit",
            "junit_path",
            type=click.Path(dir_okay=False),
            help="Write JUnit XML here (one testcase per check) for CI test reporters.",
        ),
        click.option(
            "--markdown",
            "markdown_path",
            type=click.Path(dir_okay=False),
            help="Write a compact Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set).",
        ),
        click.option(
            "--sarif",
            "sarif_path",
            type=click.Path(dir_okay=False),
            help="Write SARIF 2.1.0 here (one result per finding) for code-scanning UIs.",
        ),
        click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False),
            help="Write every report format into this folder.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["fail", "warn", "never"]),
            help="Which verdict makes the exit code 1 (default: fail).",
        ),
        click.option(
            "--seed",
            type=int,
            help="Seed for sampling and bootstrap (default 0); same seed, same report.",
        ),
        click.option("--encoding", help="Text encoding of a CSV file (default utf-8)."),
        click.option(
            "--trust-pickle",
            is_flag=True,
            help="Allow loading pickle/joblib models. Pickle runs arbitrary code: only for files you trust.",
        ),
        click.option(
            "--trust-type",
            multiple=True,
            help="Extra type a .skops file may load (repeatable), e.g. xgboost.sklearn.XGBClassifier.",
        ),
        click.option(
            "--ledger",
            "ledger",
            type=click.Path(dir_okay=False),
            help="Audit ledger to append this scan to (default .trustscan/ledger.jsonl).",
        ),
        click.option(
            "--no-ledger", is_flag=True, help="Do not append this scan to the audit ledger."
        ),
        click.option(
            "--baseline",
            "baseline",
            type=click.Path(dir_okay=False),
            help="A previous JSON report to compare with (consistency.baseline): fails when a fairness or performance metric got significantly worse.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
        click.option(
            "--debug",
            is_flag=True,
            help="Re-raise errors with tracebacks instead of one-line messages.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def requested_outputs(options: dict[str, Any], cwd: Path) -> dict[OutputFormat, Path]:
    """Map each requested format to its path; an explicit path beats --out."""
    outputs: dict[OutputFormat, Path] = {}
    out_dir = options.get("out_dir")
    if out_dir:
        for output_format in OutputFormat:
            outputs[output_format] = cwd / out_dir / output_format.default_filename
    explicit = {
        OutputFormat.JSON: options.get("json_path"),
        OutputFormat.HTML: options.get("html_path"),
        OutputFormat.JUNIT: options.get("junit_path"),
        OutputFormat.MARKDOWN: options.get("markdown_path"),
        OutputFormat.SARIF: options.get("sarif_path"),
    }
    for output_format, path in explicit.items():
        if path:
            outputs[output_format] = cwd / path
    return outputs


def execute_scan(
    config: ScanConfig,
    outputs: dict[OutputFormat, Path],
    *,
    quiet: bool,
    pdf_path: Path | None = None,
    ledger_head: dict[str, Any] | None = None,
) -> Report:
    """Audit, render every output in memory, then write them all atomically."""
    # The audit pulls in pandas, scipy and scikit-learn: imported on use so that --version,
    # --help, explain and the ledger commands start instantly.
    from trustscan.audit import run_audit
    from trustscan.report.terminal import progress_reporter

    with progress_reporter(enabled=not quiet) as progress:
        report = run_audit(config, progress=progress)
    if ledger_head is not None:
        report = dataclasses.replace(
            report, provenance={**report.provenance, "ledger_head": ledger_head}
        )
    rendered: dict[Path, str | bytes] = {path: render(fmt, report) for fmt, path in outputs.items()}
    if pdf_path is not None:
        from trustscan.report.pdf import html_to_pdf

        rendered[pdf_path] = html_to_pdf(render(OutputFormat.HTML, report))
    write_atomically(rendered)
    return report


def append_step_summary(report: Report) -> None:
    """On GitHub Actions, add the Markdown summary to the job's summary page. A summary that
    cannot be written is reported, not fatal: the audit itself succeeded."""
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_path:
        return
    try:
        with open(summary_path, "a", encoding="utf-8") as stream:
            stream.write(render(OutputFormat.MARKDOWN, report) + "\n")
    except OSError as exc:
        click.echo(f"warning: could not append to $GITHUB_STEP_SUMMARY: {exc}", err=True)


@main.command()
@scan_options
def scan(**options: Any) -> None:
    """Audit a model (or its logged decisions) on a dataset.

    \b
    Examples:
      trustscan scan --model model.skops --data applicants.csv --target hired \\
          --sensitive gender --sensitive race --out audit/
      trustscan scan --data decisions.csv --predictions approved --sensitive gender --json r.json

    Exit codes: 0 passed policy, 1 policy failed (see --fail-on), 2 usage or input error,
    3 internal error, 130 interrupted.
    """
    debug = bool(options.get("debug"))
    quiet = bool(options.get("quiet"))
    with exit_codes(debug):
        cwd = Path.cwd()
        config = make_scan_config(options, cwd=cwd, command_line=tuple(sys.argv))
        outputs = requested_outputs(options, cwd)
        pdf_path = cwd / options["pdf_path"] if options.get("pdf_path") else None
        ledger_path = (
            None if options.get("no_ledger") else (config.ledger_path or default_ledger_path(cwd))
        )
        report = execute_scan(
            config,
            outputs,
            quiet=quiet,
            pdf_path=pdf_path,
            ledger_head=chain_head(ledger_path) if ledger_path else None,
        )
        append_step_summary(report)
        if not quiet:
            from trustscan.report.terminal import print_summary

            print_summary(report, outputs.values())
        if ledger_path is not None:
            ledger, entry = record_scan(
                report, ledger_path=ledger_path, config_path=config.config_path, cwd=cwd
            )
            if not quiet:
                click.echo(f"ledger: entry {entry['sequence']} appended to {ledger}")
    sys.exit(
        ExitCode.POLICY_FAILED if gate_fails(report.verdict, report.fail_on) else ExitCode.PASSED
    )


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="trustscan-demo",
    show_default=True,
    help="Folder for the demo models and reports.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--debug", is_flag=True, help="Re-raise errors with tracebacks.")
def demo(out_dir: str, quiet: bool, debug: bool) -> None:
    """Train the bundled sample models, save them with skops, and audit each one.

    Three cases: a recruiting model trained on labels biased against women (gender is not an
    input, proxies are), a retail model whose score reveals pregnancy, and a fair lending
    control. Reports go to OUT/<case>/. Exits 0 when every audit ran, whatever it found.
    """
    from trustscan.demo import CASES, sample_data_path, train_and_save, with_governance_docs
    from trustscan.report.terminal import print_summary

    with exit_codes(debug):
        root = Path(out_dir).resolve()
        for case in CASES:
            if not quiet:
                click.echo(f"• {case.name}: {case.description}")
            model_path = train_and_save(case, root / "models")
            options = {
                "model": str(model_path),
                "data": str(sample_data_path(case)),
                "target": case.target,
                "sensitive": case.sensitive,
                "debug": debug,
            }
            config = make_scan_config(options, cwd=root, command_line=tuple(sys.argv))
            # Each case ships a model card and consequence scan as examples of good documentation.
            config = with_governance_docs(config, case)
            outputs = {fmt: root / case.name / fmt.default_filename for fmt in OutputFormat}
            report = execute_scan(config, outputs, quiet=quiet)
            if not quiet:
                print_summary(report, outputs.values())
        if not quiet:
            click.echo(f"\nReports written to {root}; open {root / CASES[0].name / 'report.html'}")
    sys.exit(ExitCode.PASSED)


@main.command()
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


for _command in ACCOUNTABILITY_COMMANDS:
    main.add_command(_command)
main.add_command(diff_command)
main.add_command(render_command)


def run() -> None:
    """Entry point for `python -m trustscan`."""
    main(prog_name="trustscan")


if __name__ == "__main__":  # pragma: no cover
    run()


__all__ = ["ExitCode", "main"]
