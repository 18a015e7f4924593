"""Waivers: approved, expiring exceptions applied to check results after the checks ran.

A waived finding stays in the report with ``waived=True`` and its reason; only the gate stops
counting it. A result whose every warning/failing finding is waived passes the gate. An
expired waiver does not apply, and the report's notes say so. Errors are never waivable (a
check that crashed vouches for nothing: skip it in the policy instead).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Sequence
from datetime import date

from trustscan.errors import InputError
from trustscan.policy import Policy, Waiver
from trustscan.types import CheckResult, Finding, Status

WAIVABLE = (Status.WARN, Status.FAIL)


def waiver_label(waiver: Waiver) -> str:
    subject = f" (subject {waiver.subject!r})" if waiver.subject is not None else ""
    return f"{waiver.check}{subject}"


def is_expired(waiver: Waiver, today: date) -> bool:
    """A waiver applies up to and including its ``expires`` day."""
    return date.fromisoformat(waiver.expires) < today


def covers_check(pattern: str, check_id: str) -> bool:
    """Exact id, or a family prefix ending in '.', as in ``skip``/``only``."""
    return check_id == pattern or (pattern.endswith(".") and check_id.startswith(pattern))


def _covers(waiver: Waiver, result: CheckResult, finding: Finding | None) -> bool:
    if not covers_check(waiver.check, result.check_id):
        return False
    if waiver.subject is None:
        return True
    return finding is not None and finding.subject == waiver.subject


def _reason(waiver: Waiver) -> str:
    return f"{waiver.reason} (approved by {waiver.approved_by}, expires {waiver.expires})"


def apply_waivers(
    results: Sequence[CheckResult], waivers: Sequence[Waiver], today: date
) -> tuple[tuple[CheckResult, ...], tuple[str, ...]]:
    """Mark waived findings, recompute each affected result's gate status, and return the
    results with notes about expired and unused waivers. ``today`` is injected (the audit's
    start date) so the outcome is deterministic."""
    active = [w for w in waivers if not is_expired(w, today)]
    used: set[int] = set()
    out: list[CheckResult] = []
    for result in results:
        waived_result, hits = _waive_result(result, active)
        used.update(hits)
        out.append(waived_result)
    notes: list[str] = []
    for waiver in waivers:
        if is_expired(waiver, today):
            would_match = sum(
                1 for r in results for f in _waivable_findings(r) if _covers(waiver, r, f)
            )
            consequence = f"; {would_match} finding(s) count again" if would_match else ""
            notes.append(
                f"Waiver for {waiver_label(waiver)} approved by {waiver.approved_by} expired "
                f"on {waiver.expires} and no longer applies{consequence}."
            )
    for index, waiver in enumerate(active):
        if index not in used:
            notes.append(
                f"Waiver for {waiver_label(waiver)} matched no warning or failure in this run; "
                "remove it when it is no longer needed."
            )
    return tuple(out), tuple(notes)


def _waivable_findings(result: CheckResult) -> list[Finding | None]:
    """The findings a waiver can cover; ``None`` stands for a warning/failing result that has
    no warning/failing finding of its own."""
    findings: list[Finding | None] = [f for f in result.findings if f.status in WAIVABLE]
    if not findings and result.status in WAIVABLE:
        findings.append(None)
    return findings


def _waive_result(result: CheckResult, active: Sequence[Waiver]) -> tuple[CheckResult, set[int]]:
    hits: set[int] = set()
    findings = list(result.findings)
    changed = False
    for position, finding in enumerate(findings):
        if finding.status not in WAIVABLE or finding.waived:
            continue
        index = next((i for i, w in enumerate(active) if _covers(w, result, finding)), None)
        if index is not None:
            hits.add(index)
            findings[position] = dataclasses.replace(
                finding, waived=True, waiver_reason=_reason(active[index])
            )
            changed = True
    if _waivable_findings(result) == [None]:
        # A failing result without findings: a check-wide waiver covers the result itself,
        # recorded as a finding so the waiver stays visible in every output.
        index = next((i for i, w in enumerate(active) if _covers(w, result, None)), None)
        if index is not None:
            hits.add(index)
            findings.append(
                Finding(
                    check_id=result.check_id,
                    status=result.status,
                    severity=result.severity,
                    title=result.title,
                    message=result.summary,
                    waived=True,
                    waiver_reason=_reason(active[index]),
                )
            )
            changed = True
    if not changed:
        return result, hits
    # A skipped finding (e.g. "not judged: too few rows") does not make the result a skip.
    unwaived = [f.status for f in findings if not f.waived and f.status is not Status.SKIP]
    status = max(unwaived, key=lambda s: s.rank, default=Status.PASS)
    if status.rank > result.status.rank:
        status = result.status  # waiving never makes a result worse
    summary = result.summary
    if status is not result.status:
        reasons = "; ".join(dict.fromkeys(f.waiver_reason or "" for f in findings if f.waived))
        summary = f"{summary} [waived: {reasons}]"
    return dataclasses.replace(
        result, findings=tuple(findings), status=status, summary=summary
    ), hits


def validate_policy_references(policy: Policy, known_checks: Collection[str]) -> None:
    """Raise ``InputError`` naming the key when a waiver or weight refers to a check that does
    not exist (a typo would otherwise silently waive or weigh nothing), a weight is negative or
    the critical-fail cap is not a 0-100 score."""
    for index, waiver in enumerate(policy.waiver):
        if not any(covers_check(waiver.check, c) for c in known_checks):
            raise InputError(
                f"waiver[{index}].check = {waiver.check!r} matches no check",
                _suggest(waiver.check, known_checks),
            )
    for check_id, weight in policy.weights.items():
        if check_id not in known_checks:
            raise InputError(f"unknown check weights.{check_id}", _suggest(check_id, known_checks))
        if weight < 0:
            raise InputError(f"weights.{check_id} = {weight} is negative", "use a weight >= 0")
    if not 0 <= policy.critical_fail_cap <= 100:
        raise InputError(
            f"critical_fail_cap = {policy.critical_fail_cap} is out of range", "use 0 to 100"
        )


def _suggest(name: str, known_checks: Collection[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known_checks), n=3, cutoff=0.5)
    if close:
        return f"did you mean {', '.join(close)}? (`trustscan explain` lists every check)"
    return f"use a check id: {', '.join(sorted(known_checks))}"
