"""Terminal output: progress while checks run, then a calm summary: the verdict with the
headline, the six dimension scores, the worst findings and where the files are."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from trustscan.engine import ProgressCallback
from trustscan.headline import first_sentence
from trustscan.report.ranking import RankedFinding, ranked_findings
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


MAX_FINDINGS = 5
"""Findings the default summary lists; ``--verbose`` lists them all."""

_GATE_RULE = {
    "fail": "a check fails or cannot run",
    "warn": "a check fails, warns or cannot run",
}


def gate_sentence(report: Report) -> str:
    """What the exit code will say, in words: which statuses fail the run."""
    if report.fail_on == "never":
        return "The gate never fails the run (--fail-on never): the exit code is 0."
    rule = _GATE_RULE.get(report.fail_on, f"the verdict is {report.fail_on}")
    if gate_fails(report.verdict, report.fail_on):
        return f"The run fails the gate (exit code 1): it fails when {rule}."
    return f"The run passes the gate: it would fail only when {rule}."


def verdict_line(report: Report) -> str:
    """One line: the verdict word and the headline (markup-escaped, with rich styles)."""
    style = _STATUS_STYLE[report.verdict]
    incomplete = " (incomplete audit)" if report.incomplete else ""
    return (
        f"Verdict: [{style}]{report.verdict.value.upper()}[/]{incomplete}. "
        f"{escape(headline_line(report))}"
    )


def _dimension_table(report: Report) -> Table:
    # No blank edge rows: the calm summary has about 30 lines to spend.
    table = Table(
        title="Trust dimensions", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False
    )
    table.add_column("Dimension")
    table.add_column("Score", justify="right")
    table.add_column("Coverage", justify="right")
    table.add_column("Checks", justify="right")
    table.add_column("Note")
    low = weakest(report.scores)
    for score in report.scores:
        value = "n/a" if score.score is None else f"{score.score:.0f}"
        judged = sum(1 for c in score.contributions if c.get("score") is not None)
        remarks = []
        if score.capped_by:
            remarks.append(f"capped: critical failure in {', '.join(score.capped_by)}")
        if low is not None and score.dimension is low.dimension:
            remarks.append("weakest")
        table.add_row(
            score.dimension.value,
            f"[{_score_style(score.score)}]{value}[/]",
            f"{score.coverage:.0%}",
            f"{judged}/{len(score.contributions)}",
            ", ".join(remarks),
        )
    return table


def _grade_line(report: Report) -> str:
    best = overall(report.scores)
    if not best["grade"]:
        return "Overall grade: n/a (no dimension could be scored)"
    return (
        f"Overall grade: [{_score_style(best['score'])}]{best['grade']}[/] "
        f"({best['score']:.0f}, weakest dimension: {best['dimension']})"
    )


def _finding_text(item: RankedFinding) -> str:
    finding = item.finding
    style = _STATUS_STYLE[finding.status]
    subject = f" · {finding.subject}" if finding.subject else ""
    also = f" (also: {'; '.join(item.also)})" if item.also else ""
    return (
        f"[{style}]{finding.status.value.upper()}[/] {escape(item.result.check_id)}"
        f"{escape(subject)}: {escape(first_sentence(finding.message))}{escape(also)}"
    )


def _print_findings(report: Report, console: Console, limit: int | None) -> None:
    ranked = ranked_findings(report)
    if not ranked:
        console.print(f"[green]No check failed or warned ({len(report.results)} checks).[/]")
        return
    shown = ranked if limit is None else ranked[:limit]
    more = len(ranked) - len(shown)
    title = "Findings, worst first" if not more else f"Worst {len(shown)} of {len(ranked)} findings"
    console.print(title + (" (--verbose lists all):" if more else ":"))
    for item in shown:
        # One line each by default: the HTML report has the full text.
        console.print(
            "  " + _finding_text(item),
            overflow="ellipsis" if limit is not None else "fold",
            no_wrap=limit is not None,
        )


def _files_line(written: Iterable[Path]) -> str | None:
    paths = [Path(p) for p in written]
    if not paths:
        return None
    folders = {p.parent for p in paths}
    if len(folders) == 1:
        names = ", ".join(p.name for p in paths)
        return f"Wrote {escape(names)} to {escape(str(paths[0].parent))}"
    return "Wrote " + escape(", ".join(str(p) for p in paths))


def print_summary(
    report: Report,
    written: Iterable[Path],
    console: Console | None = None,
    *,
    verbose: bool = False,
) -> None:
    """The verdict with the headline, the dimension scores, the worst findings and where the
    files are (about 25 lines, plus the outcome framing and any notes); ``verbose`` adds every finding, the checks
    needing attention and the waived findings."""
    console = console or Console(highlight=False)
    inputs = report.inputs
    console.print(
        f"Audited {escape(inputs.model_path or 'logged decisions')} on {escape(inputs.data_path)} "
        f"({inputs.n_rows:,} rows, {inputs.task}) in {report.duration_s:.1f}s"
    )
    # Which decision counts as favourable frames every number below: always said.
    for line in (inputs.outcome_statement, inputs.score_statement):
        if line:
            console.print(escape(line))
    console.print(verdict_line(report))
    incomplete = incomplete_line(report)
    if incomplete:
        console.print(f"[{_STATUS_STYLE[Status.ERROR]}]{escape(incomplete)}[/]")
    console.print(_dimension_table(report))
    console.print(_grade_line(report))
    _print_findings(report, console, None if verbose else MAX_FINDINGS)
    if verbose:
        _print_attention(report, console)
    waived = waived_findings(report)
    if verbose:
        for finding in waived:
            subject = f" {finding.subject}:" if finding.subject else ""
            console.print(
                escape(f"waived: {finding.check_id}{subject} {finding.waiver_reason}"), style="dim"
            )
    elif waived:
        console.print(f"{len(waived)} waived finding(s) (--verbose lists them).", style="dim")
    # Notes are rare and matter (an expired waiver, an outcome the audit inferred): always shown.
    for note in report.notes:
        console.print(f"note: {escape(note)}")
    console.print(gate_sentence(report))
    files = _files_line(written)
    if files:
        console.print(files)


def _print_attention(report: Report, console: Console) -> None:
    attention = sorted(
        (r for r in report.results if r.status is not Status.PASS),
        key=lambda r: STATUS_ORDER.index(r.status),
    )
    if not attention:
        console.print(f"[green]All {len(report.results)} checks passed.[/]")
        return
    passed = len(report.results) - len(attention)
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
            f"[{style}]{result.status.value.upper()}[/]", result.check_id, escape(result.summary)
        )
    console.print(checks)


def print_case_block(report: Report, html: Path, console: Console | None = None) -> None:
    """The demo's few lines per case: verdict and headline, the six scores on one line, the
    worst findings, and the report to open."""
    console = console or Console(highlight=False)
    console.print("  " + verdict_line(report))
    scores = " · ".join(
        f"{s.dimension.value} [{_score_style(s.score)}]"
        f"{'n/a' if s.score is None else f'{s.score:.0f}'}[/]"
        for s in report.scores
    )
    console.print(f"  Scores: {scores}")
    for item in ranked_findings(report)[:3]:
        console.print("  - " + _finding_text(item), overflow="ellipsis", no_wrap=True)
    console.print(f"  Report: {escape(str(html))}")
