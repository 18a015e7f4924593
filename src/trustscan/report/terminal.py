"""Terminal output: progress while checks run and a summary table afterwards (rich)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from trustscan.engine import ProgressCallback
from trustscan.types import Report, Status

_STATUS_STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.SKIP: "dim",
    Status.ERROR: "magenta",
}


def _interactive() -> bool:
    """Progress is noise in CI logs and pipes; show it only on a terminal."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_reporter(enabled: bool) -> Iterator[ProgressCallback | None]:
    if not (enabled and _interactive()):
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("loading data and model", total=None)

        def update(check_id: str, index: int, total: int) -> None:
            progress.update(task, description=f"[{index + 1}/{total}] {check_id}")

        yield update


def print_summary(
    report: Report, written: Iterable[Path], console: Console | None = None
) -> None:
    """Dimension scores, then each check's status and one-line outcome, then the verdict."""
    console = console or Console(highlight=False)
    inputs = report.inputs
    console.print(
        f"Audited {inputs.model_path or 'logged decisions'} on {inputs.data_path} "
        f"({inputs.n_rows:,} rows, {inputs.task}) in {report.duration_s:.1f}s"
    )
    dimensions = Table(title="Trust dimensions", title_justify="left")
    dimensions.add_column("Dimension")
    dimensions.add_column("Score", justify="right")
    dimensions.add_column("Coverage", justify="right")
    for score in report.scores:
        dimensions.add_row(
            score.dimension.value,
            "n/a" if score.score is None else f"{score.score:.0f}",
            f"{score.coverage:.0%}",
        )
    console.print(dimensions)
    checks = Table(title="Checks", title_justify="left")
    checks.add_column("Status")
    checks.add_column("Check")
    checks.add_column("Outcome", overflow="fold")
    for result in report.results:
        style = _STATUS_STYLE[result.status]
        checks.add_row(
            f"[{style}]{result.status.value.upper()}[/]", result.check_id, result.summary
        )
    console.print(checks)
    for note in report.notes:
        console.print(f"note: {note}")
    style = _STATUS_STYLE[report.verdict]
    console.print(
        f"Verdict: [{style}]{report.verdict.value.upper()}[/] (gate: fail on {report.fail_on})"
    )
    for path in written:
        console.print(f"wrote {path}")
