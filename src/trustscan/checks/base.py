"""The contract every check follows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult, Dimension, Finding, Severity, Status


class Check:
    """A check: stable metadata plus ``run``. Never prints, writes files or exits.

    Subclasses set the ClassVars and implement ``run``; ``result`` and ``skip`` build
    the ``CheckResult`` so every check reports its metadata the same way.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    dimension: ClassVar[Dimension]
    default_severity: ClassVar[Severity]
    description: ClassVar[str]
    """What it measures and how to fix a failure (used by docs and ``trustscan explain``)."""
    counts_only: ClassVar[bool] = False
    """Runs on per-group counts alone, so an out-of-core audit runs it on every row (the
    context's cells, weighted); the others read rows, and there get the row sample."""
    reads_rows: ClassVar[bool] = True
    """False for checks about files and documents (provenance, model card): a row sample
    changes nothing they report, so their results do not mention it."""

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        raise NotImplementedError

    def run_after(
        self, ctx: AuditContext, policy: Policy, earlier: tuple[CheckResult, ...]
    ) -> CheckResult:
        """What the engine calls. Checks that judge other checks' results (consequence
        coverage, baseline comparison) override this and are registered after them."""
        return self.run(ctx, policy)

    def result(
        self,
        status: Status,
        summary: str,
        findings: tuple[Finding, ...] = (),
        metrics: Mapping[str, Any] | None = None,
        severity: Severity | None = None,
    ) -> CheckResult:
        return CheckResult(
            check_id=self.id,
            title=self.title,
            dimension=self.dimension,
            severity=severity if severity is not None else self.default_severity,
            status=status,
            summary=summary,
            findings=findings,
            metrics=dict(metrics or {}),
        )

    def skip(self, reason: str) -> CheckResult:
        return self.result(Status.SKIP, reason)

    def finding(
        self,
        status: Status,
        message: str,
        *,
        subject: str | None = None,
        evidence: tuple[Any, ...] = (),
        remediation: str | None = None,
        severity: Severity | None = None,
        title: str | None = None,
    ) -> Finding:
        return Finding(
            check_id=self.id,
            status=status,
            severity=severity if severity is not None else self.default_severity,
            title=title or self.title,
            message=message,
            subject=subject,
            evidence=tuple(evidence),
            remediation=remediation,
        )


def worst_status(
    statuses: list[Status] | tuple[Status, ...], default: Status = Status.PASS
) -> Status:
    """The most serious of ``statuses`` (fail > error > warn > skip > pass)."""
    return max(statuses, key=lambda s: s.rank, default=default)
