"""Group fairness: ``fairness.selection_rate`` and ``fairness.error_rates``.

Both checks compare every group of every sensitive feature (and of their intersections) with
the most-favoured group, from per-group counts computed once (``trustscan.stats``). A group
*fails* only when all three hold:

1. its rate ratio to the most-favoured group is below the policy threshold (four-fifths rule);
2. the difference is statistically significant (two-proportion z-test, Fisher's exact test
   when an expected cell is below 5; Holm-corrected across the groups compared);
3. the result survives moving one person between selected and not selected.

Below the threshold without (2) or (3) is a *warning*: insufficient evidence, with the n per
group and roughly how many people would be needed to decide. Groups below
``stats.min_group_size`` or ``stats.min_group_share`` of the data, and the ``unknown`` group of
missing values, are reported with their counts but never gate.

Regression tasks compare mean predictions (Welch t-test), absolute errors and score
distributions (Kolmogorov–Smirnov); multiclass tasks compare each class one-vs-rest.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.checks.base import Check, worst_status
from trustscan.checks.fairness import ERROR_RATES, SELECTION_RATE
from trustscan.checks.not_judged import groups_not_judged
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import number as _num
from trustscan.numbers.display import percent as _pct
from trustscan.numbers.json_safe import pair as _pair
from trustscan.numbers.json_safe import scalar as _json
from trustscan.outcomes import is_true_word
from trustscan.policy import Policy
from trustscan.stats import GroupCodes, GroupCounts
from trustscan.types import CheckResult, Evidence, Finding, ScoreInput, Scoring, Severity, Status

# ---------------------------------------------------------------------------------------------
# Groupings and outcomes


@dataclass(frozen=True)
class _Outcome:
    """One yes/no outcome compared across groups: the decisions, or one class one-vs-rest."""

    label: str | None
    """Class label for a multiclass one-vs-rest outcome, else None."""
    selected: np.ndarray
    y_true: np.ndarray | None


def _outcomes(ctx: AuditContext) -> list[_Outcome]:
    if ctx.task == "binary":
        decisions = ctx.decisions
        assert decisions is not None
        # Favourable orientation throughout: "selected" is the decision that benefits the
        # person and the true outcome counts when it is the favourable one, so a higher rate
        # is always better for the group (for high_risk = 1, the low-risk decision).
        return [_Outcome(None, decisions, ctx.y_true_favourable)]
    classes = ctx.classes
    if classes is None:
        values = pd.Series(ctx.predictions)
        if ctx.y_true is not None:
            values = pd.concat([values, pd.Series(ctx.y_true)])
        classes = tuple(sorted(values.dropna().unique().tolist(), key=str))
    pred = pd.Series(ctx.predictions).astype(str).to_numpy()
    truth = None if ctx.y_true is None else pd.Series(ctx.y_true).astype(str).to_numpy()
    return [
        _Outcome(str(c), pred == str(c), None if truth is None else truth == str(c))
        for c in classes
    ]


# ---------------------------------------------------------------------------------------------
# Plain language

_PLURAL = {
    "female": "women",
    "woman": "women",
    "women": "women",
    "male": "men",
    "man": "men",
    "men": "men",
}


def _who(grouping: GroupCodes, index: int) -> str:
    """'women' / 'people with race = black' / 'people with gender = female and race = black'."""
    parts = grouping.parts[index]
    if len(parts) == 1 and parts[0].lower() in _PLURAL and not grouping.unknown[index]:
        return _PLURAL[parts[0].lower()]
    terms = [f"{column} = {value}" for column, value in zip(grouping.columns, parts, strict=True)]
    return "people with " + " and ".join(terms)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ratio_pct(ratio: float) -> str:
    # "0%" would hide a tiny but non-zero ratio.
    return f"{ratio:.1%}" if ratio < 0.095 else f"{ratio:.0%}"


def format_p(p: float) -> str:
    """``p < 0.001`` / ``p = 0.032`` / ``p n/a``."""
    if not math.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


# ---------------------------------------------------------------------------------------------
# Comparing groups with the most-favoured one


_JUDGED = ("pass", "warn", "fail")
"""Per-group statuses of groups that were compared with the reference."""


@dataclass(frozen=True)
class _Settings:
    threshold: float
    alpha: float
    confidence: float
    resamples: int
    min_size: int
    min_share: float


def _settings(policy: Policy, threshold: float) -> _Settings:
    s = policy.stats
    return _Settings(
        threshold, s.alpha, s.confidence, s.bootstrap_resamples, s.min_group_size, s.min_group_share
    )


def _exclusions(
    grouping: GroupCodes, n: np.ndarray, denominator: np.ndarray, total: int, cfg: _Settings
) -> list[str | None]:
    """Why each group is not gated (None when it is): ``stats.Eligibility``."""
    rule = stats.Eligibility(cfg.min_size, cfg.min_share)
    return rule.reasons(n, total, unknown=grouping.unknown, denominator=denominator)


@dataclass(frozen=True)
class Comparison:
    """A rate compared across the groups of one grouping. Arrays have one entry per group."""

    metric: str
    numerator: np.ndarray
    denominator: np.ndarray
    rate: np.ndarray
    rate_low: np.ndarray
    rate_high: np.ndarray
    reference: int | None
    ratio: np.ndarray
    ratio_low: np.ndarray
    ratio_high: np.ndarray
    katz_low: np.ndarray
    katz_high: np.ndarray
    difference: np.ndarray
    difference_low: np.ndarray
    difference_high: np.ndarray
    p_value: np.ndarray
    p_adjusted: np.ndarray
    test: list[str | None]
    one_person_ratio: np.ndarray
    people_needed: np.ndarray
    excluded: list[str | None]
    status: list[str]
    """Per group: pass, warn, fail, reference, excluded or n/a."""
    survives: np.ndarray | None = None
    """Per group: whether a ratio below the threshold survives the one-person check."""


def compare_rates(
    metric: str,
    counts: GroupCounts,
    boot: GroupCounts | None,
    grouping: GroupCodes,
    total: int,
    cfg: _Settings,
) -> Comparison:
    """Compare rate ``metric`` of every group with the most-favoured eligible group."""
    num, den = stats.numerator_denominator(counts, metric)
    value = stats.safe_divide(num, den)
    g = counts.n_groups
    nan = np.full(g, np.nan)
    excluded = _exclusions(grouping, counts.n, den, total, cfg)
    eligible = np.array([r is None for r in excluded]) & np.isfinite(value)
    reference = stats.reference_group(value, den, eligible)

    if boot is not None:
        boot_rate = stats.rate(boot, metric)
        rate_low, rate_high = stats.percentile_interval(boot_rate, confidence=cfg.confidence)
    else:
        boot_rate, rate_low, rate_high = None, nan, nan

    common: dict[str, Any] = {
        "metric": metric,
        "numerator": num,
        "denominator": den,
        "rate": value,
        "rate_low": rate_low,
        "rate_high": rate_high,
        "reference": reference,
        "excluded": excluded,
    }
    if reference is None or value[reference] == 0:
        # No eligible group, or nobody has the outcome. In the second case every eligible
        # group's rate is 0: ratios are undefined but there is no gap, so they pass.
        if reference is None:
            undecided = ["excluded" if r else "n/a" for r in excluded]
        else:
            undecided = [
                "excluded" if r else "reference" if i == reference else "pass"
                for i, r in enumerate(excluded)
            ]
        return Comparison(
            **common,
            ratio=nan,
            ratio_low=nan,
            ratio_high=nan,
            katz_low=nan,
            katz_high=nan,
            difference=nan
            if reference is None
            else stats.difference_to_reference(value, reference),
            difference_low=nan,
            difference_high=nan,
            p_value=nan,
            p_adjusted=nan,
            test=[None] * g,
            one_person_ratio=nan,
            people_needed=nan,
            status=undecided,
        )

    ratio, katz_low, katz_high = stats.katz_ratio_interval(
        num, den, num[reference], den[reference], confidence=cfg.confidence
    )
    if boot_rate is not None:
        ratio_low, ratio_high = stats.percentile_interval(
            stats.ratio_to_reference(boot_rate, reference), confidence=cfg.confidence
        )
        diff_low, diff_high = stats.percentile_interval(
            stats.difference_to_reference(boot_rate, reference), confidence=cfg.confidence
        )
    else:
        ratio_low = ratio_high = diff_low = diff_high = nan

    compared = eligible.copy()
    compared[reference] = False
    p_value = np.full(g, np.nan)
    test: list[str | None] = [None] * g
    idx = np.flatnonzero(compared)
    if idx.size:
        p, methods = stats.compare_proportions(num[idx], den[idx], num[reference], den[reference])
        p_value[idx] = p
        for i, m in zip(idx.tolist(), methods.tolist(), strict=True):
            test[i] = m
    survives, after = stats.one_person_check(
        num, den, num[reference], den[reference], threshold=cfg.threshold
    )
    comparison = Comparison(
        **common,
        ratio=ratio,
        ratio_low=ratio_low,
        ratio_high=ratio_high,
        katz_low=katz_low,
        katz_high=katz_high,
        difference=stats.difference_to_reference(value, reference),
        difference_low=diff_low,
        difference_high=diff_high,
        p_value=p_value,
        p_adjusted=nan,
        test=test,
        one_person_ratio=after,
        people_needed=nan,
        status=[
            "reference" if i == reference else "excluded" if excluded[i] else "n/a"
            for i in range(g)
        ],
        survives=survives,
    )
    return judge(comparison, stats.holm(p_value), cfg)


def judge(c: Comparison, p_adjusted: np.ndarray, cfg: _Settings) -> Comparison:
    """Statuses from the adjusted p-values: fail needs ratio < threshold, significance and
    the one-person check; below the threshold without both is a warning."""
    if c.reference is None or c.survives is None:
        return c
    tests = int(np.isfinite(p_adjusted).sum())
    needed = stats.people_needed(c.rate, c.rate[c.reference], alpha=cfg.alpha / max(tests, 1))
    status: list[str] = []
    for i, previous in enumerate(c.status):
        if previous in ("reference", "excluded") or not math.isfinite(c.p_value[i]):
            status.append(previous)
        elif c.ratio[i] >= cfg.threshold:
            status.append("pass")
        elif p_adjusted[i] < cfg.alpha and c.survives[i]:
            status.append("fail")
        else:
            status.append("warn")
    return dataclasses.replace(c, p_adjusted=p_adjusted, people_needed=needed, status=status)


def judge_family(comparisons: list[Comparison], cfg: _Settings) -> list[Comparison]:
    """Holm-correct every comparison of one grouping together (all metrics and classes a
    check makes for it), so more metrics or classes do not mean more false alarms."""
    if not comparisons:
        return comparisons
    adjusted = stats.holm(np.concatenate([c.p_value for c in comparisons]))
    out, start = [], 0
    for c in comparisons:
        end = start + c.p_value.size
        out.append(judge(c, adjusted[start:end], cfg))
        start = end
    return out


def comparison_columns(c: Comparison, i: int) -> dict[str, Any]:
    """Flat, JSON-safe row keys for group ``i``, all prefixed with the metric name."""
    m = c.metric
    return {
        m: _json(float(c.rate[i])),
        f"{m}_ci": _pair(c.rate_low[i], c.rate_high[i]),
        f"{m}_numerator": int(c.numerator[i]),
        f"{m}_denominator": int(c.denominator[i]),
        f"{m}_ratio": _json(float(c.ratio[i])),
        f"{m}_ratio_ci": _pair(c.ratio_low[i], c.ratio_high[i]),
        f"{m}_ratio_ci_katz": _pair(c.katz_low[i], c.katz_high[i]),
        f"{m}_difference": _json(float(c.difference[i])),
        f"{m}_difference_ci": _pair(c.difference_low[i], c.difference_high[i]),
        f"{m}_p_value": _json(float(c.p_value[i])),
        f"{m}_p_value_adjusted": _json(float(c.p_adjusted[i])),
        f"{m}_test": c.test[i],
        f"{m}_one_person_ratio": _json(float(c.one_person_ratio[i])),
        f"{m}_people_needed": _json(float(c.people_needed[i])),
        f"{m}_status": c.status[i],
        f"{m}_excluded_reason": c.excluded[i],
    }


def _row_base(
    grouping: GroupCodes,
    i: int,
    n: np.ndarray,
    total: int,
    outcome_label: str | None,
    excluded: str | None,
) -> dict[str, Any]:
    return {
        "feature": grouping.name,
        "group": grouping.labels[i],
        "class": outcome_label,
        "n": int(n[i]),
        "share": _json(float(n[i] / total)) if total else None,
        "gated": excluded is None,
        "excluded_reason": excluded,
    }


# ---------------------------------------------------------------------------------------------
# Messages and findings

_RATE_PHRASES: dict[str, tuple[str, str]] = {
    # metric: (prefix describing the population, verb phrase)
    "selection_rate": ("", "are selected"),
    "scoring_rate": ("", "score above the median"),
    "true_positive_rate": ("Among people whose true outcome is positive, ", "are selected"),
    "false_positive_rate": ("Among people whose true outcome is negative, ", "are selected"),
}

_METRIC_TITLES = {
    "selection_rate": "selection rate",
    "scoring_rate": "scoring rate (LL144: share above the median score)",
    "true_positive_rate": "true-positive rate (equal opportunity)",
    "false_positive_rate": "false-positive rate (equalized odds)",
}


def _verb(metric: str, outcome_label: str | None, favourable: str | None = None) -> tuple[str, str]:
    """(population prefix, verb phrase) of a message; multiclass names the class.

    ``favourable`` (``high_risk = 0``) replaces "selected" when the favourable decision is
    not simply the positive label, so the sentence says what the group gets.
    """
    if outcome_label is None:
        prefix, verb = _RATE_PHRASES[metric]
        if favourable is None:
            return prefix, verb
        prefix = prefix.replace("is positive", "is favourable")
        return prefix, verb.replace("are selected", f"get {favourable}")
    verb = f"are predicted {outcome_label!r}"
    if metric == "true_positive_rate":
        return f"Among people whose true class is {outcome_label!r}, ", verb
    if metric == "false_positive_rate":
        return f"Among people whose true class is not {outcome_label!r}, ", verb
    return "", verb


def comparison_findings(
    check: Check,
    c: Comparison,
    grouping: GroupCodes,
    cfg: _Settings,
    outcome_label: str | None,
    method: str,
    favourable: str | None = None,
) -> list[Finding]:
    """A finding for every group that warns or fails."""
    if c.reference is None:
        return []
    ref = c.reference
    prefix, verb = _verb(c.metric, outcome_label, favourable)

    def ev(name: str, k: int, values: tuple[float, float, float], **extra: Any) -> Evidence:
        estimate, lo, hi = (_json(float(v)) for v in values)
        return Evidence(name, estimate, lo, hi, cfg.confidence, n=int(c.denominator[k]), **extra)

    findings = []
    for i, status in enumerate(c.status):
        if status not in ("warn", "fail"):
            continue
        use_katz = math.isfinite(c.katz_low[i])
        low = c.katz_low[i] if use_katz else c.ratio_low[i]
        high = c.katz_high[i] if use_katz else c.ratio_high[i]
        p = float(c.p_adjusted[i])
        sentence = (
            f"{prefix}{_who(grouping, i)} {verb} at {_ratio_pct(float(c.ratio[i]))} of the rate of "
            f"{_who(grouping, ref)} ({_pct(c.rate[i])} vs {_pct(c.rate[ref])}, "
            f"{cfg.confidence:.0%} CI of the ratio {_num(low)}–{_num(high)}, {format_p(p)}, "
            f"n = {int(c.denominator[i]):,} / {int(c.denominator[ref]):,})."
        )
        sentence = _capital(sentence)
        if status == "fail":
            detail = (
                f" That is below the {cfg.threshold:.2f} threshold, statistically significant "
                f"(Holm-corrected, α = {cfg.alpha}) and not reversed by moving one person."
            )
            remediation = (
                "Investigate which features drive the gap (see the explainability checks), "
                "remove or neutralise proxies for the sensitive attribute, re-train, and "
                "re-run the audit; if the gap is justified by a job-related necessity, "
                "record it as a waiver with its evidence."
            )
        elif not (p < cfg.alpha):
            needed = c.people_needed[i]
            more = (
                f" Roughly {int(needed):,} people per group "
                f"(about {max(int(needed) - int(c.denominator[i]), 0):,} more in this group) "
                "would be needed to decide."
                if math.isfinite(needed)
                else ""
            )
            detail = (
                f" Insufficient evidence: below the {cfg.threshold:.2f} threshold but not "
                f"statistically significant at α = {cfg.alpha} (Holm-corrected).{more}"
            )
            remediation = "Collect more outcomes for these groups before relying on the model."
        else:
            detail = (
                f" The gap is significant, but moving one person would lift the ratio to "
                f"{_num(float(c.one_person_ratio[i]))}, so the finding is not robust."
            )
            remediation = "Collect more outcomes for these groups before relying on the model."

        interval = "Katz log-ratio interval" if use_katz else "bootstrap interval"
        evidence = (
            ev(
                f"{c.metric}_ratio",
                i,
                (c.ratio[i], low, high),
                p_value=_json(p),
                threshold=cfg.threshold,
                method=f"ratio to the most-favoured group ({grouping.labels[ref]}); {interval}; "
                f"{c.test[i]}, Holm-adjusted",
            ),
            ev(
                f"{c.metric}_ratio_bootstrap",
                i,
                (c.ratio[i], c.ratio_low[i], c.ratio_high[i]),
                p_value=_json(p),
                threshold=cfg.threshold,
                method=method,
            ),
            ev(
                f"{c.metric}[{grouping.labels[i]}]",
                i,
                (c.rate[i], c.rate_low[i], c.rate_high[i]),
                method=method,
            ),
            ev(
                f"{c.metric}[{grouping.labels[ref]}]",
                ref,
                (c.rate[ref], c.rate_low[ref], c.rate_high[ref]),
                method=method,
            ),
            ev(
                f"{c.metric}_difference",
                i,
                (c.difference[i], c.difference_low[i], c.difference_high[i]),
                p_value=_json(float(c.p_value[i])),
                method=f"{method}; unadjusted {c.test[i]}",
            ),
        )
        subject = f"{grouping.name} = {grouping.labels[i]}"
        if outcome_label is not None:
            subject += f" (class {outcome_label})"
        findings.append(
            check.finding(
                Status.FAIL if status == "fail" else Status.WARN,
                sentence + detail,
                subject=subject,
                evidence=evidence,
                remediation=remediation,
                severity=check.default_severity if status == "fail" else Severity.MEDIUM,
                title=f"{_METRIC_TITLES[c.metric].capitalize()} gap: {subject}",
            )
        )
    return findings


def _reported_finding(
    check: Check, reported: list[tuple[Comparison, GroupCodes, int]], cfg: _Settings
) -> Finding:
    """One informational finding for the groups below the threshold on a reported-only rate,
    single attributes first, lowest ratio first."""
    ordered = sorted(reported, key=lambda r: (r[1].is_intersection, float(r[0].ratio[r[2]])))
    parts = []
    for c, grouping, i in ordered[:6]:
        ref = c.reference
        assert ref is not None
        parts.append(
            f"{_who(grouping, i)} at {_ratio_pct(float(c.ratio[i]))} of the rate of "
            f"{_who(grouping, ref)} ({cfg.confidence:.0%} CI {_num(c.katz_low[i])}–"
            f"{_num(c.katz_high[i])})"
        )
    more = f" and {len(ordered) - 6} more" if len(ordered) > 6 else ""
    metric = ordered[0][0].metric
    return check.finding(
        Status.SKIP,
        f"{_capital(_METRIC_TITLES[metric])}, reported but not gated because the model's "
        f"decisions are judged above (set fairness.gate_scoring_rate to gate it): "
        f"{len(ordered)} group(s) below the {cfg.threshold:.2f} ratio: "
        + "; ".join(parts)
        + f"{more}.",
        subject=metric,
        severity=Severity.INFO,
        title=f"{_capital(_METRIC_TITLES[metric])} (reported, not gated)",
    )


def _small_group_finding(check: Check, rows: Sequence[dict[str, Any]]) -> Finding | None:
    return groups_not_judged(
        check,
        ((r["feature"], r["group"], r["n"], r["excluded_reason"]) for r in rows if not r["gated"]),
    )


# ---------------------------------------------------------------------------------------------
# The shared run loop


@dataclass
class _Section:
    """What the comparisons of one check produced."""

    findings: list[Finding] = field(default_factory=list)
    quiet: list[Finding] = field(default_factory=list)
    """Intersectional gaps without enough evidence: summarised in one finding, not one each,
    so dozens of small crossed groups do not bury the reader in warnings."""
    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"groups": [], "intersections": []}
    )
    lowest: list[tuple[bool, float, str]] = field(default_factory=list)
    """(is an intersection, ratio, who): the summary names a single attribute's lowest ratio
    before any intersection's, as the report headline does."""
    not_judged: str | None = None
    """Why nothing could be judged at all (e.g. ratios of means with negative predictions)."""
    reported: list[tuple[Comparison, GroupCodes, int]] = field(default_factory=list)
    """Groups below the threshold on a reported-only comparison (metric, grouping, group)."""

    def add(self, grouping: GroupCodes, findings: list[Finding]) -> None:
        for finding in findings:
            if grouping.is_intersection and finding.status is Status.WARN:
                self.quiet.append(finding)
            else:
                self.findings.append(finding)


