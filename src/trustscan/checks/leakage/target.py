"""``leakage.sensitive_target``: the thing being predicted *is* a special category."""

from __future__ import annotations

from typing import ClassVar

from trustscan.checks.base import Check, worst_status
from trustscan.checks.leakage import SENSITIVE_TARGET
from trustscan.checks.leakage._common import justification_for
from trustscan.checks.leakage.measured import SensitiveTarget, TargetRow
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.sensitive.lexicon import SensitiveMatch, match_column
from trustscan.types import CheckResult, Finding, Severity, Status


class SensitiveTargetCheck(Check):
    spec: ClassVar[CheckSpec] = SENSITIVE_TARGET

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        named = [
            (role, column)
            for role, column in (
                ("target", ctx.target_name),
                ("prediction column", ctx.predictions_column),
                ("score column", ctx.scores_column),
            )
            if column
        ]
        if not named and not ctx.classes:
            return self.skip("no target, prediction or score column named; nothing to check")
        findings: list[Finding] = []
        checked: list[TargetRow] = []
        for role, column in named:
            match = match_column(column)
            checked.append(_target_row(role, column, match))
            if match is not None and match.strength == "direct":
                findings.append(self._finding(role, column, match, policy))
        for label in ctx.classes or ():
            if isinstance(label, str):
                match = match_column(label)
                checked.append(_target_row("class label", label, match))
                if match is not None and match.strength == "direct":
                    findings.append(self._finding("class label", label, match, policy))
        status = worst_status([f.status for f in findings])
        if status is Status.PASS:
            what = ", ".join(f"{role} {column!r}" for role, column in named)
            summary = (
                f"The {what} does not name a special category."
                if named
                else "The model's class labels do not name a special category."
            )
        elif status is Status.WARN:
            summary = "The model predicts a special category, under a recorded legal basis."
        else:
            summary = (
                "The model is trained to infer a special category, with no recorded legal basis."
            )
        measured = SensitiveTarget(columns=tuple(checked))
        return self.result(status, summary, tuple(findings), measured=measured)

    def _finding(self, role: str, column: str, match: SensitiveMatch, policy: Policy) -> Finding:
        basis = justification_for(policy, column)
        if basis is not None:
            return self.finding(
                Status.WARN,
                f"The {role} {column!r} is {match.label}, a special category ({match.legal}). "
                f"The policy records the legal basis: \u201c{basis}\u201d.",
                subject=column,
                remediation="Keep the justification current and limit who sees the predictions.",
                severity=Severity.MEDIUM,
            )
        return self.finding(
            Status.FAIL,
            f"The {role} {column!r} is {match.label}, a special category ({match.legal}): the "
            f"model exists to infer {match.label}, and acting on it means acting on "
            f"{match.label}.",
            subject=column,
            remediation=(
                "Predict the business outcome rather than the sensitive attribute, or record the "
                f'legal basis in the policy: [[justification]] column = "{column}" basis = "...".'
            ),
        )


def _target_row(role: str, column: str, match: SensitiveMatch | None) -> TargetRow:
    return TargetRow(
        role=role,
        column=column,
        category=match.label if match else None,
        strength=match.strength if match else None,
        reason=match.reason if match else None,
    )
