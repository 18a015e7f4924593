"""The joint probe: how well all the model's inputs together recover a sensitive attribute
(gradient-boosted trees fitted on half of a stratified sample, scored on the other half), and
the helpers every fitted probe shares."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trustscan.checks.leakage._common import CI_BINS, FEATURE_BINS
from trustscan.checks.leakage.measured import ProbeRow
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import rounded as _round
from trustscan.policy import Policy
from trustscan.sensitive.groups import is_numeric
from trustscan.stats import separability as sep
from trustscan.stats.boosting import Booster
from trustscan.stats.groups import GroupCodes
from trustscan.stats.sampling import stratified_indices
from trustscan.types import Status

PROBE = Booster(iterations=40, learning_rate=0.15, depth=4)
"""The joint probe's learner: 40 trees of depth 4 (16 leaves; scikit-learn's
HistGradientBoosting with 15 leaves gave the same held-out AUCs, see the tests)."""
MAX_CATEGORIES = 250
"""A column with more categories is probed as numeric codes (as HistGradientBoosting did)."""


def probe_matrix(frame: pd.DataFrame) -> tuple[np.ndarray, list[bool]]:
    """Numbers for the probes: numerics as floats, other columns as category codes."""
    columns: list[np.ndarray] = []
    categorical: list[bool] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            columns.append(series.to_numpy(dtype=float))
            categorical.append(False)
        elif is_numeric(series):
            columns.append(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float))
            categorical.append(False)
        else:
            codes, uniques = pd.factorize(series.astype("string"), sort=True)
            as_float = codes.astype(float)
            as_float[codes < 0] = np.nan
            columns.append(as_float)
            categorical.append(len(uniques) <= MAX_CATEGORIES)
    return np.column_stack(columns) if columns else np.empty((len(frame), 0)), categorical


def one_thread() -> Any:
    """A model's own predictions on small samples: one OpenMP thread. On a busy 2-core machine
    the default threads of e.g. HistGradientBoosting spin against each other and a 1-second
    call takes 30 seconds."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


def joint_probe(
    ctx: AuditContext, attribute: GroupCodes, candidates: list[str], policy: Policy
) -> ProbeRow | None:
    """Held-out AUC of gradient-boosted trees for the attribute from all candidate inputs.

    Fitted on a stratified half of the sample and scored on the other half: one fit where
    3-fold cross-validation took three on larger folds (the probe is most of this check's
    time), at the price of an interval from half the sample's rows (stated as its n)."""
    rng = ctx.rng(f"leakage.proxy_features:probe:{attribute.name}")
    known = attribute.known_codes()
    idx = stratified_indices(known, policy.leakage.sample_size, rng)
    codes = known[idx]
    counts = np.bincount(codes, minlength=attribute.schema.n_known)
    present = counts[counts > 0]
    if present.size < 2 or present.min() < 3:
        return None
    _, codes = np.unique(codes, return_inverse=True)  # drop groups absent from the sample
    codes = codes.reshape(-1)
    k = int(codes.max()) + 1
    matrix, categorical = probe_matrix(ctx.features.iloc[idx][candidates])
    fit = np.zeros(codes.size, dtype=bool)
    fit[stratified_indices(codes, codes.size // 2, rng)] = True
    probe = PROBE.classifier(matrix[fit], categorical, codes[fit])
    proba = probe.predict_proba(matrix[~fit])
    sampled = int(codes.size)
    codes = codes[~fit]
    result = sep.separability_scores(
        codes,
        proba if k > 2 else proba[:, 1],
        k,
        resamples=policy.stats.bootstrap_resamples,
        confidence=policy.stats.confidence,
        rng=rng,
        max_bins=FEATURE_BINS,
        resample_bins=CI_BINS,
    )
    encoded = not np.isnan(result.ci_low) and result.ci_low >= policy.leakage.auc_fail
    return ProbeRow(
        attribute=attribute.name,
        auc=_round(result.auc),
        ci_low=_round(result.ci_low),
        ci_high=_round(result.ci_high),
        confidence=policy.stats.confidence,
        n=int(codes.size),
        features=len(candidates),
        status=Status.WARN.value if encoded else Status.PASS.value,
        method=(
            f"probabilities of gradient-boosted trees ({PROBE.iterations} of depth "
            f"{PROBE.depth}) fitted on half of a sample of "
            f"{sampled:,} rows stratified on {attribute.name}, scored on the other "
            f"{codes.size:,}; one-vs-rest{' macro' if k > 2 else ''} AUC; "
            f"{policy.stats.bootstrap_resamples} count resamples ({CI_BINS} merged bins)"
        ),
    )