@dataclass(frozen=True)
class _Spec:
    """What one check compares."""

    compared: tuple[str, ...]
    described: tuple[str, ...]
    needs_target: bool


def _run_rates(
    check: Check,
    ctx: AuditContext,
    spec: _Spec,
    cfg: _Settings,
    indicators: dict[str, np.ndarray] | None = None,
    *,
    gated: bool = True,
) -> _Section:
    """Compare ``spec.compared`` rates for every grouping and outcome.

    ``indicators`` adds further yes/no outcomes compared like a selection rate under their
    own metric name (the LL144 scoring rate). With ``gated=False`` they are compared in a
    Holm family of their own and reported in one informational finding, never warned or
    failed, so a pair already judged on its decisions is not counted twice.
    """
    singles, crosses = ctx.groupings.singles, ctx.groupings.intersections
    total = ctx.n_rows
    method = f"percentile bootstrap, {cfg.resamples} resamples of the group counts"
    out = _Section()
    outcomes = _outcomes(ctx)
    for grouping in singles + crosses:
        family: list[tuple[_Outcome, GroupCounts, GroupCounts | None, list[Comparison]]] = []
        for outcome in outcomes:
            y_true = outcome.y_true if spec.needs_target else None
            counts = ctx.group_counts(grouping, outcome.selected, y_true)
            boot = _bootstrap(ctx, check, grouping, outcome, counts, cfg)
            comparisons = [
                compare_rates(m, counts, boot, grouping, total, cfg) for m in spec.compared
            ]
            for name, indicator in (indicators or {}).items():
                extra = ctx.group_counts(grouping, indicator)
                extra_boot = _bootstrap(ctx, check, grouping, outcome, extra, cfg, name)
                comp = compare_rates("selection_rate", extra, extra_boot, grouping, total, cfg)
                comparisons.append(dataclasses.replace(comp, metric=name))
            family.append((outcome, counts, boot, comparisons))
        n_main = len(spec.compared)
        main = [c for *_, comps in family for c in (comps if gated else comps[:n_main])]
        judged = iter(judge_family(main, cfg))
        side = iter(
            [] if gated else judge_family([c for *_, cs in family for c in cs[n_main:]], cfg)
        )
        for outcome, counts, boot, comps in family:
            comparisons = [next(judged) for _ in (comps if gated else comps[:n_main])]
            reported = [] if gated else [_reported_only(next(side)) for _ in comps[n_main:]]
            for comp in comparisons:
                out.add(
                    grouping,
                    comparison_findings(
                        check, comp, grouping, cfg, outcome.label, method, _favourable_text(ctx)
                    ),
                )
                out.lowest.extend(_lowest(comp, grouping, outcome.label))
            for comp in reported:
                out.reported.extend(
                    (comp, grouping, i) for i, s in enumerate(comp.status) if s == _BELOW
                )
            table = out.tables["intersections" if grouping.is_intersection else "groups"]
            described = _described(counts, boot, spec, cfg)
            group_excluded = _exclusions(grouping, counts.n, counts.n, total, cfg)
            for i in range(grouping.n_groups):
                row = _row_base(grouping, i, counts.n, total, outcome.label, group_excluded[i])
                row.update({k: v[i] for k, v in described.items()})
                statuses = []
                for comp in comparisons + reported:
                    row.update(comparison_columns(comp, i))
                    row[f"{comp.metric}_reference"] = (
                        grouping.labels[comp.reference] if comp.reference is not None else None
                    )
                    if comp in comparisons:
                        statuses.append(comp.status[i])
                row["status"] = _row_status(statuses)
                table.append(row)
    return out


