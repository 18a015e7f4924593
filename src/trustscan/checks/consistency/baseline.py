"""``consistency.baseline``: this audit against a previous JSON report (``--baseline``), with
the comparison ``trustscan diff`` uses: significantly worse metrics and new failing findings
of gated checks fail."""

from __future__ import annotations

from typing import ClassVar

from trustscan.checks.base import Check, worst_status
from trustscan.checks.consistency import BASELINE
from trustscan.checks.consistency.compare import compare_reports, is_gated, results_as_report
from trustscan.checks.consistency.measured import BaselineComparison
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status, verdict


class BaselineCheck(Check):
    spec: ClassVar[CheckSpec] = BASELINE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        return self.run_after(ctx, policy, ())

    def run_after(
        self, ctx: AuditContext, policy: Policy, earlier: tuple[CheckResult, ...]
    ) -> CheckResult:
        if ctx.baseline is None:
            return self.skip("no baseline report (--baseline PREVIOUS.json)")
        old = ctx.baseline
        inputs = {
            "data_path": str(ctx.data_path),
            "model_path": str(ctx.model_path) if ctx.model_path else None,
            "target": ctx.target_name,
        }
        new = results_as_report(earlier, verdict(earlier).value, inputs, policy.sha256())
        comparison = compare_reports(
            old,
            new,
            min_change=policy.consistency.baseline_min_change,
            confidence=policy.stats.confidence,
        )
        findings: list[Finding] = []
        for delta in comparison.deltas:
            if not delta.regression:
                continue
            findings.append(
                self.finding(
                    Status.FAIL,
                    f"{delta.check_id} {delta.metric}"
                    + (f" for {delta.subject}" if delta.subject else "")
                    + f" got significantly worse since the baseline: {delta.old:.4g} -> "
                    f"{delta.new:.4g} (change {delta.delta:+.4g}, {policy.stats.confidence:.0%} CI "
                    f"{delta.ci_low:+.4g} to {delta.ci_high:+.4g}).",
                    subject=f"{delta.check_id}: {delta.metric}"
                    + (f" ({delta.subject})" if delta.subject else ""),
                    evidence=(
                        Evidence(
                            f"{delta.metric}_change",
                            delta.delta,
                            delta.ci_low,
                            delta.ci_high,
                            policy.stats.confidence,
                            threshold=policy.consistency.baseline_min_change,
                            method="difference of two audits, normal approximation "
                            "from both intervals",
                        ),
                    ),
                    remediation="Find what changed since the baseline (model, data, threshold) "
                    "before releasing.",
                )
            )
        for change in comparison.new_findings:
            gated = change.new_status == "fail" and is_gated(change.check_id)
            findings.append(
                self.finding(
                    Status.FAIL if gated else Status.WARN,
                    f"New since the baseline ({change.old_status or 'absent'} -> {change.new_status}) "
                    f"in {change.check_id}: {change.title}"
                    + (f" — {change.subject}" if change.subject else "")
                    + ".",
                    subject=f"{change.check_id}: {change.subject or change.title}",
                    severity=self.default_severity if gated else Severity.MEDIUM,
                )
            )
        if comparison.verdict_worse and not findings:
            findings.append(
                self.finding(
                    Status.WARN,
                    f"The verdict went from {comparison.old_verdict} to {comparison.new_verdict}.",
                    subject="verdict",
                    severity=Severity.MEDIUM,
                )
            )
        status = worst_status([f.status for f in findings])
        better = [d for d in comparison.deltas if d.significant and d.direction and not d.worse]
        summary = (
            f"baseline {comparison.old_verdict} -> now {comparison.new_verdict}; "
            f"{len(comparison.deltas)} metrics compared, "
            f"{sum(d.regression for d in comparison.deltas)} significantly worse, "
            f"{len(comparison.new_findings)} new and {len(comparison.resolved_findings)} "
            "resolved finding(s)"
        )
        if better:
            summary += f", {len(better)} significantly better"
        measured = BaselineComparison(str(ctx.baseline_path), comparison)
        return self.result(status, summary, tuple(findings), measured=measured)
