"""The core of ``trustscan scan``: config in, ``Report`` out. No printing, no file writing."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any

from trustscan import __version__
from trustscan.checks import registry
from trustscan.config import ScanConfig
from trustscan.context import AuditContext
from trustscan.context_files import build_context
from trustscan.engine import ProgressCallback, run_checks, select_checks
from trustscan.governance.waivers import apply_waivers, validate_policy_references
from trustscan.loading.data import check_column_roles
from trustscan.loading.documents import read_documents
from trustscan.policy import Policy
from trustscan.report.json_format import SCHEMA_VERSION
from trustscan.scoring import score_dimensions, verdict
from trustscan.types import AuditInputs, CheckResult, Report


def run_audit(
    config: ScanConfig,
    progress: ProgressCallback | None = None,
    *,
    today: date | None = None,
    ledger_head: Mapping[str, Any] | None = None,
) -> Report:
    """Load, check, waive, score. Raises ``InputError`` for bad input before any check runs.

    ``today`` decides which waivers have expired (default: the audit's UTC start date).
    ``ledger_head``: the audit ledger's last entry, which this audit will be appended after;
    the report's provenance names it, so a deleted or rewritten ledger tail shows."""
    started_wall = datetime.now(timezone.utc)
    started = time.perf_counter()
    validate_policy_references(config.policy, [c.id for c in registry.SPECS])
    check_column_roles(
        config.data_path,
        {
            "--sensitive": config.sensitive,
            "--target": config.target,
            "--predictions": config.predictions_column,
            "--scores": config.scores_column,
        },
    )
    ctx = build_context(config)
    return audit_context(
        ctx,
        config,
        progress,
        today=today,
        started=(started_wall, started),
        ledger_head=ledger_head,
    )


def audit_context(
    ctx: AuditContext,
    config: ScanConfig,
    progress: ProgressCallback | None = None,
    *,
    today: date | None = None,
    started: tuple[datetime, float] | None = None,
    ledger_head: Mapping[str, Any] | None = None,
) -> Report:
    """Check, waive, score an already built context (the Python API builds it from frames).

    ``started`` is the wall-clock and perf-counter start, when loading came before."""
    started_wall, started_perf = started or (datetime.now(timezone.utc), time.perf_counter())
    validate_policy_references(config.policy, [c.id for c in registry.SPECS])
    if ctx.documents is None:
        ctx = with_documents(ctx, config.policy)
    results = run_checks(ctx, config.policy, debug=config.debug, progress=progress)
    results, waiver_notes = apply_waivers(
        results, config.policy.waiver, today or started_wall.date()
    )
    selected = set(select_checks(config.policy))
    deselected = [(c.id, c.dimension) for c in registry.SPECS if c not in selected]
    return Report(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        created_at=started_wall.isoformat(timespec="seconds").replace("+00:00", "Z"),
        inputs=describe_inputs(ctx),
        policy=config.policy.to_dict(),
        policy_sha256=config.policy.sha256(),
        results=results,
        scores=score_dimensions(results, config.policy, deselected=deselected),
        verdict=verdict(results),
        fail_on=config.policy.fail_on,
        seed=config.seed,
        duration_s=round(time.perf_counter() - started_perf, 3),
        notes=(*ctx.notes, *waiver_notes),
        provenance=_provenance(results, ledger_head),
    )


def with_documents(ctx: AuditContext, policy: Policy) -> AuditContext:
    """``ctx`` (and its row sample) with the records and artifact facts the governance checks
    read: the only place an audit reads them (``loading.documents``)."""
    documents = read_documents(
        policy.docs,
        model_path=ctx.model_path,
        data_path=ctx.data_path,
        config_path=ctx.config_path,
    )
    sample = None if ctx.sample is None else replace(ctx.sample, documents=documents)
    return replace(ctx, documents=documents, sample=sample)


def _provenance(
    results: tuple[CheckResult, ...], ledger_head: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What ``trace.provenance`` recorded (empty if skipped), and the ledger entry this audit
    chains to (none for a new ledger or without one)."""
    recorded = next((r for r in results if r.check_id == "trace.provenance"), None)
    provenance = dict(recorded.metrics) if recorded is not None else {}
    if ledger_head:
        provenance["ledger_head"] = dict(ledger_head)
    return provenance


def describe_inputs(ctx: AuditContext) -> AuditInputs:
    return AuditInputs(
        data_path=str(ctx.data_path),
        model_path=str(ctx.model_path) if ctx.model_path else None,
        mode=ctx.mode,
        task=ctx.task,
        n_rows=ctx.n_rows,
        n_columns=ctx.n_columns,
        target=ctx.target_name,
        sensitive=ctx.sensitive_names,
        features=ctx.feature_names,
        positive_label=None if ctx.positive_label is None else str(ctx.positive_label),
        predictions_column=ctx.predictions_column,
        scores_column=ctx.scores_column,
        favourable_label=None if ctx.favourable_label is None else str(ctx.favourable_label),
        outcome_statement=None if ctx.outcome is None else ctx.outcome.statement,
        score_statement=None if ctx.outcome is None else ctx.outcome.score_statement,
    )
