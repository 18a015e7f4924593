"""``trustscan card``: export a model card from a saved JSON report."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("card")
@click.option(
    "--report",
    "report_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="JSON report a scan wrote (--json or --out).",
)
@click.option(
    "--format",
    "card_format",
    type=click.Choice(["huggingface"]),
    default="huggingface",
    show_default=True,
    help="Card format: a Hugging Face model card (README.md with model-index front matter).",
)
@click.option(
    "--model-card",
    "model_card_path",
    type=click.Path(dir_okay=False),
    help="model_card.yaml (Mitchell et al. sections, `trustscan init`) to fill the card's prose.",
)
@click.option("--name", help="Model name in the card (default: the model card's, else the file's).")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="Write the card here (e.g. README.md of the model repository); default: print it.",
)
def card_command(
    report_path: str,
    card_format: str,
    model_card_path: str | None,
    name: str | None,
    out_path: str | None,
) -> None:
    """Export a model card with the audit's performance, fairness and trust results.

    \b
    Example:
      trustscan card --report audit/report.json --format huggingface \\
          --model-card model_card.yaml --out hub/README.md
    """
    from trustscan.cli import ExitCode, exit_codes
    from trustscan.governance import hf_card
    from trustscan.loading.documents import read_yaml_mapping
    from trustscan.loading.reports import read_report
    from trustscan.outputs import write_atomically

    with exit_codes(debug=False):
        cwd = Path.cwd()
        report = read_report(cwd / report_path)
        card = (
            read_yaml_mapping(cwd / model_card_path, what="model card", flag="--model-card")
            if model_card_path
            else None
        )
        assert card_format == "huggingface"  # the one choice click allows
        text = hf_card.render(report, model_card=card, name=name)
        if out_path:
            write_atomically({cwd / out_path: text})
        else:
            click.echo(text, nl=False)
    sys.exit(ExitCode.PASSED)
