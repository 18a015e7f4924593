"""`trustscan demo`: train the bundled sample models and audit each one."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from trustscan.cli.app import ExitCode, exit_codes
from trustscan.cli.scan import execute_scan
from trustscan.config import make_scan_config
from trustscan.report import OutputFormat


@click.command()
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
    from trustscan.report.terminal import print_case_block

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
                print_case_block(report, outputs[OutputFormat.HTML])
        if not quiet:
            click.echo(f"\nReports written to {root}; open {root / CASES[0].name / 'report.html'}")
    sys.exit(ExitCode.PASSED)
