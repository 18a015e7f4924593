"""`trustscan scan`: parse options, build a config, call the core, write outputs, pick the
exit code. Commands are the only code that calls ``sys.exit``."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from trustscan.cli.accountability import default_ledger_path, record_scan
from trustscan.cli.app import ExitCode, exit_codes
from trustscan.config import ScanConfig, make_scan_config
from trustscan.governance.ledger import LedgerWriter, load_key, open_ledger
from trustscan.outputs import check_output_paths, write_atomically
from trustscan.report import OutputFormat, render
from trustscan.scoring import gate_fails
from trustscan.types import Report


def scan_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options of `scan`, in the order --help shows them."""
    options = [
        click.option(
            "--model",
            "model",
            type=click.Path(),
            help="Model file: .skops (default, safe), .onnx, or .joblib/.pkl with --trust-pickle; or an MLflow model folder or runs:/ / models:/ URI (trustscan[mlflow]).",
        ),
        click.option(
            "--data",
            "data",
            type=click.Path(),
            help="Dataset to audit: a .csv/.tsv or .parquet file, a folder of them, or a quoted glob ('logs/*.parquet').",
        ),
        click.option(
            "--engine",
            type=click.Choice(["auto", "memory", "duckdb", "spark"], case_sensitive=False),
            help="Where statistics are computed [default: auto: in memory when the data fits TRUSTSCAN_MEMORY_BUDGET, else DuckDB out of core]. spark: a SparkSession (spark.master in config, local[*] by default).",
        ),
        click.option(
            "--table",
            help="With --engine spark: audit this catalog table instead of --data files.",
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
            help="Predictions-only mode: column holding the model's scores. Alone, decisions are score >= --threshold; with --predictions, the scores drive ROC AUC, calibration and the scoring rate.",
        ),
        click.option(
            "--threshold",
            type=float,
            help="Score at or above which --scores counts as the predicted event [default: 0.5; required when scores are outside 0-1]. Config: decision_threshold.",
        ),
        click.option(
            "--favourable-label",
            help="Decision value that benefits the person (approved, hired, low risk), e.g. --favourable-label 0 for high_risk. Default: inferred from column and label names (deny, high_risk, default, recid... are adverse); asked for when it cannot be told.",
        ),
        click.option(
            "--condition",
            help="Legitimate stratum (e.g. department or job level) to condition demographic disparity on (fairness.conditional_disparity).",
        ),
        click.option(
            "--positive-label",
            help="The positive class: the event the model predicts, for precision, recall and calibration (default: 1/true/yes, else the larger number).",
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
            help="Which verdict makes the exit code 1 (default: fail). A check that "
            "errors leaves the audit incomplete and the verdict FAIL, so fail and warn exit 1 "
            "('incomplete audit'); never reports it and exits 0.",
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
            "--verbose",
            "-v",
            is_flag=True,
            help="Print every finding and the checks needing attention, not only the five worst.",
        ),
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


def output_options(options: dict[str, Any], outputs: dict[OutputFormat, Path]) -> dict[str, Path]:
    """Each output path labelled with the option that asked for it, for error messages."""
    flag = {
        OutputFormat.JSON: "--json",
        OutputFormat.HTML: "--html",
        OutputFormat.JUNIT: "--junit",
        OutputFormat.MARKDOWN: "--markdown",
        OutputFormat.SARIF: "--sarif",
    }
    labelled = {}
    for fmt, path in outputs.items():
        explicit = options.get(f"{fmt.value}_path")
        labelled[flag.get(fmt, "--out") if explicit else f"--out ({path.name})"] = path
    return labelled


def scan_inputs(config: ScanConfig, ledger_path: Path | None) -> dict[str, Path | None]:
    """Files a scan reads (or appends to): no output may overwrite them."""
    inputs: dict[str, Path | None] = {
        "--data": config.data_path,
        "--model": config.model_path,
        "--config": config.config_path,
        "--baseline": config.baseline_path,
        "--ledger": ledger_path,
    }
    if ledger_path is not None:
        inputs["ledger head"] = ledger_path.with_name(ledger_path.name + ".head")
    docs = config.policy.docs
    base = config.config_path.parent if config.config_path else Path.cwd()
    for label, name in (("model card", docs.model_card), ("consequence scan", docs.consequences)):
        if name:
            path = Path(name)
            inputs[label] = path if path.is_absolute() else base / path
    return inputs


@dataclasses.dataclass(frozen=True)
class ScanRun:
    """A committed scan: its report and, when recorded, its ledger entry."""

    report: Report
    ledger_path: Path | None = None
    ledger_entry: dict[str, Any] | None = None


def scan_and_commit(
    config: ScanConfig,
    outputs: dict[OutputFormat, Path],
    *,
    quiet: bool,
    pdf_path: Path | None = None,
    ledger_path: Path | None = None,
) -> ScanRun:
    """Audit, render every output to temp files, append the ledger entry, then rename the
    outputs into place: a ledger failure leaves no report, an output failure no entry. The
    ledger stays locked from reading its head, through the audit, to the commit, so the
    report names the entry it is really appended after (a concurrent scan waits)."""
    key = load_key() if ledger_path is not None else None
    # The audit pulls in pandas, scipy and scikit-learn: imported on use so that --version,
    # --help, explain and the ledger commands start instantly.
    from trustscan.pipeline import run_audit
    from trustscan.report.terminal import progress_reporter

    if ledger_path is None:
        with progress_reporter(enabled=not quiet) as progress:
            report = run_audit(config, progress=progress)
        _commit(report, outputs, pdf_path, None, config)
        return ScanRun(report)
    with open_ledger(ledger_path, key) as writer:  # fails now, not after the audit
        with progress_reporter(enabled=not quiet) as progress:
            report = run_audit(config, progress=progress, ledger_head=writer.head())
        entry = _commit(report, outputs, pdf_path, writer, config)
    return ScanRun(report, ledger_path, entry)


def _commit(
    report: Report,
    outputs: dict[OutputFormat, Path],
    pdf_path: Path | None,
    writer: LedgerWriter | None,
    config: ScanConfig,
) -> dict[str, Any] | None:
    rendered: dict[Path, str | bytes] = {path: render(fmt, report) for fmt, path in outputs.items()}
    if pdf_path is not None:
        from trustscan.report.pdf import html_to_pdf

        html = rendered.get(outputs[OutputFormat.HTML]) if OutputFormat.HTML in outputs else None
        rendered[pdf_path] = html_to_pdf(
            html if isinstance(html, str) else render(OutputFormat.HTML, report)
        )
    recorded: list[dict[str, Any]] = []

    def append_entry() -> None:
        if writer is None:
            return
        json_text = (
            rendered.get(outputs[OutputFormat.JSON]) if OutputFormat.JSON in outputs else None
        )
        _, entry = record_scan(
            report,
            ledger_path=writer.path,
            config_path=config.config_path,
            cwd=Path.cwd(),
            writer=writer,
            report_json=json_text if isinstance(json_text, str) else None,
        )
        recorded.append(entry)

    write_atomically(rendered, before_commit=append_entry)
    return recorded[0] if recorded else None


def execute_scan(
    config: ScanConfig,
    outputs: dict[OutputFormat, Path],
    *,
    quiet: bool,
    pdf_path: Path | None = None,
) -> Report:
    """Audit and write every output all-or-nothing, without a ledger entry."""
    return scan_and_commit(config, outputs, quiet=quiet, pdf_path=pdf_path).report


@contextmanager
def quiet_libraries(quiet: bool) -> Iterator[None]:
    """Under --quiet, warnings of libraries (pandas, scikit-learn, numpy's floating-point
    warnings) stay off stderr. trustscan itself never warns: what it has to say is a finding
    or a note in the report."""
    if not quiet:
        yield
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def ignored_option_notes(config: ScanConfig) -> list[str]:
    """Options that have no effect in this run, said once instead of silently ignored."""
    notes = []
    if config.predictions_only and config.trust_types:
        notes.append("--trust-type has no effect in predictions mode (no model is loaded)")
    if config.predictions_only and config.trust_pickle:
        notes.append("--trust-pickle has no effect in predictions mode (no model is loaded)")
    return notes


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


@click.command()
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
    with exit_codes(debug), quiet_libraries(quiet):
        cwd = Path.cwd()
        config = make_scan_config(options, cwd=cwd, command_line=tuple(sys.argv))
        if not quiet:
            for note in ignored_option_notes(config):
                click.echo(f"note: {note}", err=True)
        outputs = requested_outputs(options, cwd)
        pdf_path = cwd / options["pdf_path"] if options.get("pdf_path") else None
        ledger_path = (
            None if options.get("no_ledger") else (config.ledger_path or default_ledger_path(cwd))
        )
        labelled = output_options(options, outputs)
        if pdf_path is not None:
            labelled["--pdf"] = pdf_path
        check_output_paths(labelled, scan_inputs(config, ledger_path))
        run = scan_and_commit(
            config, outputs, quiet=quiet, pdf_path=pdf_path, ledger_path=ledger_path
        )
        report = run.report
        append_step_summary(report)
        if not quiet:
            from trustscan.report.terminal import print_summary

            print_summary(report, outputs.values(), verbose=bool(options.get("verbose")))
            if run.ledger_entry is not None:
                click.echo(
                    f"ledger: entry {run.ledger_entry['sequence']} appended to {run.ledger_path}"
                )
    sys.exit(
        ExitCode.POLICY_FAILED if gate_fails(report.verdict, report.fail_on) else ExitCode.PASSED
    )
