"""What the competence checks share: the rows with a known target, encoded once, and the
metrics of all rows and of every group, computed once per audit.

``performance.overall``, ``performance.group_gap`` and ``performance.calibration`` read the
same metrics (calibration reads the ECE and Brier score of the same bootstrap), so the first
check that needs them computes them and the others reuse them. What they compute depends on
the context and the statistics policy only, never on which check asked first: each has its
own fixed random stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from trustscan import stats
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.stats.group_performance import evaluate_groups, group_estimates, group_sizes
from trustscan.stats.groups import GroupCodes
from trustscan.stats.metric_bootstrap import MetricSet, bootstrap, evaluate
from trustscan.stats.performance import PerformanceData

T = TypeVar("T")


def _memo(ctx: AuditContext, key: str, make: Callable[[], T]) -> T:
    """``make()`` once per context and ``key``."""
    return ctx.memo.get(key, make)


@dataclass(frozen=True)
class Prepared:
    """The rows with a known target, encoded for ``stats.performance``."""

    data: PerformanceData
    rows: np.ndarray
    """Indices (into the context's rows) of the rows kept."""
    target_sd: float
    """Standard deviation of a regression target (1.0 otherwise); scales regression gaps."""

    @property
    def n_rows(self) -> int:
        """Rows kept (out of core, the rows the kept cells stand for)."""
        return self.data.rows_in(np.arange(self.rows.size))


def prepare(ctx: AuditContext) -> Prepared | None:
    """Encode target and predictions (once per context); None without a target."""
    return _memo(ctx, "prepared", lambda: _prepare(ctx))


def _prepare(ctx: AuditContext) -> Prepared | None:
    if ctx.y_true is None:
        return None
    known = ~pd.isna(pd.Series(ctx.y_true)).to_numpy()
    rows = np.flatnonzero(known)
    # Out of core the entries are cells standing for several rows each.
    weight = None if ctx.weights is None else np.asarray(ctx.weights)[rows]
    if ctx.task == "binary":
        y, pred = ctx.y_true_positive, ctx.predicted_positive
        assert y is not None and pred is not None
        score = None if ctx.scores is None else np.asarray(ctx.scores, dtype=float)
        probabilities = bool(score is not None and np.all((score[rows] >= 0) & (score[rows] <= 1)))
        data = PerformanceData(
            "binary",
            y[rows],
            pred[rows],
            None if score is None else score[rows],
            2,
            probabilities,
            weight=weight,
        )
        return Prepared(data, rows, 1.0)
    if ctx.task == "multiclass":
        truth = pd.Series(ctx.y_true[rows]).astype(str).to_numpy()
        predicted = pd.Series(ctx.predictions[rows]).astype(str).to_numpy()
        labels = np.unique(np.concatenate([truth, predicted]))
        data = PerformanceData(
            "multiclass",
            np.searchsorted(labels, truth),
            np.searchsorted(labels, predicted),
            n_classes=int(labels.size),
            weight=weight,
        )
        return Prepared(data, rows, 1.0)
    y_float = np.asarray(ctx.y_true[rows], dtype=float)
    pred_float = np.asarray(ctx.predictions[rows], dtype=float)
    sd = float(np.std(y_float, ddof=1)) if y_float.size > 1 else 0.0
    if weight is not None:
        sd = float(np.sqrt(np.cov(y_float, fweights=weight))) if weight.sum() > 1 else 0.0
    data = PerformanceData("regression", y_float, pred_float, weight=weight)
    return Prepared(data, rows, sd or 1.0)


def method_text(metric_set: MetricSet, resamples: int) -> str:
    if not metric_set.replicates:
        return "no bootstrap (stats.bootstrap_resamples = 0)"
    text = f"percentile bootstrap ({resamples} row resamples)"
    if metric_set.bootstrap_rows < metric_set.n:
        text += (
            f" on a random {metric_set.bootstrap_rows:,} of {metric_set.n:,} rows, "
            "deviations rescaled by sqrt(m/n)"
        )
    return text


def overall_metrics(ctx: AuditContext, policy: Policy, prepared: Prepared) -> MetricSet:
    """Every metric on all kept rows, with bootstrap replicates (once per context)."""
    resamples = policy.stats.bootstrap_resamples

    def make() -> MetricSet:
        # evaluate(data, resamples=...) with the point estimate read as one group's: the AUC
        # from the score sort the groups share rather than per-level sums over all rows.
        data = prepared.data
        size = data.y.shape[0]
        if size == 0:
            return evaluate(data)
        one = np.zeros(size, dtype=np.int64)
        estimate = {k: float(v[0]) for k, v in group_estimates(data, one, 1).items()}
        if resamples < 1:
            return MetricSet(data.rows_in(np.arange(size)), estimate)
        rng = ctx.rng("performance.overall")
        return bootstrap(data, data.canonical_order, estimate, resamples=resamples, rng=rng)

    return _memo(ctx, f"overall:{policy.stats!r}", make)


@dataclass(frozen=True)
class GroupMetrics:
    """Metrics of every group of one grouping."""

    grouping: GroupCodes
    sets: list[MetricSet]
    excluded: list[str | None]


def group_metrics(ctx: AuditContext, policy: Policy, prepared: Prepared) -> list[GroupMetrics]:
    """Per-group metrics with bootstrap replicates for every grouping (independent per
    group), once per context."""
    return _memo(ctx, f"groups:{policy.stats!r}", lambda: _group_metrics(ctx, policy, prepared))


def _group_metrics(ctx: AuditContext, policy: Policy, prepared: Prepared) -> list[GroupMetrics]:
    rng = ctx.rng("performance.group_gap")
    total = prepared.n_rows
    rule = stats.Eligibility.from_policy(policy.stats)
    out: list[GroupMetrics] = []
    for grouping in ctx.groupings.all:
        codes = grouping.codes[prepared.rows]
        sizes = group_sizes(prepared.data, codes, grouping.n_groups)
        excluded = [
            rule.reason(int(sizes[g]), total, unknown=grouping.unknown[g])
            for g in range(grouping.n_groups)
        ]
        resamples = [policy.stats.bootstrap_resamples if why is None else 0 for why in excluded]
        sets = evaluate_groups(
            prepared.data, codes, grouping.n_groups, resamples=resamples, rng=rng
        )
        out.append(GroupMetrics(grouping, sets, excluded))
    return out


NO_TARGET = "no target column (--target): performance needs the true outcome"

GAP_METRICS: dict[str, tuple[str, ...]] = {
    "binary": ("balanced_accuracy", "roc_auc"),
    "multiclass": ("balanced_accuracy",),
    "regression": ("mae",),
}
"""Default metrics whose worst-group gap gates (``performance.gap_metrics`` overrides).
MAE and RMSE gaps are in units of the target's standard deviation."""

ERROR_METRICS = ("mae", "rmse")
"""Regression errors: their gaps are divided by the target's standard deviation."""
