"""Builders for synthetic check results and reports (known answers for scoring tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustscan.policy import Policy
from trustscan.scoring import score_dimensions, verdict
from trustscan.types import (
    AuditInputs,
    CheckResult,
    Dimension,
    Evidence,
    Finding,
    Report,
    Scoring,
    Severity,
    Status,
)


def result(
    check_id: str,
    status: Status,
    *,
    dimension: Dimension = Dimension.ETHICS,
    severity: Severity = Severity.HIGH,
    metrics: Mapping[str, Any] | None = None,
    findings: tuple[Finding, ...] = (),
    summary: str | None = None,
    scoring: Scoring | None = None,
) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        title=check_id.replace(".", " "),
        dimension=dimension,
        severity=severity,
        status=status,
        summary=summary or f"{check_id} {status.value}",
        findings=findings,
        metrics=dict(metrics or {}),
        scoring=scoring or Scoring(),
    )


def finding(
    check_id: str,
    status: Status,
    subject: str | None = None,
    *,
    severity: Severity = Severity.HIGH,
    message: str = "measured something",
) -> Finding:
    return Finding(
        check_id=check_id,
        status=status,
        severity=severity,
        title=f"{check_id} finding",
        message=message,
        subject=subject,
        evidence=(Evidence("impact_ratio", 0.5, 0.4, 0.6, 0.95, 0.001, 100, 0.8, "test"),),
        remediation="fix it",
    )


def report(
    results: tuple[CheckResult, ...],
    *,
    policy: Policy | None = None,
    notes: tuple[str, ...] = (),
    data_path: str = "data/holdout.csv",
    model_path: str | None = "models/model.skops",
) -> Report:
    policy = policy or Policy()
    inputs = AuditInputs(
        data_path, model_path, "model", "binary", 100, 5, "y", ("gender",), ("x",), "1"
    )
    return Report(
        schema_version="1.0",
        tool_version="0.0.test",
        created_at="2026-06-01T00:00:00Z",
        inputs=inputs,
        policy=policy.to_dict(),
        policy_sha256=policy.sha256(),
        results=results,
        scores=score_dimensions(results, policy),
        verdict=verdict(results),
        fail_on=policy.fail_on,
        seed=0,
        duration_s=1.5,
        notes=notes,
    )