_BELOW = "below threshold (reported, not gated)"
"""Per-group status of a reported-only comparison (the LL144 scoring rate beside decisions)."""


def _reported_only(c: Comparison) -> Comparison:
    """``c`` with its warn/fail statuses replaced by :data:`_BELOW`: measured, not judged."""
    status = [_BELOW if s in ("warn", "fail") else s for s in c.status]
    return dataclasses.replace(c, status=status)


def _favourable_text(ctx: AuditContext) -> str | None:
    """``high_risk = 0`` when the favourable decision needs naming, else None ("selected")."""
    outcome = ctx.outcome
    if outcome is None or (
        outcome.favourable_is_positive and is_true_word(outcome.favourable_label)
    ):
        return None
    return outcome.decision_text


def _lowest(
    c: Comparison, grouping: GroupCodes, outcome_label: str | None
) -> list[tuple[bool, float, str]]:
    """The lowest judged ratio of a comparison, with who it is about."""
    judged = np.array([s in _JUDGED for s in c.status]) & np.isfinite(c.ratio)
    if c.reference is None or not judged.any():
        return []
    worst = int(np.argmin(np.where(judged, c.ratio, np.inf)))
    where = f" (class {outcome_label!r})" if outcome_label is not None else ""
    return [
        (
            grouping.is_intersection,
            float(c.ratio[worst]),
            f"{_who(grouping, worst)} vs {_who(grouping, c.reference)}, "
            f"{_METRIC_TITLES[c.metric]}{where}",
        )
    ]


