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

from typing import ClassVar

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.checks.base import Check
from trustscan.checks.fairness import ERROR_RATES, SELECTION_RATE
from trustscan.checks.fairness.comparison import settings
from trustscan.checks.fairness.rates import run_rates
from trustscan.checks.fairness.regression import (
    prediction_differences,
    run_regression,
    with_signed_errors,
)
from trustscan.checks.fairness.section import RateSpec
from trustscan.checks.fairness.summary import finish
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult


class FairnessSelectionRateCheck(Check):
    spec: ClassVar[CheckSpec] = SELECTION_RATE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.sensitive.shape[1] == 0:
            return self.skip("No sensitive column declared; pass --sensitive to audit fairness.")
        cfg = settings(policy, policy.fairness.impact_ratio_min)
        if ctx.task == "regression" and policy.fairness.regression_compare == "difference":
            return prediction_differences(self, ctx, cfg, policy)
        if ctx.task == "regression":
            values = np.asarray(ctx.predictions, dtype=float)
            section = run_regression(
                self, ctx, cfg, values, "mean_prediction", higher_is_favoured=True, with_ks=True
            )
            return finish(
                self,
                ctx,
                cfg,
                RateSpec(("mean_prediction",), (), False),
                section,
                "mean prediction",
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
        section = run_rates(
            self, ctx, RateSpec(("selection_rate",), (), False), cfg, indicators, gated=gated
        )
        spec = RateSpec(("selection_rate", *(indicators if gated else ())), (), False)
        reported = tuple(indicators) if not gated else ()
        return finish(self, ctx, cfg, spec, section, "selection rate", reported)


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
        cfg = settings(policy, policy.fairness.error_rate_ratio_min)
        if ctx.task == "regression":
            y = pd.to_numeric(pd.Series(ctx.y_true), errors="coerce").to_numpy(dtype=float)
            error = np.abs(np.asarray(ctx.predictions, dtype=float) - y)
            section = run_regression(
                self,
                ctx,
                cfg,
                error,
                "mean_absolute_error",
                higher_is_favoured=False,
                with_ks=False,
            )
            spec = RateSpec(("mean_absolute_error",), ("root_mean_squared_error",), True)
            mae = finish(self, ctx, cfg, spec, section, "mean absolute error")
            return with_signed_errors(self, ctx, cfg, policy, y, mae)
        spec = RateSpec(
            ("true_positive_rate", "false_positive_rate"),
            ("selection_rate", "false_negative_rate", "precision", "accuracy", "base_rate"),
            True,
        )
        return finish(self, ctx, cfg, spec, run_rates(self, ctx, spec, cfg), "error rate")
