"""Benchmark: the competence checks on 1,000,000 rows with two sensitive features.

Logged decisions and probability scores (predictions-only mode), 2 × 5 groups plus their 10
intersections, 1,000 bootstrap resamples per metric and group (the default policy). Compares
with the naive approach a user would write: scikit-learn metrics re-computed on row resamples
of each group (timed on 20 resamples and scaled to 1,000).

    python benchmarks/bench_performance.py               # 1M rows, 3 repetitions
    python benchmarks/bench_performance.py --rows 100000 --reps 1

Prints the median seconds per check.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from contexts import frame_context
from sklearn import metrics as skm

from trustscan.checks.performance.calibration import PerformanceCalibrationCheck
from trustscan.checks.performance.group_gap import PerformanceGroupGapCheck
from trustscan.checks.performance.overall import PerformanceOverallCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy


def make_context(rows: int, seed: int = 0) -> AuditContext:
    rng = np.random.default_rng(seed)
    score = rng.uniform(size=rows)
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["female", "male"], rows),
            "race": rng.choice(list("abcde"), rows),
            "score": score,
            "y": (rng.uniform(size=rows) < score).astype(int),
        }
    )
    frame["decision"] = (score >= 0.5).astype(int)
    ctx, _ = frame_context(
        frame,
        sensitive=["gender", "race"],
        target="y",
        predictions="decision",
        scores="score",
        seed=seed,
    )
    return ctx


def naive_group_bootstrap(ctx: AuditContext, resamples: int = 20) -> float:
    """Seconds for scikit-learn AUC + balanced accuracy on row resamples of every group."""
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    y, score = ctx.y_true, ctx.scores
    assert y is not None and score is not None
    decision = ctx.predictions
    keys = [
        ctx.sensitive["gender"],
        ctx.sensitive["race"],
        ctx.sensitive["gender"] + ctx.sensitive["race"],
    ]
    for key in keys:
        for _, index in key.groupby(key).indices.items():
            for _ in range(resamples):
                pick = rng.choice(index, size=index.size)
                skm.roc_auc_score(y[pick], score[pick])
                skm.balanced_accuracy_score(y[pick], decision[pick])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--naive", action="store_true", help="also time the naive bootstrap")
    args = parser.parse_args()
    ctx = make_context(args.rows)
    policy = Policy()
    for check in (PerformanceOverallCheck, PerformanceGroupGapCheck, PerformanceCalibrationCheck):
        times = []
        for _ in range(args.reps):
            started = time.perf_counter()
            check().run(ctx, policy)
            times.append(time.perf_counter() - started)
        print(f"{check.id:28} median {statistics.median(times):6.2f} s over {args.reps} run(s)")
    if args.naive:
        seconds = naive_group_bootstrap(ctx)
        print(
            f"{'naive sklearn (AUC+BA)':28} {seconds * 50:6.1f} s for 1,000 resamples (x50 of 20)"
        )


if __name__ == "__main__":
    main()
