"""Terminal output: progress while checks run and a summary table afterwards (rich)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from trustscan.engine import ProgressCallback
from trustscan.report.text import (
    STATUS_ORDER,
    headline_line,
    incomplete_line,
    waived_findings,
)
from trustscan.scoring import gate_fails, overall, weakest
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
    return sys.stderr.isatty() and not os.environ.get("CI") and not os.environ.get("GITHUB_ACTIONS")


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


def _score_style(score: float | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 75 else "yellow" if score >= 40 else "bold red"


def print_summary(report: Report, written: Iterable[Path], console: Console | None = None) -> None:
    """Dimension scores with coverage and the overall grade, then the checks that need
    attention with one-line reasons, waivers, notes and the verdict."""
    console = console or Console(highlight=False)
    inputs = report.inputs
    console.print(
        f"Audited {escape(inputs.model_path or 'logged decisions')} on {escape(inputs.data_path)} "
        f"({inputs.n_rows:,} rows, {inputs.task}) in {report.duration_s:.1f}s"
    )
    for line in (inputs.outcome_statement, inputs.score_statement):
        if line:
            console.print(escape(line))
    dimensions = Table(title="Trust dimensions", title_justify="left")
    dimensions.add_column("Dimension")
    dimensions.add_column("Score", justify="right")
    dimensions.add_column("Coverage", justify="right")
    dimensions.add_column("Checks", justify="right")
    dimensions.add_column("Note")
    low = weakest(report.scores)
    for score in report.scores:
        value = "n/a" if score.score is None else f"{score.score:.0f}"
        judged = sum(1 for c in score.contributions if c.get("score") is not None)
        remarks = []
        if score.capped_by:
            remarks.append(f"capped: critical failure in {', '.join(score.capped_by)}")
        if low is not None and score.dimension is low.dimension:
            remarks.append("weakest")
        dimensions.add_row(
            score.dimension.value,
            f"[{_score_style(score.score)}]{value}[/]",
            f"{score.coverage:.0%}",
            f"{judged}/{len(score.contributions)}",
            ", ".join(remarks),
        )
    console.print(dimensions)
    best = overall(report.scores)
    if best["grade"]:
        console.print(
            f"Overall grade: [{_score_style(best['score'])}]{best['grade']}[/] "
            f"({best['score']:.0f}, weakest dimension: {best['dimension']})"
        )
    else:
        console.print("Overall grade: n/a (no dimension could be scored)")
    attention = sorted(
        (r for r in report.results if r.status is not Status.PASS),
        key=lambda r: STATUS_ORDER.index(r.status),
    )
    passed = len(report.results) - len(attention)
    if attention:
        checks = Table(
            title=f"Checks needing attention ({passed}/{len(report.results)} passed)",
            title_justify="left",
        )
        checks.add_column("Status")
        checks.add_column("Check")
        checks.add_column("Reason", overflow="fold")
        for result in attention:
            style = _STATUS_STYLE[result.status]
            checks.add_row(
                f"[{style}]{result.status.value.upper()}[/]",
                result.check_id,
                escape(result.summary),
            )
        console.print(checks)
    else:
        console.print(f"[green]All {len(report.results)} checks passed.[/]")
    for finding in waived_findings(report):
        subject = f" {finding.subject}:" if finding.subject else ""
        console.print(
            escape(f"waived: {finding.check_id}{subject} {finding.waiver_reason}"), style="dim"
        )
    for note in report.notes:
        console.print(f"note: {escape(note)}")
    style = _STATUS_STYLE[report.verdict]
    gate = "fails" if gate_fails(report.verdict, report.fail_on) else "passes"
    console.print(escape(headline_line(report)))
    incomplete = incomplete_line(report)
    if incomplete:
        console.print(f"[{_STATUS_STYLE[Status.ERROR]}]{escape(incomplete)}[/]")
    console.print(
        f"Verdict: [{style}]{report.verdict.value.upper()}[/]"
        f"{' (incomplete audit)' if incomplete else ''} — the gate {gate} "
        f"(fail on {report.fail_on}; policy {report.policy_sha256[:12]})"
    )
    for path in written:
        console.print(f"wrote {escape(str(path))}")
