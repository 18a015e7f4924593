"""``performance.overall``: accuracy, balanced accuracy, precision, recall, F1, ROC AUC, Brier
score and ECE (binary); accuracy, balanced accuracy, macro F1 (multiclass); MAE, RMSE, R²
(regression), each with a bootstrap interval, against optional policy targets."""

from __future__ import annotations

from typing import ClassVar

from trustscan.checks.base import Check, worst_status
from trustscan.checks.performance import OVERALL
from trustscan.checks.performance.measured import Overall, OverallEstimate
from trustscan.checks.performance.shared import (
    NO_TARGET,
    method_text,
    overall_metrics,
    prepare,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import finite as jsonable
from trustscan.policy import Policy
from trustscan.stats.performance import METRICS
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status


class PerformanceOverallCheck(Check):
    spec: ClassVar[CheckSpec] = OVERALL

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        prepared = prepare(ctx)
        if prepared is None:
            return self.skip(NO_TARGET)
        resamples = policy.stats.bootstrap_resamples
        confidence = policy.stats.confidence
        result = overall_metrics(ctx, policy, prepared)
        method = method_text(result, resamples)
        table: list[OverallEstimate] = []
        evidence: list[Evidence] = []
        for name, value in result.estimate.items():
            low, high = result.interval(name, confidence)
            table.append(
                OverallEstimate(
                    metric=name,
                    label=METRICS[name].label,
                    estimate=jsonable(value),
                    ci_low=low,
                    ci_high=high,
                    higher_is_better=METRICS[name].higher_is_better,
                )
            )
            evidence.append(
                Evidence(name, jsonable(value), low, high, confidence, n=result.n, method=method)
            )

        findings: list[Finding] = []
        targets = (
            ("roc_auc", policy.performance.min_auc),
            ("accuracy", policy.performance.min_accuracy),
        )
        for name, target in targets:
            if target is None:
                continue
            row = next((r for r in table if r.metric == name), None)
            if row is None or row.estimate is None:
                findings.append(
                    self.finding(
                        Status.WARN,
                        f"The policy sets a {METRICS[name].label} target of {target:.3f}, but "
                        f"{METRICS[name].label} cannot be computed here (it needs "
                        f"{'scores' if name == 'roc_auc' else 'class predictions'}).",
                        subject=f"{name} target",
                        severity=Severity.MEDIUM,
                    )
                )
                continue
            low = row.ci_low if row.ci_low is not None else row.estimate
            missed = low < target
            findings.append(
                self.finding(
                    Status.FAIL if missed else Status.PASS,
                    f"{METRICS[name].label} is {row.estimate:.3f} "
                    f"({confidence:.0%} CI {_ci(row)}, n = {result.n:,}); the target is "
                    f"{target:.3f}"
                    + (", and the interval's lower bound is below it." if missed else ", met."),
                    subject=f"{name} target",
                    evidence=(_against(row, confidence, result.n, target, method),),
                    remediation="Improve the model or lower the target with a recorded reason."
                    if missed
                    else None,
                    severity=self.default_severity if missed else Severity.INFO,
                )
            )
        findings += self._floors(table, policy, confidence, result.n, method, prepared.data.task)
        status = worst_status([f.status for f in findings])
        headline = ", ".join(
            f"{r.label} {r.estimate:.3f}" for r in table[:6] if r.estimate is not None
        )
        findings.insert(
            0,
            self.finding(
                Status.PASS,
                f"On {result.n:,} labelled rows: {headline}.",
                subject="all rows",
                evidence=tuple(evidence),
                severity=Severity.INFO,
                title="Performance on the audited rows",
            ),
        )
        if status is Status.FAIL:
            summary = "performance below a policy target: " + "; ".join(
                f.message for f in findings if f.status is Status.FAIL
            )
        elif status is Status.WARN:
            summary = "barely better than chance: " + "; ".join(
                f.message for f in findings if f.status is Status.WARN
            )
        else:
            summary = f"{headline} (n = {result.n:,})."
        measured = Overall(
            n=result.n,
            estimates=tuple(table),
            confidence=confidence,
            task=prepared.data.task,
            method=method,
            dropped_missing_target=int(ctx.n_rows - prepared.n_rows),
        )
        return self.result(status, summary, tuple(findings), measured=measured)

    def _floors(
        self,
        table: list[OverallEstimate],
        policy: Policy,
        confidence: float,
        n: int,
        method: str,
        task: str,
    ) -> list[Finding]:
        p = policy.performance
        floors = (
            ("roc_auc", p.roc_auc_floor),
            # Chance is 1/k for k classes: the floor is for binary classifiers only.
            ("balanced_accuracy", p.balanced_accuracy_floor if task == "binary" else None),
            ("r2", p.r2_floor),
        )
        return _floor_findings(self, table, floors, confidence, n, method)


def _floor_findings(
    check: Check,
    table: list[OverallEstimate],
    floors: tuple[tuple[str, float | None], ...],
    confidence: float,
    n: int,
    method: str,
) -> list[Finding]:
    """A warning for each metric whose interval's lower bound is below its floor."""
    out = []
    for name, floor in floors:
        row = next((r for r in table if r.metric == name), None)
        if floor is None or row is None or row.estimate is None:
            continue
        low = row.ci_low if row.ci_low is not None else row.estimate
        if low >= floor:
            continue
        label = METRICS[name].label
        out.append(
            check.finding(
                Status.WARN,
                f"{label} is {row.estimate:.3f} ({confidence:.0%} CI {_ci(row)}, n = {n:,}): "
                f"its lower bound is below the floor of {floor:g} "
                f"(performance.{name}_floor), so the model may be little better than chance.",
                subject=f"{name} floor",
                evidence=(_against(row, confidence, n, floor, method),),
                remediation="Check the model is fit for the decision it supports (and the "
                "target and inputs are the ones it was trained on) before relying on it.",
                severity=Severity.MEDIUM,
            )
        )
    return out


def _against(
    row: OverallEstimate, confidence: float, n: int, threshold: float, method: str
) -> Evidence:
    """A metric's estimate and interval as evidence against a target or floor."""
    return Evidence(
        str(row.metric),
        row.estimate,
        row.ci_low,
        row.ci_high,
        confidence,
        n=n,
        threshold=threshold,
        method=method,
    )


def _ci(row: OverallEstimate) -> str:
    if row.ci_low is None or row.ci_high is None:
        return "n/a"
    return f"{row.ci_low:.3f}–{row.ci_high:.3f}"
