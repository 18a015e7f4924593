"""``docs.model_card`` and ``docs.consequence_scan``: did the team document the model and
think through its consequences before shipping?"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from trustscan.checks.base import Check, worst_status
from trustscan.checks.documentation import CONSEQUENCE_SCAN, MODEL_CARD
from trustscan.checks.documentation.measured import (
    Consequence,
    ConsequenceScanResult,
    ModelCardReview,
    Uncovered,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.governance.consequences import (
    ConsequenceScan,
    act_problems,
    missing_kinds,
    monitor_without_checks,
    negative_without_disposition,
    review_overdue,
    uncovered,
    unknown_check_links,
)
from trustscan.governance.model_card import REQUIRED_FIELDS
from trustscan.loading.documents import NOT_READ
from trustscan.policy import Policy
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

INIT_HINT = "run `trustscan init` to write a commented starter, then fill it in"


class ModelCardCheck(Check):
    spec: ClassVar[CheckSpec] = MODEL_CARD

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.documents is None:
            return self.skip(NOT_READ)
        path, review = ctx.documents.model_card_path, ctx.documents.model_card
        if review is None:
            status = Status.FAIL if policy.docs.require_model_card else Status.WARN
            finding = self.finding(
                status,
                f"There is no model card at {path}, so reviewers cannot see who owns the model, "
                "what it is for and where it must not be used.",
                subject=str(path),
                remediation=INIT_HINT.capitalize() + ".",
            )
            return self.result(
                status,
                f"No model card at {path}; {INIT_HINT}.",
                (finding,),
                measured=ModelCardReview(
                    path=str(path),
                    completeness=0.0,
                    filled=None,
                    missing=tuple(REQUIRED_FIELDS),
                    authors=None,
                ),
            )

        findings: list[Finding] = [
            self.finding(
                Status.FAIL,
                f"{issue.where(str(path))}: {issue.message}",
                subject=str(path),
                remediation="Fix the model card at that line.",
                severity=Severity.HIGH,
                title="Model card is invalid",
            )
            for issue in review.errors
        ]
        findings += [
            self.finding(
                Status.WARN,
                f"{issue.where(str(path))}: {issue.message}",
                subject=str(path),
                severity=Severity.LOW,
                title="Model card has an unknown key",
            )
            for issue in review.warnings
        ]
        for section, fields in review.missing_by_section().items():
            placeholders = [
                f"{f} (line {review.missing_lines[f'{section}.{f}']})"
                for f in fields
                if f"{section}.{f}" in review.missing_lines
            ]
            detail = f"; placeholders at {', '.join(placeholders)}" if placeholders else ""
            findings.append(
                self.finding(
                    Status.WARN,
                    f"Section {section!r} lacks {', '.join(fields)}{detail}.",
                    subject=section,
                    remediation="Fill in these fields; write 'N/A: <reason>' where one truly "
                    "does not apply.",
                    title="Model card is incomplete",
                )
            )
        completeness = review.completeness
        total = len(review.filled) + len(review.missing)
        findings.insert(
            0,
            self.finding(
                Status.PASS if not review.missing else Status.WARN,
                f"The model card fills {len(review.filled)} of {total} required fields "
                f"({completeness:.0%}).",
                subject=str(path),
                evidence=(Evidence("completeness", completeness, n=total, threshold=1.0),),
                severity=Severity.INFO if not review.missing else None,
                title="Model card completeness",
            ),
        )
        status = worst_status([f.status for f in findings])
        summary = f"Model card {completeness:.0%} complete"
        if review.missing:
            summary += f"; missing {len(review.missing)} field(s)"
        if review.errors:
            summary += f"; {len(review.errors)} error(s)"
        measured = ModelCardReview(
            path=str(path),
            completeness=completeness,
            filled=tuple(review.filled),
            missing=tuple(review.missing),
            authors=tuple(review.authors),
        )
        return self.result(status, summary + ".", tuple(findings), measured=measured)


class ConsequenceScanCheck(Check):
    spec: ClassVar[CheckSpec] = CONSEQUENCE_SCAN

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        return self.run_after(ctx, policy, ())

    def run_after(
        self, ctx: AuditContext, policy: Policy, earlier: tuple[CheckResult, ...]
    ) -> CheckResult:
        if ctx.documents is None:
            return self.skip(NOT_READ)
        path, scan = ctx.documents.consequences_path, ctx.documents.consequences
        # "Today" is the audit's start date (UTC), so a report is reproducible within its day.
        today = dt.datetime.fromtimestamp(ctx.started_at, tz=dt.timezone.utc).date()
        failed = _failed_findings(earlier)
        findings: list[Finding] = []
        if scan is None:
            findings.append(
                self.finding(
                    Status.WARN,
                    f"There is no consequence scan at {path}: nothing shows the team considered "
                    "who this model could harm and what they will do about it.",
                    subject=str(path),
                    remediation=INIT_HINT.capitalize() + ".",
                )
            )
        else:
            findings += self._rule_findings(scan, today, path)
        gaps = uncovered(scan, failed)
        if gaps:
            listed = ", ".join(f"{c} ({s})" if s else c for c, s in gaps[:12])
            more = f" and {len(gaps) - 12} more" if len(gaps) > 12 else ""
            findings.append(
                self.finding(
                    Status.WARN,
                    f"{len(gaps)} failing finding(s) of this run are not covered by any "
                    f"consequence linked to their check: {listed}{more}.",
                    subject="coverage",
                    remediation="Add a consequence per failing check with its id under 'checks' "
                    "(`trustscan consequences suggest --report report.json` drafts them).",
                    title="Failing findings without a consequence",
                )
            )
        status = worst_status([f.status for f in findings])
        entries = scan.consequences if scan is not None else ()
        measured = ConsequenceScanResult(
            path=str(path),
            entries=len(entries),
            intended=sum(1 for c in entries if c.intended is True),
            unintended=sum(1 for c in entries if c.intended is False),
            negative=sum(1 for c in entries if c.impact == "negative"),
            schema_errors=len(scan.errors) if scan is not None else 0,
            failed_findings=len(failed),
            uncovered=tuple(Uncovered(check_id=c, subject=s) for c, s in gaps),
            today=today.isoformat(),
            # One row per entry, for the report's act / influence / monitor grouping.
            consequences=tuple(
                Consequence(
                    id=c.id,
                    statement=c.statement,
                    intended=c.intended,
                    impact=c.impact,
                    affected_group=c.affected_group,
                    disposition=c.disposition,
                    owner=c.owner,
                    action=c.action,
                    due=c.due.isoformat() if c.due else None,
                    checks=list(c.checks),
                    review=c.review.isoformat() if c.review else None,
                )
                for c in entries
            ),
        )
        if scan is None:
            summary = f"No consequence scan at {path}; {INIT_HINT}."
        elif status is Status.PASS:
            summary = (
                f"{len(entries)} consequence(s) recorded; every rule holds and every failing "
                "check is covered."
            )
        else:
            bad = sum(1 for f in findings if f.status in (Status.FAIL, Status.WARN))
            summary = f"{len(entries)} consequence(s) recorded; {bad} rule violation(s)."
        return self.result(status, summary, tuple(findings), measured=measured)

    def _rule_findings(self, scan: ConsequenceScan, today: dt.date, path: Path) -> list[Finding]:
        from trustscan.checks import registry  # late: the registry imports this package

        source = str(path)
        out: list[Finding] = [
            self.finding(
                Status.FAIL,
                f"{issue.where(source)}: {issue.message}",
                subject=issue.where(source),
                remediation="Fix the entry at that line (see `trustscan init` for the format).",
                title="Consequence scan schema error",
            )
            for issue in scan.errors
        ]
        for kind in missing_kinds(scan):
            out.append(
                self.finding(
                    Status.FAIL,
                    f"The consequence scan lists no {kind} consequence; a scan must ask both "
                    "what the model is meant to do and what it could do that nobody intended.",
                    subject=kind,
                    remediation=f"Add at least one consequence with intended: "
                    f"{'true' if kind == 'intended' else 'false'}.",
                    title=f"No {kind} consequence",
                )
            )
        for c in negative_without_disposition(scan):
            out.append(
                self.finding(
                    Status.FAIL,
                    f"Negative consequence {c.label} has no disposition: nobody decided whether "
                    "to act on it, influence it or monitor it.",
                    subject=c.label,
                    remediation="Set disposition: act, influence or monitor.",
                    title="Negative consequence without a disposition",
                )
            )
        for c, problem in act_problems(scan, today):
            out.append(
                self.finding(
                    Status.FAIL,
                    f"Action for consequence {c.label} {problem}.",
                    subject=c.label,
                    remediation="Give every 'act' an owner and a due date in the future "
                    "(or record that it was done and change the disposition to monitor).",
                    title="Action without owner or with a past due date",
                )
            )
        for c in monitor_without_checks(scan):
            out.append(
                self.finding(
                    Status.FAIL,
                    f"Consequence {c.label} is to be monitored but links no check id, so no "
                    "audit run watches it.",
                    subject=c.label,
                    remediation="List the check ids that measure it under 'checks', "
                    "e.g. checks: [fairness.selection_rate].",
                    title="Monitored consequence without a check",
                )
            )
        for c, pattern in unknown_check_links(scan, [k.id for k in registry.SPECS]):
            out.append(
                self.finding(
                    Status.WARN,
                    f"Consequence {c.label} links {pattern!r}, which names no trustscan check.",
                    subject=c.label,
                    remediation="Use an id from `trustscan scan` reports (or a family prefix "
                    "ending in '.', e.g. 'fairness.').",
                    severity=Severity.LOW,
                    title="Link to an unknown check",
                )
            )
        for c in review_overdue(scan, today):
            out.append(
                self.finding(
                    Status.WARN,
                    f"Consequence {c.label} was due for review on {c.review}.",
                    subject=c.label,
                    remediation="Review it with the team and set the next review date.",
                    severity=Severity.LOW,
                    title="Consequence review overdue",
                )
            )
        return out


def _failed_findings(results: tuple[CheckResult, ...]) -> list[tuple[str, str | None]]:
    """Every failing ``(check_id, subject)`` of the run (a failing result without failing
    findings counts once, with no subject)."""
    failed: list[tuple[str, str | None]] = []
    for result in results:
        subjects = [f.subject for f in result.findings if f.status is Status.FAIL and not f.waived]
        if subjects:
            failed.extend((result.check_id, s) for s in dict.fromkeys(subjects))
        elif result.status is Status.FAIL:
            failed.append((result.check_id, None))
    return failed
