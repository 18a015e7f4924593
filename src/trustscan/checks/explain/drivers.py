"""``explain.disparity_drivers``: which inputs make the selection rates of groups differ?

Each input is neutralised in turn — resampled from the pooled distribution of the sample, so
it keeps its spread but loses its link to the sensitive attribute — and the impact ratio is
recomputed. A feature whose neutralisation closes the gap is a driver of it.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check
from trustscan.checks.explain import DISPARITY_DRIVERS
from trustscan.checks.explain._common import (
    replaced,
    sample_rows,
    selection_counts,
    stacked_outputs,
    tiled,
)
from trustscan.checks.explain.measured import AttributeDrivers, DisparityDrivers, Driver
from trustscan.checks.explain.measured import ImpactRatio as StoredRatio
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import number as fmt
from trustscan.numbers.json_safe import rounded as clean
from trustscan.outcomes import equals_label
from trustscan.policy import Policy
from trustscan.stats import Eligibility, ImpactRatio, group_counts, impact_ratio
from trustscan.stats.association import crosstab, normalized_mutual_info, quantile_codes
from trustscan.stats.groups import GroupCodes
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

_TOP = 5
_REPORTED = 3
_EXPLAINS_MOST = 0.5
"""A driver "drives much of the gap" (in the wording) when neutralising it closes this share."""


def _stored_ratio(ratio: ImpactRatio) -> StoredRatio:
    return StoredRatio(
        ratio=clean(ratio.ratio),
        ci_low=clean(ratio.ci_low),
        ci_high=clean(ratio.ci_high),
        lowest_group=ratio.lowest,
        highest_group=ratio.highest,
        selection_rates={k: clean(v) for k, v in ratio.rates.items()},
    )


def _candidates(
    frame: pd.DataFrame, codes: np.ndarray, n_groups: int, limit: int
) -> tuple[list[str], list[str]]:
    """The ``limit`` inputs most associated with the attribute, and the rest.

    Neutralising an input that is independent of the attribute cannot close a gap, so wide
    models only neutralise the candidates most associated with it (a cheap bincount each).
    """
    names = [str(c) for c in frame.columns]
    if len(names) <= limit:
        return names, []
    strength: dict[str, float] = {}
    for name in names:
        series = frame[name]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values, n_values = quantile_codes(series.to_numpy(dtype=float), 10)
        else:
            factorised, uniques = pd.factorize(series)
            values, n_values = factorised + 1, len(uniques) + 1  # missing -> 0
        table = crosstab(codes, n_groups, values, n_values)
        strength[name] = normalized_mutual_info(table)
    ranked = sorted(names, key=lambda f: -strength[f])
    return ranked[:limit], ranked[limit:]


class DisparityDriversCheck(Check):
    spec: ClassVar[CheckSpec] = DISPARITY_DRIVERS

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip(
                "predictions-only mode: neutralising features re-predicts on changed inputs and "
                "needs the model; pass --model to run it"
            )
        if ctx.task != "binary" or ctx.decisions is None:
            return self.skip(
                f"selection-rate gaps need a binary decision; this is a {ctx.task} model"
            )
        attributes, skipped = ctx.groupings.row_comparable()
        if not attributes:
            return self.skip(
                "; ".join(skipped)
                if skipped
                else "no sensitive attribute given; pass --sensitive COL (e.g. --sensitive gender)"
            )
        findings: list[Finding] = []
        details: dict[str, AttributeDrivers] = {}
        notes: list[str] = []
        for attribute in attributes:
            outcome = self._attribute(ctx, policy, attribute)
            if isinstance(outcome, str):
                notes.append(outcome)
                details[attribute.name] = AttributeDrivers(analysed=False, reason=outcome)
                continue
            findings.extend(outcome[0])
            details[attribute.name] = outcome[1]
        status = Status.WARN if any(f.status is Status.WARN for f in findings) else Status.PASS
        if findings:
            lead = next((f for f in findings if f.status is Status.WARN), findings[0])
            summary = lead.message.split(": it drives")[0].rstrip(".") + "."
        else:
            summary = " ".join(notes) or "No selection-rate gap to explain."
        measured = DisparityDrivers(attributes=details, skipped_attributes=tuple(skipped))
        return self.result(status, summary, tuple(findings), measured=measured)

    def _attribute(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes
    ) -> tuple[list[Finding], AttributeDrivers] | str:
        column = attribute.name
        confidence = policy.stats.confidence
        decisions = ctx.decisions
        assert decisions is not None and ctx.model is not None
        # The same groups, eligibility and reference as fairness.selection_rate, so both
        # sections quote the same impact ratio.
        counts = group_counts(attribute, decisions)
        eligible = Eligibility.from_policy(policy.stats).mask(
            counts.n, ctx.n_rows, unknown=attribute.unknown
        )
        full = impact_ratio(counts.selected, counts.n, attribute.labels, eligible, confidence)
        if full is None:
            return f"{column}: fewer than two groups big enough to compare."
        threshold = policy.fairness.impact_ratio_min
        if not (full.ratio < threshold or full.ci_high < 1):
            return (
                f"No selection-rate gap to explain for {column} (impact ratio "
                f"{fmt(full.ratio)}, CI {fmt(full.ci_low)}–{fmt(full.ci_high)})."
            )

        known = attribute.known_codes()
        rows = sample_rows(ctx, f"drivers:{column}", policy.explain.sample_size, known)
        codes = known[rows]
        n_sample, sel_sample = selection_counts(codes, decisions[rows], attribute.n_groups)
        judged = eligible & (n_sample > 0)
        before = impact_ratio(sel_sample, n_sample, attribute.labels, judged, confidence)
        if before is None:
            return f"{column}: the sample has fewer than two comparable groups."
        frame = ctx.features.iloc[rows].reset_index(drop=True)
        n = len(frame)
        repeats = policy.explain.repeats
        # The same resampled rows for every feature: differences between features are not noise.
        draws = ctx.rng(f"explain:drivers:{column}:resample").integers(0, n, size=repeats * n)
        stacked = tiled(frame, repeats)
        candidates, screened_out = _candidates(
            frame, codes, attribute.schema.n_known, policy.explain.driver_candidates
        )
        variants = [replaced(stacked, f, frame[f], draws) for f in candidates]
        model = ctx.model
        positive = ctx.favourable_label  # drivers of the favourable decision's gap
        outputs = stacked_outputs(lambda f: equals_label(model.predict(f), positive), variants)
        tiled_codes = np.tile(codes, repeats)
        ranking: list[Driver] = []
        for feature, selected in zip(candidates, outputs, strict=True):
            _, sel = selection_counts(tiled_codes, selected, attribute.n_groups)
            after = impact_ratio(sel / repeats, n_sample, attribute.labels, judged, confidence)
            if after is None:
                continue
            gap = 1.0 - before.ratio
            change = after.ratio - before.ratio
            ranking.append(
                Driver(
                    feature=str(feature),
                    sensitive_input=str(feature) in ctx.sensitive_columns,
                    change=clean(change),
                    gap_closed=clean(change / gap) if gap > 1e-9 else None,
                    after_ratio=clean(after.ratio),
                    after_ci_low=clean(after.ci_low),
                    after_ci_high=clean(after.ci_high),
                    after_lowest_group=after.lowest,
                    after_highest_group=after.highest,
                    after_selection_rates={k: clean(v) for k, v in after.rates.items()},
                )
            )
        ranking.sort(key=lambda r: -(r.change if r.change is not None else -np.inf))
        screened = (
            f"the {len(candidates)} inputs most associated with {column} (normalised mutual "
            "information), each"
            if screened_out
            else "each input"
        )
        method = (
            f"{screened} resampled from the pooled distribution of {n:,} sampled rows "
            f"(stratified on {column}), {repeats} resamples averaged; Katz {confidence:.0%} "
            "interval of the impact ratio"
        )
        findings = self._findings(
            column, before, ranking, threshold, confidence, n, method,
            policy.explain.driver_share_warn,
        )  # fmt: skip
        detail = AttributeDrivers(
            analysed=True,
            sample_size=n,
            repeats=repeats,
            full_data=_stored_ratio(full),
            before=_stored_ratio(before),
            ranking=tuple(ranking[:_TOP]),
            all_features=tuple(ranking),
            not_neutralised=tuple(screened_out),
        )
        return findings, detail

    def _findings(
        self,
        column: str,
        before: ImpactRatio,
        ranking: list[Driver],
        threshold: float,
        confidence: float,
        n: int,
        method: str,
        share_warn: float = 0.25,
    ) -> list[Finding]:
        findings: list[Finding] = []
        before_evidence = Evidence(
            f"impact_ratio[{column}]",
            clean(before.ratio),
            clean(before.ci_low),
            clean(before.ci_high),
            confidence=confidence,
            n=n,
            threshold=threshold,
            method=f"decisions on the sample; Katz {confidence:.0%} interval",
        )
        for row in ranking[:_REPORTED]:
            if row.change is None or row.change <= 0.005:
                break
            closed = row.gap_closed
            explains_most = closed is not None and closed >= _EXPLAINS_MOST
            # Any one input explaining a set share of a gap below the policy ratio warns.
            warn = before.ratio < threshold and closed is not None and closed >= share_warn
            share = f", {closed:.0%} of the gap to parity" if closed is not None else ""
            findings.append(
                self.finding(
                    Status.WARN if warn else Status.PASS,
                    f"Neutralising `{row.feature}` moves the {column} impact ratio from "
                    f"{fmt(before.ratio)} to {fmt(row.after_ratio)} ({confidence:.0%} CI "
                    f"{fmt(row.after_ci_low)}–{fmt(row.after_ci_high)}){share}: it drives "
                    f"much of the gap between {before.lowest} and {before.highest}."
                    if explains_most
                    else f"Neutralising `{row.feature}` moves the {column} impact ratio from "
                    f"{fmt(before.ratio)} to {fmt(row.after_ratio)} ({confidence:.0%} CI "
                    f"{fmt(row.after_ci_low)}–{fmt(row.after_ci_high)}){share}.",
                    subject=row.feature,
                    evidence=(
                        before_evidence,
                        Evidence(
                            f"impact_ratio[{column}] with {row.feature} neutralised",
                            row.after_ratio,
                            row.after_ci_low,
                            row.after_ci_high,
                            confidence=confidence,
                            n=n,
                            threshold=threshold,
                            method=method,
                        ),
                    ),
                    remediation=(
                        f"Check whether `{row.feature}` stands in for {column}; drop it or "
                        "replace it with a job-relevant measure, then re-audit."
                    )
                    if warn
                    else None,
                    severity=self.default_severity if warn else Severity.INFO,
                )
            )
        return findings
