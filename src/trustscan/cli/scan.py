"""`trustscan scan`: parse options, build a config, call the core, write outputs, pick the
exit code. Commands are the only code that calls ``sys.exit``."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from trustscan.cli.app import ExitCode, exit_codes
from trustscan.cli.common import default_ledger_path
from trustscan.cli.scan_options import scan_options
from trustscan.config import ScanConfig, make_scan_config
from trustscan.governance.ledger.keys import load_key
from trustscan.governance.ledger.writer import LedgerWriter, append_scan, open_ledger
from trustscan.governance.provenance import sha256_text
from trustscan.outputs import check_output_paths, write_atomically
from trustscan.report import OutputFormat, render
from trustscan.scoring import gate_fails
from trustscan.types import Report


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