def _row_status(statuses: list[str]) -> str:
    for s in ("fail", "warn", "pass", "reference", "excluded"):
        if s in statuses:
            return s
    return "n/a"


def _bootstrap(
    ctx: AuditContext,
    check: Check,
    grouping: GroupCodes,
    outcome: _Outcome,
    counts: GroupCounts,
    cfg: _Settings,
    tag: str = "",
) -> GroupCounts | None:
    if cfg.resamples < 1:
        return None
    rng = ctx.rng(f"{check.id}:{grouping.name}:{outcome.label}:{tag}")
    return stats.bootstrap_counts(counts, resamples=cfg.resamples, rng=rng)


def _described(
    counts: GroupCounts, boot: GroupCounts | None, spec: _Spec, cfg: _Settings
) -> dict[str, list[Any]]:
    """Descriptive rates (not compared) with bootstrap intervals, per group."""
    out: dict[str, list[Any]] = {}
    for name in spec.described:
        if name in spec.compared or (stats.RATES[name].needs_target and not counts.has_target):
            continue
        value = stats.rate(counts, name)
        out[name] = [_json(float(v)) for v in value]
        if boot is not None:
            low, high = stats.percentile_interval(stats.rate(boot, name), confidence=cfg.confidence)
            out[f"{name}_ci"] = [_pair(lo, hi) for lo, hi in zip(low, high, strict=True)]
    return out


