"""Command line. ``main`` is the click group; each command lives in its own module.

Commands are imported only when invoked (or when ``--help`` lists them), so `--version`
imports no command module and `explain` or `ledger verify` import only their own.
"""

from __future__ import annotations

from trustscan.cli.app import ExitCode, LazyCommand, exit_codes, main

main.add_lazy_commands(
    LazyCommand("scan", "trustscan.cli.scan:scan", "Audit a model (or its logged decisions) on a dataset."),
    LazyCommand("demo", "trustscan.cli.demo:demo", "Train the bundled sample models, save them with skops, and audit each one."),
    LazyCommand("explain", "trustscan.cli.explain:explain", "Explain a check: what it measures, its default thresholds and how to fix a failure."),
    LazyCommand("init", "trustscan.cli.init:init_command", "Write commented starters: trustscan.toml, model_card.yaml, consequences.yaml."),
    LazyCommand("ledger", "trustscan.cli.ledger:ledger_group", "The tamper-evident audit ledger (.trustscan/ledger.jsonl)."),
    LazyCommand("signoff", "trustscan.cli.signoff:signoff_command", "Record a sign-off bound to the report's SHA-256 in the ledger."),
    LazyCommand("consequences", "trustscan.cli.consequences:consequences_group", "The consequence scan (consequences.yaml)."),
    LazyCommand("diff", "trustscan.cli.diff:diff", "Compare two JSON reports: metric changes with intervals, new and resolved findings, verdict change."),
    LazyCommand("render", "trustscan.cli.render:render_command", "Render a JSON report again in other formats, adding the ledger's sign-offs for it."),
    LazyCommand("card", "trustscan.cli.card:card_command", "Export a model card with the audit's performance, fairness and trust results."),
)  # fmt: skip


def run() -> None:
    """Entry point for `python -m trustscan`."""
    main(prog_name="trustscan")


__all__ = ["ExitCode", "exit_codes", "main", "run"]
