"""Consistency: does the model behave the same way twice, under tiny noise, and since last time?

``consistency.determinism`` re-predicts a sample of rows twice; ``consistency.perturbation``
nudges numeric features by a small fraction of their spread and counts flipped decisions;
``consistency.baseline`` (``baseline.py``) compares this audit with a previous JSON report.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.checks.base import Check, worst_status
from trustscan.checks.consistency import DETERMINISM, PERTURBATION
from trustscan.checks.consistency.measured import Determinism, GroupFlips, Perturbation
from trustscan.checks.not_judged import groups_not_judged
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.errors import InputError
from trustscan.policy import Policy
from trustscan.stats.intervals import wilson_interval
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

PROBA_TOLERANCE = 1e-9
"""Probabilities may differ by floating-point noise (BLAS summation order) and still count as
the same answer; anything larger is a different answer."""

NO_MODEL = "predictions-only mode: there is no model to run again"


def _sample_rows(ctx: AuditContext, size: int, purpose: str) -> np.ndarray:
    if ctx.n_rows <= size:
        return np.arange(ctx.n_rows)
    return np.sort(ctx.rng(purpose).choice(ctx.n_rows, size=size, replace=False))


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row: do two prediction arrays disagree? (numbers with a relative tolerance)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        try:
            x, y = a.astype(float), b.astype(float)
        except (TypeError, ValueError):
            pass
        else:
            same = np.isclose(x, y, rtol=PROBA_TOLERANCE, atol=PROBA_TOLERANCE, equal_nan=True)
            return np.asarray(np.asarray(~same).reshape(len(a), -1).any(axis=1), dtype=bool)
    return np.asarray(pd.Series(a).astype(str).to_numpy() != pd.Series(b).astype(str).to_numpy())


# ---------------------------------------------------------------------------------------------
# consistency.determinism


class DeterminismCheck(Check):
    spec: ClassVar[CheckSpec] = DETERMINISM

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip(NO_MODEL)
        rows = _sample_rows(ctx, policy.consistency.sample_size, self.id)
        sample = ctx.features.iloc[rows]
        # The audit's own predictions are the first run; one more run of the same rows
        # (and of their probabilities) is the second. Any disagreement is hidden randomness.
        again = ctx.model.predict(sample)
        changed = _differs(again, ctx.predictions[rows])
        max_proba_diff = 0.0
        probabilities = ctx.model.predict_proba(sample) if ctx.proba is not None else None
        if probabilities is not None and ctx.proba is not None:
            diff = np.abs(probabilities - ctx.proba[rows])
            max_proba_diff = float(np.nanmax(diff)) if diff.size else 0.0
            changed |= (diff > PROBA_TOLERANCE).any(axis=1)
        n = int(rows.size)
        n_changed = int(changed.sum())
        share = n_changed / n if n else 0.0
        evidence = (
            Evidence(
                "changed_share",
                share,
                n=n,
                threshold=0.0,
                method="the audit's predictions against a second run on the same rows",
            ),
            Evidence("max_probability_difference", max_proba_diff, n=n, threshold=PROBA_TOLERANCE),
        )
        measured = Determinism(
            rows_checked=n,
            rows_changed=n_changed,
            changed_share=share,
            max_probability_difference=max_proba_diff,
            tolerance=PROBA_TOLERANCE,
        )
        if n_changed:
            finding = self.finding(
                Status.FAIL,
                f"Predicting the same {n:,} rows again changed the answer for {n_changed:,} "
                f"({share:.1%}); the largest probability change was {max_proba_diff:.3g}. "
                "Identical applicants can get different outcomes.",
                subject="model",
                evidence=evidence,
                remediation="Seed every random step at inference, disable stochastic layers, "
                "and make parallel computation order-independent.",
            )
            return self.result(
                Status.FAIL,
                f"{n_changed:,} of {n:,} rows got a different answer when predicted again",
                (finding,),
                measured=measured,
            )
        finding = self.finding(
            Status.PASS,
            f"Predicting the same {n:,} rows a second time gave identical answers "
            f"(largest probability difference {max_proba_diff:.3g}).",
            subject="model",
            evidence=evidence,
            severity=Severity.INFO,
        )
        return self.result(
            Status.PASS,
            f"{n:,} rows predicted twice, identical answers",
            (finding,),
            measured=measured,
        )


# ---------------------------------------------------------------------------------------------
# consistency.perturbation


def perturb(
    features: pd.DataFrame, *, scale: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, list[str]]:
    """Numeric features moved by a small amount that stays inside each feature's support.

    The noise model (documented in ``docs/checks.md``), per numeric column with more than two
    distinct values:

    - the step is ± ``scale`` × the standard deviation of the column's *non-zero* values, with
      a random sign per cell, so a mostly-zero column (capital gain) is not nudged by a spread
      its zeros make up;
    - exact zeros stay zero and missing values stay missing: zero often means "none", a
      different state rather than a small amount;
    - integer columns stay integers: the step is rounded stochastically (a step of 0.13 moves
      the value by 1 with probability 0.13), so the expected size of the move is unchanged;
    - values stay within the column's observed minimum and maximum.

    Categorical, boolean and two-valued (indicator) columns stay unchanged, as do columns with
    no spread. Returns the new frame and the names of the columns that were moved.
    """
    out = features.copy()
    moved: list[str] = []
    for name in features.columns:
        column = features[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        values = column.to_numpy(dtype=float, na_value=np.nan)
        if pd.Series(values).nunique(dropna=True) <= 2:
            continue  # an indicator: a 0/1 flag nudged to 0.003 is not "the same person"
        present = values[~np.isnan(values)]
        nonzero = present[present != 0]
        spread = float(np.std(nonzero, ddof=1)) if nonzero.size > 1 else 0.0
        if not spread:
            continue
        signs = rng.choice(np.array([-1.0, 1.0]), size=values.size)
        step = signs * scale * spread
        if np.all(present == np.round(present)):
            whole = np.floor(np.abs(step))
            step = signs * (whole + (rng.random(values.size) < np.abs(step) - whole))
        nudged = np.clip(values + step, present.min(), present.max())
        nudged = np.where((values == 0) | np.isnan(values), values, nudged)
        dtype = column.dtype
        integer = isinstance(dtype, np.dtype) and dtype.kind in "iu"
        out[name] = nudged.astype(dtype) if isinstance(dtype, np.dtype) and integer else nudged
        moved.append(str(name))
    return out, moved


class PerturbationCheck(Check):
    spec: ClassVar[CheckSpec] = PERTURBATION

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip(NO_MODEL)
        if ctx.task == "regression":
            return self.skip("regression has no decisions to flip")
        limits = policy.consistency
        rows = _sample_rows(ctx, limits.sample_size, self.id)
        nudged, moved = perturb(
            ctx.features.iloc[rows], scale=limits.noise_scale, rng=ctx.rng(f"{self.id}:noise")
        )
        if not moved:
            return self.skip("no numeric feature with spread to perturb (all categorical or 0/1)")
        try:
            after = ctx.model.predict(nudged)
        except InputError as exc:
            return self.skip(
                "the model rejects slightly changed numeric values "
                f"({exc.message[:160]}); it probably treats a numeric column as categorical"
            )
        flipped = _differs(after, ctx.predictions[rows])
        n = int(rows.size)
        k = int(flipped.sum())
        rate = k / n
        confidence = policy.stats.confidence
        low, high = wilson_interval(k, n, confidence=confidence)
        how = f"± {limits.noise_scale:g} × SD on {len(moved)} numeric feature(s), {n:,} rows"
        status = (
            Status.FAIL
            if rate >= limits.perturbation_fail
            else Status.WARN
            if rate >= limits.perturbation_warn
            else Status.PASS
        )
        findings: list[Finding] = [
            self.finding(
                status,
                f"Nudging numeric features by {limits.noise_scale:.0%} of their spread flipped "
                f"{k:,} of {n:,} decisions ({rate:.2%}, {confidence:.0%} CI {low:.2%}–{high:.2%})"
                + (
                    "; outcomes there depend on measurement noise."
                    if status is not Status.PASS
                    else "."
                ),
                subject="all rows",
                evidence=(
                    Evidence(
                        "flip_rate",
                        rate,
                        low,
                        high,
                        confidence,
                        n=n,
                        threshold=limits.perturbation_fail
                        if status is Status.FAIL
                        else limits.perturbation_warn,
                        method=f"Wilson interval; {how}",
                    ),
                ),
                remediation="Move the decision threshold away from the dense cluster of scores "
                "or send cases near it to human review."
                if status is not Status.PASS
                else None,
                severity=self.default_severity if status is not Status.PASS else Severity.INFO,
            )
        ]
        group_rows, fragile, excluded = self._groups(ctx, policy, rows, flipped)
        findings.extend(fragile)
        note = groups_not_judged(self, excluded)
        if note is not None:
            findings.append(note)
        status = worst_status([status, *(f.status for f in fragile)])
        summary = f"{rate:.2%} of {n:,} decisions flipped under {limits.noise_scale:.0%}-SD noise"
        if fragile:
            summary += "; " + ", ".join(str(f.subject) for f in fragile) + " more fragile"
        measured = Perturbation(
            rows=n,
            flipped=k,
            flip_rate=rate,
            ci=(low, high),
            confidence=confidence,
            noise_scale=limits.noise_scale,
            perturbed_features=tuple(moved),
            unchanged_features=tuple(c for c in ctx.feature_names if c not in moved),
            groups=tuple(group_rows),
        )
        return self.result(status, summary, tuple(findings), measured=measured)

    def _groups(
        self, ctx: AuditContext, policy: Policy, rows: np.ndarray, flipped: np.ndarray
    ) -> tuple[list[GroupFlips], list[Finding], list[tuple[str, str, int, str]]]:
        confidence = policy.stats.confidence
        table: list[GroupFlips] = []
        fragile: list[Finding] = []
        excluded: list[tuple[str, str, int, str]] = []
        total, total_flips = int(rows.size), int(flipped.sum())
        for grouping in ctx.groupings.all:
            codes = grouping.codes[rows]
            n = np.bincount(codes, minlength=grouping.n_groups)
            x = np.bincount(codes, weights=flipped.astype(float), minlength=grouping.n_groups)
            reasons = stats.Eligibility.from_policy(policy.stats).reasons(
                n, total, unknown=grouping.unknown
            )
            judged = np.array([r is None for r in reasons])
            p = np.full(grouping.n_groups, np.nan)
            if judged.sum() >= 2:
                raw, _ = stats.compare_proportions(x, n, total_flips - x, total - n)
                p = np.where(judged, stats.holm(np.where(judged, raw, np.nan)), np.nan)
            for g in range(grouping.n_groups):
                rate = x[g] / n[g] if n[g] else math.nan
                rest = (total_flips - x[g]) / (total - n[g]) if total > n[g] else math.nan
                g_low, g_high = wilson_interval(int(x[g]), int(n[g]), confidence=confidence)
                label = grouping.labels[g]
                table.append(
                    GroupFlips(
                        grouping=grouping.name,
                        group=label,
                        n=int(n[g]),
                        flipped=int(x[g]),
                        flip_rate=None if math.isnan(rate) else float(rate),
                        ci=(g_low, g_high),
                        judged=reasons[g] is None,
                        excluded_reason=reasons[g],
                        p_value_vs_rest=None if math.isnan(p[g]) else float(p[g]),
                    )
                )
                if reasons[g] is not None:
                    if n[g]:
                        excluded.append((grouping.name, label, int(n[g]), reasons[g] or ""))
                    continue
                if (
                    rate >= policy.consistency.perturbation_warn
                    and rate > rest
                    and p[g] < policy.stats.alpha
                ):
                    fragile.append(
                        self.finding(
                            Status.WARN,
                            f"Decisions for {grouping.name} = {label} flip more often under noise: "
                            f"{rate:.2%} (n = {int(n[g]):,}) against {rest:.2%} for everyone else "
                            f"(p = {p[g]:.3g}, Holm-adjusted).",
                            subject=f"{grouping.name} = {label}",
                            evidence=(
                                Evidence(
                                    "flip_rate",
                                    rate,
                                    g_low,
                                    g_high,
                                    confidence,
                                    float(p[g]),
                                    int(n[g]),
                                    policy.consistency.perturbation_warn,
                                    "Wilson interval; two-proportion test vs the rest",
                                ),
                            ),
                            remediation="Check whether this group's scores cluster at the threshold "
                            "and whether its features are measured less precisely.",
                            severity=Severity.MEDIUM,
                        )
                    )
        return table, fragile, excluded
