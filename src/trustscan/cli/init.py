"""`trustscan init`: commented starter files."""

from __future__ import annotations

from pathlib import Path

import click

from trustscan.governance.init_files import write_starters


@click.command("init")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Folder to write the starters into.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init_command(folder: str, force: bool) -> None:
    """Write commented starters: trustscan.toml, model_card.yaml, consequences.yaml.

    Existing files are kept unless --force is given.
    """
    outcome = write_starters(Path(folder), force=force)
    for path in outcome.written:
        click.echo(f"wrote {path}")
    for path in outcome.kept:
        click.echo(f"kept {path} (exists; use --force to overwrite)")
    pyproject = Path(folder) / "pyproject.toml"
    shadowed = (
        Path(folder) / "trustscan.toml" in outcome.written
        and pyproject.is_file()
        and "[tool.trustscan]" in pyproject.read_text(encoding="utf-8", errors="replace")
    )
    if shadowed:
        click.echo(
            "note: trustscan.toml takes precedence over [tool.trustscan] in pyproject.toml; "
            "merge them or delete one."
        )
    if outcome.written:
        click.echo("Fill in every TBD, then run `trustscan scan`.")
