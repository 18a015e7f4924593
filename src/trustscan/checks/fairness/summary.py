"""A fairness check's result from its comparisons: status, summary sentence, the summary
findings and the scoring inputs.
"""

from __future__ import annotations

from trustscan.checks.base import Check, worst_status
from trustscan.checks.fairness.comparison import JUDGED, Settings
from trustscan.checks.fairness.findings import reported_finding, small_group_finding
from trustscan.checks.fairness.measured import FairnessRates
from trustscan.checks.fairness.rows import summary_metrics
from trustscan.checks.fairness.section import RateSpec, Section
from trustscan.context import AuditContext
from trustscan.types import CheckResult, ScoreInput, Scoring, Severity, Status


def _status_and_summary(section: Section, cfg: Settings, what: str) -> tuple[Status, str]:
    judged = [f for f in section.findings if f.status in (Status.FAIL, Status.WARN)]
    status = worst_status([f.status for f in judged])
    # Count groups, not findings: a group failing on two metrics is one gap to fix.
    failing = {f.subject for f in judged if f.status is Status.FAIL}
    fails = len(failing)
    warns = len({f.subject for f in judged if f.status is Status.WARN} - failing)
    quiet = (
        f" {len(section.quiet)} intersectional gap(s) below {cfg.threshold:.2f} lack evidence "
        "(reported, not judged)."
        if section.quiet
        else ""
    )
    # A single attribute's gap below the threshold leads; an intersection only when none is.
    singles_below = [x for x in section.lowest if not x[0] and x[1] < cfg.threshold]
    low = min(singles_below or [(False, *x[1:]) for x in section.lowest], default=None)
    low_text = f" Lowest ratio {low[1]:.2f} ({low[2]})." if low else ""
    if status is Status.FAIL:
        extra = f" and {warns} with insufficient evidence" if warns else ""
        return status, (
            f"{fails} group(s) with a significant, robust {what} gap below the "
            f"{cfg.threshold:.2f} ratio{extra}.{low_text}{quiet}"
        )
    if status is Status.WARN:
        return status, (
            f"{warns} {what} gap(s) below the {cfg.threshold:.2f} ratio without enough evidence "
            f"to decide.{low_text}{quiet}"
        )
    if section.not_judged is not None:
        return Status.SKIP, section.not_judged
    if not any(r["status"] in JUDGED for r in section.tables["groups"]):
        return Status.WARN, (
            f"Insufficient evidence: no sensitive feature has two groups large enough to compare "
            f"{what}s (n >= {cfg.min_size} and share >= {cfg.min_share:.0%})."
        )
    if low is None:
        return Status.PASS, (
            f"No {what} gap: the most-favoured group's {what} is 0, so every compared group's "
            "is 0 too (ratios are undefined)."
        )
    return Status.PASS, (
        f"No significant {what} gap below {cfg.threshold:.2f} of the most-favoured group's."
        f"{low_text}{quiet}"
    )


def finish(
    check: Check,
    ctx: AuditContext,
    cfg: Settings,
    spec: RateSpec,
    section: Section,
    what: str,
    reported: tuple[str, ...] = (),
) -> CheckResult:
    """Status, summary, the two summary findings and the typed rates (``reported``: metrics
    compared like the gated ones but not gated)."""
    status, summary = _status_and_summary(section, cfg, what)
    findings = list(section.findings)
    if section.quiet:
        listed = "; ".join(f.subject or "" for f in section.quiet[:10])
        more = f" and {len(section.quiet) - 10} more" if len(section.quiet) > 10 else ""
        findings.append(
            check.finding(
                Status.SKIP,
                f"{len(section.quiet)} intersectional {what} gap(s) are below the "
                f"{cfg.threshold:.2f} ratio but not statistically significant, so they are "
                f"reported in the intersections table rather than judged: {listed}{more}.",
                subject="intersections",
                severity=Severity.INFO,
                title="Intersectional gaps without enough evidence",
                remediation="Collect more data for these intersections to decide.",
            )
        )
    if section.reported:
        findings.append(reported_finding(check, section.reported, cfg))
    small = small_group_finding(check, section.tables["groups"] + section.tables["intersections"])
    if small is not None:
        findings.append(small)
    measured = FairnessRates.from_metrics(
        {**summary_metrics(ctx, cfg, spec, section.tables), "reported": list(reported)}
    )
    scoring = _scoring_inputs(section, spec, cfg, status)
    return check.result(status, summary, tuple(findings), scoring=scoring, measured=measured)


def _scoring_inputs(section: Section, spec: RateSpec, cfg: Settings, status: Status) -> Scoring:
    """The score input, evidence coverage and insufficient evidence for scoring.py.

    The measured value is the lowest judged ratio (single features, plus intersections that
    fail); green is parity (1.0) and red is placed so the threshold scores 40, the edge of
    the fail band. Coverage is the mean share of rows, per sensitive feature, in groups that
    were judged.
    """
    ratios: list[float] = []
    for key in ("groups", "intersections"):
        for row in section.tables[key]:
            for m in spec.compared:
                value, verdict = row.get(f"{m}_ratio"), row.get(f"{m}_status")
                judged = verdict in JUDGED if key == "groups" else verdict == "fail"
                if judged and value is not None:
                    ratios.append(float(value))
    shares: dict[str, float] = {}
    for row in section.tables["groups"]:
        if row["status"] in (*JUDGED, "reference") and row["share"] is not None:
            shares[row["feature"]] = shares.get(row["feature"], 0.0) + row["share"]
    features = {row["feature"] for row in section.tables["groups"]}
    red = (cfg.threshold - 0.4) / 0.6  # (threshold - red) / (1 - red) = 0.4
    return Scoring(
        score_input=ScoreInput(min(ratios), 1.0, red) if ratios else None,
        insufficient_evidence=status is Status.WARN and not ratios,
        evidence_coverage=(
            sum(min(v, 1.0) for v in shares.values()) / len(features) if features else 0.0
        ),
    )
