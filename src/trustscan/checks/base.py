"""The contract every check follows."""

from __future__ import annotations

from typing import Any, ClassVar

from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import (
    CheckResult,
    Dimension,
    Finding,
    Measured,
    Scoring,
    Severity,
    Status,
)


class Check:
    """A check: its declaration (``spec``) plus ``run``. Never prints, writes files or exits.

    Subclasses set ``spec`` and implement ``run``; the metadata ClassVars are copied from
    the spec, and ``result`` and ``skip`` build the ``CheckResult`` so every check reports
    its metadata the same way.
    """

    spec: ClassVar[CheckSpec]
    id: ClassVar[str]
    title: ClassVar[str]
    dimension: ClassVar[Dimension]
    default_severity: ClassVar[Severity]
    description: ClassVar[str]
    """What it measures and how to fix a failure (used by docs and ``trustscan explain``)."""
    counts_only: ClassVar[bool] = False
    """See ``CheckSpec.counts_only``."""
    reads_rows: ClassVar[bool] = True
    """See ``CheckSpec.reads_rows``."""
    policy_keys: ClassVar[tuple[str, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = vars(cls).get("spec")
        if spec is not None:
            cls.id = spec.id
            cls.title = spec.title
            cls.dimension = spec.dimension
            cls.default_severity = spec.default_severity
            cls.description = spec.description
            cls.policy_keys = spec.policy_keys
            cls.counts_only = spec.counts_only
            cls.reads_rows = spec.reads_rows

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        raise NotImplementedError

    def run_after(
        self, ctx: AuditContext, policy: Policy, earlier: tuple[CheckResult, ...]
    ) -> CheckResult:
        """What the engine calls, with the results of the checks ``spec.needs`` names.
        Checks that judge other checks' results (consequence coverage, baseline comparison)
        override this; the engine runs them after the checks they need."""
        return self.run(ctx, policy)

    def result(
        self,
        status: Status,
        summary: str,
        findings: tuple[Finding, ...] = (),
        severity: Severity | None = None,
        scoring: Scoring | None = None,
        *,
        measured: Measured | None = None,
    ) -> CheckResult:
        """The result, with what the check ``measured`` (its typed result; the JSON
        ``metrics`` are derived from it)."""
        return CheckResult(
            check_id=self.id,
            title=self.title,
            dimension=self.dimension,
            severity=severity if severity is not None else self.default_severity,
            status=status,
            summary=summary,
            findings=findings,
            scoring=scoring or Scoring(),
            measured=measured,
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
