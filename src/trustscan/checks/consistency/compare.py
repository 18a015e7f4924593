"""Compare two audits: per-metric deltas with intervals, new and resolved findings, verdict.

Pure functions over the JSON form of a report (``report_to_dict``), so ``trustscan diff`` on
two files (its text: ``governance.compare``) and the ``consistency.baseline`` check inside a
scan share one implementation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from trustscan.checks import registry
from trustscan.numbers.json_safe import finite as _number
from trustscan.report_versions import verdict_status
from trustscan.stats.distributions import norm_ppf
from trustscan.stats.performance import METRICS


def is_gated(check_id: str) -> bool:
    """Whether a check's metrics gate the comparison (a significant worsening fails it), as
    its declaration says (``CheckSpec.gated_in_compare``)."""
    return check_id in registry.gated_in_compare()


IGNORED_CHECKS = ("consistency.baseline",)
"""The comparison itself is not compared."""

_STATUS_RANK = {"pass": 0, "skip": 1, "warn": 2, "error": 3, "fail": 4}
_PROBLEM = ("warn", "fail")

HEADLINE_METRICS = frozenset({"roc_auc", "balanced_accuracy", "macro_f1", "r2", "mae", "rmse"})
"""Performance metrics that gate a comparison even without a policy threshold. Others
(accuracy, precision, recall, F1, Brier) are reported: they trade off against each other
when only the decision threshold moved."""

_HIGHER_IS_BETTER = {name for name, d in METRICS.items() if d.higher_is_better}
_LOWER_IS_BETTER = {name for name, d in METRICS.items() if not d.higher_is_better} | {
    "flip_rate",
    "changed_share",
}


def direction(metric: str) -> str | None:
    """``higher`` or ``lower`` is better for ``metric``, or None when it cannot be told.

    Ratios to a reference group (impact ratios) are better higher; gaps and differences
    are better smaller in absolute value; per-group rates (``selection_rate[women]``) have no
    better direction.
    """
    if "[" in metric:
        return None
    if metric in _HIGHER_IS_BETTER or metric.endswith("_ratio"):
        return "higher"
    if metric in _LOWER_IS_BETTER or metric.endswith(("_gap", "_difference")):
        return "lower"
    return None


@dataclass(frozen=True)
class MetricDelta:
    """One evidence metric present in both audits."""

    check_id: str
    subject: str | None
    metric: str
    old: float
    new: float
    delta: float
    """``new - old`` (for differences: ``|new| - |old|``)."""
    ci_low: float | None
    ci_high: float | None
    """Interval of ``delta``, from both reports' intervals (normal approximation, independent
    audits); None when either report has no interval."""
    direction: str | None
    worse: bool
    """Changed for the worse by at least ``min_change``."""
    significant: bool
    """The interval of the change excludes 0."""
    gated: bool
    """A metric of a gated check (``is_gated``) with a known direction that has a policy
    threshold or is a headline metric (``HEADLINE_METRICS``)."""

    @property
    def regression(self) -> bool:
        return self.gated and self.worse and self.significant


@dataclass(frozen=True)
class FindingChange:
    check_id: str
    subject: str | None
    title: str
    old_status: str | None
    new_status: str | None
    message: str


@dataclass(frozen=True)
class Comparison:
    old_verdict: str | None
    new_verdict: str | None
    status_changes: tuple[tuple[str, str | None, str | None], ...]
    """``(check_id, old status, new status)`` for every check whose status changed."""
    deltas: tuple[MetricDelta, ...]
    new_findings: tuple[FindingChange, ...]
    resolved_findings: tuple[FindingChange, ...]
    min_change: float
    confidence: float
    notes: tuple[str, ...] = field(default=())

    @property
    def regressions(self) -> tuple[str, ...]:
        """Plain-language reasons the new audit is significantly worse (empty when it is not)."""
        reasons = [
            f"{d.check_id} {d.metric}"
            + (f" ({d.subject})" if d.subject else "")
            + f" worsened from {d.old:.4g} to {d.new:.4g} ({ci_text(d)})"
            for d in self.deltas
            if d.regression
        ]
        reasons += [
            f"new failing finding in {f.check_id}"
            + (f" ({f.subject})" if f.subject else "")
            + f": {f.title}"
            for f in self.new_findings
            if f.new_status == "fail" and is_gated(f.check_id)
        ]
        return tuple(reasons)

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)

    @property
    def verdict_worse(self) -> bool:
        return _STATUS_RANK.get(self.new_verdict or "", 0) > _STATUS_RANK.get(
            self.old_verdict or "", 0
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status_changes"] = [
            {"check_id": c, "old": o, "new": n} for c, o, n in self.status_changes
        ]
        for row, delta in zip(data["deltas"], self.deltas, strict=True):
            row["regression"] = delta.regression
        data["regressions"] = list(self.regressions)
        data["regressed"] = self.regressed
        return data


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """The comparison ``Comparison.to_dict`` wrote (its derived keys, such as
    ``regressions``, are derived again)."""

    def rows(key: str) -> list[Mapping[str, Any]]:
        value = data.get(key)
        return [r for r in value if isinstance(r, Mapping)] if isinstance(value, list) else []

    def made(kind: type[Any], row: Mapping[str, Any]) -> Any:
        return kind(**{f.name: row.get(f.name) for f in fields(kind)})

    notes = data.get("notes")
    return Comparison(
        old_verdict=data.get("old_verdict"),
        new_verdict=data.get("new_verdict"),
        status_changes=tuple(
            (str(c.get("check_id")), c.get("old"), c.get("new")) for c in rows("status_changes")
        ),
        deltas=tuple(made(MetricDelta, r) for r in rows("deltas")),
        new_findings=tuple(made(FindingChange, r) for r in rows("new_findings")),
        resolved_findings=tuple(made(FindingChange, r) for r in rows("resolved_findings")),
        min_change=data.get("min_change", 0.0),
        confidence=data.get("confidence", 0.95),
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
    )


def ci_text(d: MetricDelta) -> str:
    if d.ci_low is None or d.ci_high is None:
        return "no interval"
    return f"change {d.delta:+.4g}, CI {d.ci_low:+.4g} to {d.ci_high:+.4g}"


def _results(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        r
        for r in report.get("results", [])
        if isinstance(r, Mapping) and r.get("check_id") not in IGNORED_CHECKS
    ]


def _evidence_index(report: Mapping[str, Any]) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    """Evidence by ``(check, subject, metric, occurrence)``."""
    out: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for result in _results(report):
        seen: Counter[tuple[Any, ...]] = Counter()
        for finding in result.get("findings", []) or []:
            for evidence in finding.get("evidence", []) or []:
                base = (result.get("check_id"), finding.get("subject"), evidence.get("metric"))
                out[(*base, seen[base])] = evidence
                seen[base] += 1
    return out


def _finding_index(report: Mapping[str, Any]) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    out: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for result in _results(report):
        for finding in result.get("findings", []) or []:
            key = (result.get("check_id"), finding.get("subject"), finding.get("title"))
            previous = out.get(key)
            if previous is None or _STATUS_RANK.get(
                str(finding.get("status")), 0
            ) > _STATUS_RANK.get(str(previous.get("status")), 0):
                out[key] = finding
    return out


def _se(evidence: Mapping[str, Any]) -> float | None:
    low, high = _number(evidence.get("ci_low")), _number(evidence.get("ci_high"))
    if low is None or high is None:
        return None
    level = _number(evidence.get("confidence")) or 0.95
    z = norm_ppf(0.5 + level / 2.0)
    return (high - low) / (2.0 * z) if z > 0 else None


def _delta(
    key: tuple[Any, ...],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    min_change: float,
    confidence: float,
) -> MetricDelta | None:
    check_id, subject, metric, _ = key
    a, b = _number(old.get("estimate")), _number(new.get("estimate"))
    if a is None or b is None or not isinstance(metric, str):
        return None
    better = direction(metric)
    if metric.endswith("_difference"):
        a, b = abs(a), abs(b)
    delta = b - a
    se_old, se_new = _se(old), _se(new)
    low = high = None
    if se_old is not None and se_new is not None:
        half = norm_ppf(0.5 + confidence / 2.0) * math.hypot(se_old, se_new)
        low, high = delta - half, delta + half
    harm = delta if better == "lower" else -delta if better == "higher" else 0.0
    worse = better is not None and harm >= min_change and harm > 0
    if low is None or high is None:
        significant = False
    elif better == "lower":
        significant = low > 0
    elif better == "higher":
        significant = high < 0
    else:
        significant = low > 0 or high < 0
    gated = (
        is_gated(str(check_id))
        and better is not None
        and (_number(new.get("threshold")) is not None or metric in HEADLINE_METRICS)
    )
    return MetricDelta(
        str(check_id), subject, metric, a, b, delta, low, high, better, worse, significant, gated
    )


def compare_reports(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    min_change: float = 0.01,
    confidence: float = 0.95,
) -> Comparison:
    """Compare two reports in their JSON form (``report_to_dict`` or a parsed JSON file)."""
    notes: list[str] = []
    old_inputs = {**(old.get("inputs") or {}), "policy_sha256": old.get("policy_sha256")}
    new_inputs = {**(new.get("inputs") or {}), "policy_sha256": new.get("policy_sha256")}
    for field_name in ("data_path", "model_path", "target", "policy_sha256"):
        if old_inputs.get(field_name) != new_inputs.get(field_name):
            notes.append(
                f"{field_name} differs: {old_inputs.get(field_name)!r} -> "
                f"{new_inputs.get(field_name)!r}"
            )
    old_status = {r.get("check_id"): r.get("status") for r in _results(old)}
    new_status = {r.get("check_id"): r.get("status") for r in _results(new)}
    status_changes = tuple(
        (str(check), old_status.get(check), new_status.get(check))
        for check in sorted({*old_status, *new_status}, key=str)
        if old_status.get(check) != new_status.get(check)
    )

    old_evidence, new_evidence = _evidence_index(old), _evidence_index(new)
    deltas = [
        d
        for key in sorted(old_evidence.keys() & new_evidence.keys(), key=str)
        if (d := _delta(key, old_evidence[key], new_evidence[key], min_change, confidence))
    ]

    old_findings, new_findings = _finding_index(old), _finding_index(new)
    appeared: list[FindingChange] = []
    resolved: list[FindingChange] = []
    for key in sorted({*old_findings, *new_findings}, key=str):
        before, after = old_findings.get(key), new_findings.get(key)
        was: str | None = before.get("status") if before else None
        now: str | None = after.get("status") if after else None
        if now in _PROBLEM and _STATUS_RANK.get(now or "", 0) > _STATUS_RANK.get(was or "", 0):
            assert after is not None
            appeared.append(
                FindingChange(key[0], key[1], key[2], was, now, after.get("message", ""))
            )
        elif was in _PROBLEM and now not in _PROBLEM:
            assert before is not None
            resolved.append(
                FindingChange(key[0], key[1], key[2], was, now, before.get("message", ""))
            )
    return Comparison(
        old_verdict=verdict_status(old),
        new_verdict=verdict_status(new),
        status_changes=status_changes,
        deltas=tuple(deltas),
        new_findings=tuple(appeared),
        resolved_findings=tuple(resolved),
        min_change=min_change,
        confidence=confidence,
        notes=tuple(notes),
    )


def results_as_report(
    results: Sequence[Any],
    verdict: str,
    inputs: Mapping[str, Any] | None = None,
    policy_sha256: str | None = None,
) -> dict[str, Any]:
    """The JSON form of an audit in progress (for the baseline check)."""
    from trustscan.serialize import to_jsonable

    return {
        "results": to_jsonable(list(results)),
        "verdict": verdict,
        "inputs": dict(inputs or {}),
        "policy_sha256": policy_sha256,
    }