def _summary_metrics(
    ctx: AuditContext, cfg: _Settings, spec: _Spec, tables: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    return {
        "task": ctx.task,
        "positive_label": None if ctx.positive_label is None else str(ctx.positive_label),
        "favourable_label": None if ctx.favourable_label is None else str(ctx.favourable_label),
        "sensitive": list(ctx.sensitive_names),
        "compared": list(spec.compared),
        "described": [m for m in spec.described if m not in spec.compared],
        "threshold": cfg.threshold,
        "alpha": cfg.alpha,
        "confidence": cfg.confidence,
        "bootstrap_resamples": cfg.resamples,
        "min_group_size": cfg.min_size,
        "min_group_share": cfg.min_share,
        "reference_rule": "most-favoured eligible group (highest rate; ties: larger group)",
        "methods": {
            "rate_ci": "percentile bootstrap from the group counts (multinomial per group)",
            "ratio_ci": "percentile bootstrap; ratio_ci_katz: Katz log-ratio interval",
            "test": "two-proportion z-test; Fisher's exact test when an expected cell < 5; "
            "Holm correction across the groups compared in each grouping",
            "one_person": "ratio after the single move that most helps the group",
            "people_needed": "people per group for 80% power at the Holm-adjusted level",
        },
        "classes": (
            [str(c) for c in ctx.classes] if ctx.task == "multiclass" and ctx.classes else None
        ),
        "groups": tables["groups"],
        "intersections": tables["intersections"],
    }


def _status_and_summary(section: _Section, cfg: _Settings, what: str) -> tuple[Status, str]:
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
    if not any(r["status"] in _JUDGED for r in section.tables["groups"]):
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


# ---------------------------------------------------------------------------------------------
# Regression


def _regression(
    check: Check,
    ctx: AuditContext,
    cfg: _Settings,
    values: np.ndarray,
    metric: str,
    *,
    higher_is_favoured: bool,
    with_ks: bool,
) -> _Section:
    """Compare a per-row numeric value (prediction, absolute error) across groups by its mean.

    Predictions: the highest mean is the reference and the ratio is mean / highest. Errors:
    the lowest mean error is the reference and the ratio is lowest / mean, so below the
    threshold always means "worse off". Absolute errors also get the RMSE per group.
    """
    singles, crosses = ctx.groupings.singles, ctx.groupings.intersections
    total = ctx.n_rows
    out = _Section()
    positive = bool(np.nanmin(values) >= 0) if values.size else False
    if not positive:
        out.not_judged = (
            f"Ratios of group means need non-negative values ({metric.replace('_', ' ')} "
            "goes below 0); the group means, differences and distribution distances are "
            "reported, not judged."
        )
    for grouping in singles + crosses:
        mom = stats.group_moments(grouping, values)
        mean = mom.mean
        excluded = _exclusions(grouping, mom.n, mom.n, total, cfg)
        eligible = np.array([r is None for r in excluded]) & np.isfinite(mean)
        mean_low, mean_high = stats.mean_interval(mom, confidence=cfg.confidence)
        # For absolute errors, the mean of their squares gives the RMSE.
        squares = None if higher_is_favoured else stats.group_moments(grouping, values**2)
        ks, ks_p = (
            stats.ks_against_rest(grouping.codes, values, grouping.n_groups)
            if with_ks
            else (None, None)
        )
        reference = stats.reference_group(mean if higher_is_favoured else -mean, mom.n, eligible)
        g = grouping.n_groups
        nan = np.full(g, np.nan)
        ratio = low = high = p = p_adj = nan
        status = ["excluded" if r else "n/a" for r in excluded]
        if reference is not None and positive and mean[reference] > 0:
            ratio, low, high = stats.ratio_of_means_interval(
                mom, reference, confidence=cfg.confidence
            )
            if not higher_is_favoured:  # errors: best (lowest) error over the group's
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio, low, high = 1.0 / ratio, 1.0 / high, 1.0 / low
            compared = eligible.copy()
            compared[reference] = False
            p = np.where(compared, stats.welch_ttest(mom, reference), np.nan)
            p_adj = stats.holm(p)
            for i in range(g):
                if i == reference:
                    status[i] = "reference"
                elif compared[i]:
                    below = ratio[i] < cfg.threshold
                    status[i] = (
                        "fail" if below and p_adj[i] < cfg.alpha else "warn" if below else "pass"
                    )
            judged = [ratio[i] for i in range(g) if compared[i]]
            if judged:
                worst = int(np.argmin(np.where(compared, ratio, np.inf)))
                out.lowest.append(
                    (
                        grouping.is_intersection,
                        float(min(judged)),
                        f"{_who(grouping, worst)} vs {_who(grouping, reference)}",
                    )
                )
        diff = mean - mean[reference] if reference is not None else nan
        for i in range(g):
            row = _row_base(grouping, i, mom.n, total, None, excluded[i])
            row.update(
                {
                    metric: _json(float(mean[i])),
                    f"{metric}_ci": _pair(mean_low[i], mean_high[i]),
                    f"{metric}_reference": grouping.labels[reference]
                    if reference is not None
                    else None,
                    f"{metric}_ratio": _json(float(ratio[i])),
                    f"{metric}_ratio_ci": _pair(low[i], high[i]),
                    f"{metric}_difference": _json(float(diff[i])),
                    f"{metric}_p_value": _json(float(p[i])),
                    f"{metric}_p_value_adjusted": _json(float(p_adj[i])),
                    f"{metric}_test": "Welch t-test" if math.isfinite(p[i]) else None,
                    f"{metric}_status": status[i],
                    "status": status[i],
                }
            )
            if ks is not None and ks_p is not None:
                row["ks_distance"] = _json(float(ks[i]))
                row["ks_p_value"] = _json(float(ks_p[i]))
            if squares is not None:
                # The mean of squares comes from centred sums: a group with no error can land a
                # hair below 0, whose root would be NaN (reported as missing).
                row["root_mean_squared_error"] = _json(
                    float(np.sqrt(np.maximum(squares.mean[i], 0.0)))
                )
            out.tables["intersections" if grouping.is_intersection else "groups"].append(row)
            if status[i] in ("warn", "fail") and reference is not None:
                word = "mean prediction" if higher_is_favoured else "mean absolute error"
                message = _capital(
                    f"{_who(grouping, i)} have a {word} of {mean[i]:.4g} against "
                    f"{mean[reference]:.4g} for {_who(grouping, reference)} (ratio {ratio[i]:.2f}, "
                    f"{cfg.confidence:.0%} CI {_num(low[i])}–{_num(high[i])}, "
                    f"{format_p(float(p_adj[i]))}, n = {int(mom.n[i]):,} / "
                    f"{int(mom.n[reference]):,})."
                )
                if status[i] == "warn":
                    message += " Not statistically significant: insufficient evidence."
                evidence = Evidence(
                    f"{metric}_ratio", _json(float(ratio[i])), _json(float(low[i])),
                    _json(float(high[i])), cfg.confidence, _json(float(p_adj[i])),
                    int(mom.n[i]), cfg.threshold,
                    "delta-method log-ratio interval; Welch t-test, Holm-adjusted",
                )  # fmt: skip
                failed = status[i] == "fail"
                out.add(grouping, [check.finding(
                    Status.FAIL if failed else Status.WARN,
                    message,
                    subject=f"{grouping.name} = {grouping.labels[i]}",
                    evidence=(evidence,),
                    severity=check.default_severity if failed else Severity.MEDIUM,
                )])  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------
# The checks


class FairnessSelectionRateCheck(Check):
    spec: ClassVar[CheckSpec] = SELECTION_RATE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.sensitive.shape[1] == 0:
            return self.skip("No sensitive column declared; pass --sensitive to audit fairness.")
        cfg = _settings(policy, policy.fairness.impact_ratio_min)
        if ctx.task == "regression" and policy.fairness.regression_compare == "difference":
            return _prediction_differences(self, ctx, cfg, policy)
        if ctx.task == "regression":
            values = np.asarray(ctx.predictions, dtype=float)
            section = _regression(
                self, ctx, cfg, values, "mean_prediction", higher_is_favoured=True, with_ks=True
            )
            return _finish(
                self, ctx, cfg, _Spec(("mean_prediction",), (), False), section, "mean prediction"
            )
        indicators = {}
        if ctx.task == "binary" and ctx.scores is not None:
            # NYC LL144 scoring rate: share of each group above the whole sample's median.
            # Oriented with the favourable decision: above the median = favoured.
            scores = np.asarray(ctx.favourable_scores, dtype=float)
            median = (
                float(np.median(scores))
                if ctx.weights is None
                else stats.weighted_median(scores, ctx.weights)
            )
            indicators["scoring_rate"] = scores > median
        # Where the model makes decisions they are what people receive, so they gate; the
        # scoring rate then repeats the same group pairs on a cruder outcome and is reported.
        gated = bool(indicators) and (policy.fairness.gate_scoring_rate or not _has_decisions(ctx))
        section = _run_rates(
            self, ctx, _Spec(("selection_rate",), (), False), cfg, indicators, gated=gated
        )
        spec = _Spec(("selection_rate", *(indicators if gated else ())), (), False)
        result = _finish(self, ctx, cfg, spec, section, "selection rate")
        if indicators and not gated:
            metrics = {**result.metrics, "reported": list(indicators)}
            result = dataclasses.replace(result, metrics=metrics)
        return result


def _prediction_differences(
    check: Check, ctx: AuditContext, cfg: _Settings, policy: Policy
) -> CheckResult:
    """Regression: group mean predictions compared by difference, in SDs of the predictions
    (ratios of means mean nothing on a log scale or for values that can be negative)."""
    from trustscan.checks.fairness import regression_gaps as gaps

    values = np.asarray(ctx.predictions, dtype=float)
    rule = gaps.GapRule(
        metric="mean_prediction",
        reference="highest",
        scale=float(np.nanstd(values, ddof=1)) if values.size > 1 else float("nan"),
        scale_name="the predictions",
        gap_max=policy.fairness.prediction_gap_max,
        policy_key="fairness.prediction_gap_max",
    )
    section = gaps.mean_gaps(check, ctx, cfg, values, rule)
    # Rows were appended single attributes first, then intersections: the groupings' order.
    rows = iter(section.tables["groups"] + section.tables["intersections"])
    for grouping in ctx.groupings.singles + ctx.groupings.intersections:
        ks, ks_p = stats.ks_against_rest(grouping.codes, values, grouping.n_groups)
        for i in range(grouping.n_groups):
            row = next(rows)
            row["ks_distance"], row["ks_p_value"] = _json(float(ks[i])), _json(float(ks_p[i]))
    status, summary = gaps.gap_summary(section, rule)
    findings = list(section.findings)
    small = _small_group_finding(check, section.tables["groups"] + section.tables["intersections"])
    if small is not None:
        findings.append(small)
    metrics = _summary_metrics(ctx, cfg, _Spec((rule.metric,), (), False), section.tables)
    metrics["threshold"] = rule.gap_max
    metrics["prediction_sd"] = _json(rule.scale)
    metrics["methods"] = {
        "difference": "difference of group means to the highest; normal interval with the "
        "Welch standard error; Welch t-test, Holm-corrected; judged in SDs of the predictions",
        "ks": "two-sample Kolmogorov-Smirnov distance of each group against the rest",
    }
    return check.result(
        status, summary, tuple(findings), metrics, scoring=gaps.gap_scoring(section, rule, status)
    )


def _has_decisions(ctx: AuditContext) -> bool:
    """Whether the audited decisions were made by the model or logged, rather than derived
    from scores at ``decision_threshold`` (scores-only input)."""
    return ctx.model is not None or ctx.predictions_column is not None


class FairnessErrorRatesCheck(Check):
    spec: ClassVar[CheckSpec] = ERROR_RATES

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.sensitive.shape[1] == 0:
            return self.skip("No sensitive column declared; pass --sensitive to audit fairness.")
        if ctx.y_true is None:
            return self.skip(
                "No target column; error-rate parity needs true outcomes (pass --target)."
            )
        cfg = _settings(policy, policy.fairness.error_rate_ratio_min)
        if ctx.task == "regression":
            y = pd.to_numeric(pd.Series(ctx.y_true), errors="coerce").to_numpy(dtype=float)
            error = np.abs(np.asarray(ctx.predictions, dtype=float) - y)
            section = _regression(
                self,
                ctx,
                cfg,
                error,
                "mean_absolute_error",
                higher_is_favoured=False,
                with_ks=False,
            )
            spec = _Spec(("mean_absolute_error",), ("root_mean_squared_error",), True)
            mae = _finish(self, ctx, cfg, spec, section, "mean absolute error")
            return _with_signed_errors(self, ctx, cfg, policy, y, mae)
        spec = _Spec(
            ("true_positive_rate", "false_positive_rate"),
            ("selection_rate", "false_negative_rate", "precision", "accuracy", "base_rate"),
            True,
        )
        return _finish(self, ctx, cfg, spec, _run_rates(self, ctx, spec, cfg), "error rate")


def _with_signed_errors(
    check: Check, ctx: AuditContext, cfg: _Settings, policy: Policy, y: np.ndarray,
    mae: CheckResult,
) -> CheckResult:  # fmt: skip
    """Add the per-group signed error (over/under-prediction) to the regression error check:
    its findings lead, its columns join the group rows, the worse status and score win."""
    from trustscan.checks.fairness import regression_gaps as gaps

    residual = np.asarray(ctx.predictions, dtype=float) - y
    rule = gaps.GapRule(
        metric="mean_signed_error",
        reference="closest_to_zero",
        scale=float(np.nanstd(y, ddof=1)) if np.isfinite(y).sum() > 1 else float("nan"),
        scale_name="the target",
        gap_max=policy.fairness.signed_error_gap_max,
        policy_key="fairness.signed_error_gap_max",
    )
    signed = gaps.mean_gaps(check, ctx, cfg, residual, rule)
    status, summary = gaps.gap_summary(signed, rule)
    metrics = dict(mae.metrics)
    for key in ("groups", "intersections"):
        rows = [dict(r) for r in metrics[key]]
        for row, extra in zip(rows, signed.tables[key], strict=True):
            row.update({k: v for k, v in extra.items() if k.startswith(rule.metric)})
            row["status"] = _row_status([row["status"], extra["status"]])
        metrics[key] = rows
    metrics["compared"] = [rule.metric, *metrics["compared"]]
    metrics["signed_error_gap_max_sd"] = rule.gap_max
    metrics["target_sd"] = _json(rule.scale)
    signed_scoring = gaps.gap_scoring(signed, rule, status)

    def score(inputs: ScoreInput | None) -> float:
        return 101.0 if inputs is None else inputs.points()

    # The worse of the two measured values scores the check; it judged if either part did.
    scoring = mae.scoring
    if score(signed_scoring.score_input) < score(scoring.score_input):
        scoring = dataclasses.replace(scoring, score_input=signed_scoring.score_input)
    if not signed_scoring.insufficient_evidence:
        scoring = dataclasses.replace(scoring, insufficient_evidence=False)
    findings = [*signed.findings, *mae.findings]
    if signed.quiet:
        listed = "; ".join(f.subject or "" for f in signed.quiet[:10])
        findings.append(
            check.finding(
                Status.SKIP,
                f"{len(signed.quiet)} intersectional signed-error gap(s) beyond "
                f"{rule.gap_max:g} SD are not statistically significant, so they are reported "
                f"in the intersections table rather than judged: {listed}.",
                subject="intersections",
                severity=Severity.INFO,
                title="Intersectional signed-error gaps without enough evidence",
            )
        )
    worst = worst_status([status, mae.status])
    return dataclasses.replace(
        mae,
        status=worst,
        summary=f"Signed error: {summary} Absolute error: {mae.summary}",
        findings=tuple(findings),
        metrics=metrics,
        scoring=scoring,
    )


def _finish(
    check: Check, ctx: AuditContext, cfg: _Settings, spec: _Spec, section: _Section, what: str
) -> CheckResult:
    """Status, summary, the two summary findings and the metrics tables."""
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
        findings.append(_reported_finding(check, section.reported, cfg))
    small = _small_group_finding(check, section.tables["groups"] + section.tables["intersections"])
    if small is not None:
        findings.append(small)
    metrics = _summary_metrics(ctx, cfg, spec, section.tables)
    scoring = _scoring_inputs(section, spec, cfg, status)
    return check.result(status, summary, tuple(findings), metrics, scoring=scoring)


def _scoring_inputs(section: _Section, spec: _Spec, cfg: _Settings, status: Status) -> Scoring:
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
                judged = verdict in _JUDGED if key == "groups" else verdict == "fail"
                if judged and value is not None:
                    ratios.append(float(value))
    shares: dict[str, float] = {}
    for row in section.tables["groups"]:
        if row["status"] in (*_JUDGED, "reference") and row["share"] is not None:
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
