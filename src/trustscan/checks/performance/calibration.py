"""``performance.calibration``: reliability data and ECE, overall and per group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from trustscan.checks.base import Check
from trustscan.checks.not_judged import groups_not_judged
from trustscan.checks.performance import CALIBRATION
from trustscan.checks.performance.measured import Calibration, CalibrationRow, ReliabilityCurve
from trustscan.checks.performance.shared import (
    NO_TARGET,
    group_metrics,
    overall_metrics,
    prepare,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import finite as jsonable
from trustscan.policy import Policy
from trustscan.stats.group_performance import group_reliability
from trustscan.stats.reliability import reliability_table
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status


class PerformanceCalibrationCheck(Check):
    spec: ClassVar[CheckSpec] = CALIBRATION

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        prepared = prepare(ctx)
        if prepared is None:
            return self.skip(NO_TARGET)
        data = prepared.data
        if data.task != "binary":
            return self.skip(f"calibration needs a binary classifier; this task is {data.task}")
        if data.score is None or not data.probabilities:
            return self.skip(
                "calibration needs probability scores in [0, 1] for the positive class"
            )
        score = data.score
        assert score is not None
        confidence = policy.stats.confidence
        limit = policy.performance.max_ece
        # The ECE and Brier score of the other competence checks' bootstrap: same rows, same
        # metrics, so they are computed once.
        overall = overall_metrics(ctx, policy, prepared)
        per_grouping = group_metrics(ctx, policy, prepared) if ctx.sensitive_names else []

        low, high = overall.interval("ece", confidence)
        rows: list[CalibrationRow] = [
            CalibrationRow(
                grouping=None,
                group="all rows",
                n=overall.n,
                judged=True,
                excluded_reason=None,
                ece=jsonable(overall.estimate["ece"]),
                ece_ci=(low, high),
                brier=jsonable(overall.estimate["brier"]),
            )
        ]
        curves = [_curve(None, "all rows", reliability_table(data.y, score, weight=data.weight))]
        over: list[tuple[str, float, float | None, float | None, int]] = []
        if low is not None and low > limit:
            over.append(("all rows", overall.estimate["ece"], low, high, overall.n))
        excluded: list[tuple[str, str, int, str]] = []
        for gm in per_grouping:
            codes = gm.grouping.codes[prepared.rows]
            tables = group_reliability(data, codes, gm.grouping.n_groups)
            for g, (metric_set, why) in enumerate(zip(gm.sets, gm.excluded, strict=True)):
                label = gm.grouping.labels[g]
                g_low, g_high = metric_set.interval("ece", confidence)
                rows.append(
                    CalibrationRow(
                        grouping=gm.grouping.name,
                        group=label,
                        n=metric_set.n,
                        judged=why is None,
                        excluded_reason=why,
                        ece=jsonable(metric_set.estimate.get("ece")),
                        ece_ci=(g_low, g_high),
                        brier=jsonable(metric_set.estimate.get("brier")),
                    )
                )
                curves.append(_curve(gm.grouping.name, label, tables[g]))
                if why is not None:
                    excluded.append((gm.grouping.name, label, metric_set.n, why))
                elif g_low is not None and g_low > limit:
                    over.append(
                        (
                            f"{gm.grouping.name} = {label}",
                            metric_set.estimate["ece"],
                            g_low,
                            g_high,
                            metric_set.n,
                        )
                    )

        findings: list[Finding] = []
        for subject, ece, e_low, e_high, n in over:
            findings.append(
                self.finding(
                    Status.WARN,
                    f"Scores are miscalibrated for {subject}: expected calibration error {ece:.3f} "
                    f"({confidence:.0%} CI {e_low:.3f}–{e_high:.3f}, n = {n:,}), above the "
                    f"{limit:g} limit; a predicted probability there does not mean what it says.",
                    subject=subject,
                    evidence=(
                        Evidence(
                            "ece",
                            jsonable(ece),
                            e_low,
                            e_high,
                            confidence,
                            n=n,
                            threshold=limit,
                            method="percentile bootstrap",
                        ),
                    ),
                    remediation="Recalibrate the scores (Platt or isotonic), per group if needed.",
                )
            )
        judged = [r.ece for r in rows if r.judged and r.ece is not None]
        findings.insert(
            0,
            self.finding(
                Status.PASS,
                f"Expected calibration error {overall.estimate['ece']:.3f} overall"
                + (
                    f"; per judged group from {min(judged):.3f} to {max(judged):.3f}."
                    if len(judged) > 1
                    else "."
                ),
                subject="all rows",
                evidence=(
                    Evidence(
                        "ece",
                        jsonable(overall.estimate["ece"]),
                        low,
                        high,
                        confidence,
                        n=overall.n,
                        threshold=limit,
                        method="percentile bootstrap",
                    ),
                ),
                severity=Severity.INFO,
                title="Calibration",
            ),
        )
        note = groups_not_judged(self, excluded)
        if note is not None:
            findings.append(note)
        status = Status.WARN if over else Status.PASS
        summary = (
            f"ECE above {limit:g} for: {', '.join(o[0] for o in over)}"
            if over
            else f"ECE {overall.estimate['ece']:.3f} overall, no judged group above {limit:g}"
        )
        measured = Calibration(
            confidence=confidence,
            bins=len(curves[0].bins),
            max_ece=limit,
            ece=tuple(rows),
            reliability=tuple(curves),
        )
        return self.result(status, summary, tuple(findings), measured=measured)


def _curve(
    grouping: str | None, group: str, table: Sequence[Mapping[str, float | int | None]]
) -> ReliabilityCurve:
    """A reliability curve from ``stats``' binned table (one row per bin)."""
    return ReliabilityCurve.from_row({"grouping": grouping, "group": group, "bins": list(table)})
