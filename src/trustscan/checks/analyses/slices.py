"""``fairness.slice_search``: the worst subgroup, found for you, with its discovery confirmed.

Regions of the input space are searched (one or two model inputs, numerics binned into
quartiles); within each region every sensitive group is compared with the other groups
there, for the selection rate and (with a target) the error rate. Benjamini–Hochberg
controls the false-discovery rate over everything searched on one half of a stratified
sample; each discovery must then be significant again (Holm) on the held-out half before it
is reported. A fair model therefore yields no discoveries except by a small chance.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from trustscan import stats
from trustscan.checks.analyses import MAX_LEVELS, MAX_REGIONS, SLICE_SEARCH
from trustscan.checks.analyses._common import sample_and_split, skip_reason
from trustscan.checks.analyses.measured import Slice, SliceSearch
from trustscan.checks.base import Check
from trustscan.checks.fairness.phrasing import format_p
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import finite
from trustscan.numbers.json_safe import scalar as _json
from trustscan.policy import Policy
from trustscan.sensitive.groups import group_column
from trustscan.stats.groups import GroupCodes
from trustscan.stats.intervals import normal_quantile
from trustscan.stats.significance import compare_proportions
from trustscan.stats.slices import RegionTests, difference_interval, region_tests
from trustscan.types import CheckResult, Evidence, Finding, Scoring, Severity, Status

MAX_REPORTED = 10


@dataclass(frozen=True)
class _Input:
    name: str
    codes: np.ndarray
    labels: tuple[str, ...]


@dataclass(frozen=True)
class _Candidate:
    inputs: tuple[int, ...]
    region: int
    grouping: int
    group: int
    metric: str
    p_value: float


def _inputs(ctx: AuditContext, rows: np.ndarray) -> tuple[list[_Input], list[str]]:
    """The model's inputs as region codes of the sampled ``rows``; names of inputs left out
    for too many levels. Binning the sample (not all rows) keeps a 1M-row audit fast; on data
    no larger than the sample the bins are the same."""
    usable, left_out = [], []
    for name in ctx.feature_names:
        if name in ctx.sensitive_names:
            continue
        grouped = group_column(name, ctx.features[name].iloc[rows])
        if grouped.n_groups > MAX_LEVELS:
            left_out.append(name)
            continue
        usable.append(_Input(name, grouped.codes, grouped.labels))
    return usable, left_out


def _region_sets(inputs: list[_Input]) -> Iterator[tuple[tuple[int, ...], int]]:
    """``(input indices, number of regions)``: every input alone, then every pair."""
    for i, item in enumerate(inputs):
        yield (i,), len(item.labels)
    for i, j in itertools.combinations(range(len(inputs)), 2):
        yield (i, j), len(inputs[i].labels) * len(inputs[j].labels)


def _region_codes(inputs: list[_Input], chosen: tuple[int, ...]) -> np.ndarray:
    """Region code per sampled row for the inputs ``chosen`` (mixed radix)."""
    codes = np.zeros_like(inputs[chosen[0]].codes)
    for index in chosen:
        codes = codes * len(inputs[index].labels) + inputs[index].codes
    return codes


def _describe(inputs: list[_Input], chosen: tuple[int, ...], region: int) -> str:
    parts, rest = [], region
    for index in reversed(chosen):
        size = len(inputs[index].labels)
        parts.append(f"{inputs[index].name} = {inputs[index].labels[rest % size]}")
        rest //= size
    return " and ".join(reversed(parts))


class SliceSearchCheck(Check):
    spec: ClassVar[CheckSpec] = SLICE_SEARCH

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        reason = skip_reason(ctx, "slice search", needs_target=False)
        if reason is not None:
            return self.skip(reason)
        decisions = ctx.decisions
        assert decisions is not None
        s = policy.stats
        outcomes = {"selection_rate": decisions}
        y = ctx.y_true_favourable
        if y is not None:
            outcomes["error_rate"] = decisions != y
        groupings = list(ctx.groupings.singles)
        strata = groupings[0].codes * 2 + (y if y is not None else decisions)
        search_rows, held_rows = sample_and_split(
            ctx, self.id, strata, policy.fairness.analysis_sample_size
        )
        # Everything below works on the sampled rows only: positions into the sample.
        rows = np.concatenate([search_rows, held_rows])
        search = np.arange(search_rows.size)
        held = np.arange(search_rows.size, rows.size)
        outcomes = {metric: outcome[rows] for metric, outcome in outcomes.items()}
        codes_of = [grouping.codes[rows] for grouping in groupings]
        inputs, left_out = _inputs(ctx, rows)
        candidates: list[_Candidate] = []
        searched = 0
        for chosen, n_regions in _region_sets(inputs):
            if searched + n_regions > MAX_REGIONS:
                break
            searched += n_regions
            codes = _region_codes(inputs, chosen)[search]
            for gi, grouping in enumerate(groupings):
                for metric, outcome in outcomes.items():
                    t = region_tests(codes, n_regions, codes_of[gi][search],
                                     grouping.n_groups, outcome[search])  # fmt: skip
                    worse = t.difference < 0 if metric == "selection_rate" else t.difference > 0
                    ok = worse & (t.n >= s.min_group_size) & (t.rest_n >= s.min_group_size)
                    ok[:, list(np.flatnonzero(grouping.unknown))] = False
                    for r, g in zip(*np.nonzero(ok & np.isfinite(t.p_value)), strict=True):
                        candidates.append(
                            _Candidate(chosen, int(r), gi, int(g), metric, float(t.p_value[r, g]))
                        )
        q = stats.benjamini_hochberg(np.array([c.p_value for c in candidates]))
        discovered = [(c, float(qv)) for c, qv in zip(candidates, q, strict=True) if qv < s.alpha]
        found = self._confirm(policy, inputs, groupings, codes_of, outcomes, held, discovered)
        return self._finish(found, len(candidates), searched, len(discovered), left_out, policy,
                            search.size, held.size)  # fmt: skip

    def _confirm(
        self,
        policy: Policy,
        inputs: list[_Input],
        groupings: list[GroupCodes],
        codes_of: list[np.ndarray],
        outcomes: dict[str, np.ndarray],
        held: np.ndarray,
        discovered: list[tuple[_Candidate, float]],
    ) -> list[Slice]:
        z = normal_quantile(policy.stats.confidence)
        rows: list[Slice] = []
        held_counts: list[tuple[float, int, float, int]] = []
        # One held-out test table per (inputs, grouping, metric), read for every discovery in
        # it: thousands of discoveries share a few hundred tables.
        tables: dict[tuple[tuple[int, ...], int, str], RegionTests] = {}
        for c, q in discovered:
            grouping = groupings[c.grouping]
            key = (c.inputs, c.grouping, c.metric)
            if key not in tables:
                codes = _region_codes(inputs, c.inputs)[held]
                n_regions = math.prod(len(inputs[i].labels) for i in c.inputs)
                tables[key] = region_tests(codes, n_regions, codes_of[c.grouping][held],
                                           grouping.n_groups, outcomes[c.metric][held])  # fmt: skip
            t = tables[key]
            r, g = c.region, c.group
            n, rest_n = int(t.n[r, g]), int(t.rest_n[r, g])
            rate, rest = float(t.rate[r, g]), float(t.rest_rate[r, g])
            low, high = (
                difference_interval(rate * n, n, rest * rest_n, rest_n, z=z)
                if n and rest_n
                else (math.nan, math.nan)
            )
            held_counts.append((rate * n, n, rest * rest_n, rest_n))
            selection = c.metric == "selection_rate"
            # A rate of 0 below the line (no one in the rest selected, or no errors in the
            # region) leaves the ratio undefined, not an error: it is reported without one.
            top, bottom = (rate, rest) if selection else (rest, rate)
            ratio = top / bottom if bottom > 0 else math.nan
            rows.append(
                Slice(
                    slice=_describe(inputs, c.inputs, r),
                    feature=grouping.name,
                    group=grouping.labels[g],
                    metric=c.metric,
                    depth=len(c.inputs),
                    n_held_out=n,
                    rest_n_held_out=rest_n,
                    rate=_json(rate),
                    rest_rate=_json(rest),
                    difference=_json(rate - rest),
                    difference_ci=(finite(low), finite(high)),
                    ratio=_json(float(ratio)),
                    q_value_search=q,
                    p_value_held_out=None,
                    same_direction=bool((rate < rest) if selection else (rate > rest)),
                )
            )
        # The search's z-test screens every cell; a confirmation is judged with the fairness
        # checks' test: Fisher's exact test where an expected cell is under 5 (0 of 291 vs
        # 2 of 33 is p = 0.01, not the z-test's 2.5e-5).
        x1, n1, x2, n2 = np.array(held_counts, dtype=float).reshape(-1, 4).T
        held_raw, _ = compare_proportions(np.rint(x1), n1, np.rint(x2), n2)
        rows = [
            replace(row, p_value_held_out=_json(float(p)))
            for row, p in zip(rows, held_raw, strict=True)
        ]
        held_p = stats.holm(held_raw)
        rows = [self._confirmed(row, float(p), policy) for row, p in zip(rows, held_p, strict=True)]
        # Confirmed first, worst (lowest) ratio first.
        rows.sort(key=lambda r: (not r.confirmed, r.ratio if r.ratio is not None else 9))
        return rows

    @staticmethod
    def _confirmed(row: Slice, p: float, policy: Policy) -> Slice:
        """``row`` with its Holm-adjusted held-out p-value and verdict: confirmed when the
        held-out difference points the same way and is significant; then failing when its
        ratio is under the metric's threshold."""
        confirmed = bool(row.same_direction and p < policy.stats.alpha)
        threshold = (
            policy.fairness.impact_ratio_min
            if row.metric == "selection_rate"
            else policy.fairness.error_rate_ratio_min
        )
        below = row.ratio is not None and row.ratio < threshold
        return replace(
            row,
            p_value_held_out_adjusted=_json(p),
            confirmed=confirmed,
            status=("fail" if below else "pass") if confirmed else "unconfirmed",
        )

    def _finish(
        self,
        rows: list[Slice],
        tests: int,
        regions: int,
        discoveries: int,
        left_out: list[str],
        policy: Policy,
        n_search: int,
        n_held: int,
    ) -> CheckResult:
        confirmed = [r for r in rows if r.confirmed]
        failing = [r for r in confirmed if r.status == "fail"]
        findings = [self._finding(r, policy) for r in confirmed[:MAX_REPORTED]]
        scope = (
            f"{tests:,} comparisons in {regions:,} regions on {n_search:,} rows; "
            f"{discoveries} discover{'y' if discoveries == 1 else 'ies'} at FDR "
            f"{policy.stats.alpha:.0%}, {len(confirmed)} confirmed on {n_held:,} held-out rows"
        )
        if tests == 0:
            status = Status.WARN
            summary = (
                "Insufficient evidence: no region has two sides of at least "
                f"{policy.stats.min_group_size} rows to compare."
            )
        elif failing:
            worst = failing[0]
            status = Status.FAIL
            summary = (
                f"{len(failing)} confirmed subgroup(s) below the ratio threshold; worst: "
                f"{worst.feature} = {worst.group} where {worst.slice} "
                f"({str(worst.metric).replace('_', ' ')} ratio {_ratio(worst.ratio)}). {scope}."
            )
        else:
            status = Status.PASS
            summary = f"No confirmed subgroup below the ratio thresholds. {scope}."
        measured = SliceSearch(
            comparisons=tests,
            regions_searched=regions,
            region_cap=MAX_REGIONS,
            inputs_left_out=tuple(left_out),
            search_rows=n_search,
            held_out_rows=n_held,
            discoveries=discoveries,
            confirmed=len(confirmed),
            alpha=policy.stats.alpha,
            slices=tuple(rows[: 4 * MAX_REPORTED]),
        )
        scoring = Scoring(insufficient_evidence=tests == 0)
        return self.result(status, summary, tuple(findings), measured=measured, scoring=scoring)

    def _finding(self, row: Slice, policy: Policy) -> Finding:
        selection = row.metric == "selection_rate"
        what = "are selected" if selection else "are misclassified"
        failed = row.status == "fail"
        low, high = row.difference_ci or (None, None)
        message = (
            f"Where {row.slice}, people with {row.feature} = {row.group} {what} at "
            f"{row.rate or 0:.1%} against {row.rest_rate or 0:.1%} for the others there "
            f"(difference {100 * (row.difference or 0):+.1f} points, "
            f"{policy.stats.confidence:.0%} CI {100 * (low or 0):+.1f} to "
            f"{100 * (high or 0):+.1f}; ratio {_ratio(row.ratio)}; n = "
            f"{row.n_held_out or 0:,} / {row.rest_n_held_out or 0:,} held out; FDR-adjusted q = "
            f"{row.q_value_search or 0:.3g} in the search, held-out "
            f"{format_p(_or_nan(row.p_value_held_out_adjusted))})."
        )
        subject = f"{row.feature} = {row.group} where {row.slice}"
        return self.finding(
            Status.FAIL if failed else Status.PASS,
            message,
            subject=subject,
            title=f"Discovered subgroup: {subject}",
            severity=self.default_severity if failed else Severity.INFO,
            evidence=(
                Evidence(
                    f"{row.metric}_ratio_in_slice",
                    row.ratio,
                    n=row.n_held_out,
                    p_value=row.p_value_held_out_adjusted,
                    threshold=policy.fairness.impact_ratio_min
                    if selection
                    else policy.fairness.error_rate_ratio_min,
                    method="group vs the other groups in the same region; BH over the search, "
                    "z-test, or Fisher's exact test where an expected cell is under 5, on the held-out half, Holm-adjusted",
                ),
            ),
            remediation="Inspect how the inputs defining this subgroup drive the decisions "
            "for the group (explain.disparity_drivers), remove proxies and re-train."
            if failed
            else None,
        )


def _ratio(value: float | None) -> str:
    """A ratio as the messages show it (an infinite or undefined one is stored as null)."""
    return "n/a" if value is None else f"{value:.2f}"


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value
