"""Benchmark: the three leakage checks on 1,000,000 rows × 50 features.

Two sensitive attributes (gender: 2 groups, race: 5 groups), 47 numeric inputs plus three
planted proxies (a club only women join, a score shifted by gender, a region code that tracks
race), so every check does its full work: the output-inference AUCs and bootstrap intervals run
on all rows (ranks + resampled count tables); association, permutation influence and the
cross-validated probe run on a sample stratified on each attribute (``leakage.sample_size``,
20,000 by default), whose size and intervals the evidence states.

The model (logistic regression, or histogram gradient boosting) is trained on a 50,000-row
subsample; the context (one predict_proba over all rows) is built once and timed separately.

    python benchmarks/bench_leakage.py                    # hgb, 3 repetitions
    python benchmarks/bench_leakage.py --model logistic --reps 3
    python benchmarks/bench_leakage.py --rows 100000

Prints the median seconds per check and for all three together (budget: 30 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np
import pandas as pd
from contexts import frame_context
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from trustscan.checks.leakage.output_inference import OutputInferenceCheck
from trustscan.checks.leakage.proxies import ProxyFeaturesCheck
from trustscan.checks.leakage.target import SensitiveTargetCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy

N_ROWS = 1_000_000
N_NUMERIC = 47
RACES = ("asian", "black", "hispanic", "other", "white")
CHECKS = (SensitiveTargetCheck, OutputInferenceCheck, ProxyFeaturesCheck)
BUDGET_S = 30.0


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gender = rng.choice(np.array(["female", "male"], dtype=object), size=n)
    race_codes = rng.choice(len(RACES), size=n, p=[0.1, 0.15, 0.2, 0.05, 0.5])
    frame = pd.DataFrame(
        rng.normal(size=(n, N_NUMERIC)), columns=[f"x{i:02d}" for i in range(N_NUMERIC)]
    )
    female = gender == "female"
    frame["womens_club"] = (rng.random(n) < np.where(female, 0.4, 0.0)).astype(np.int64)
    frame["hobby_score"] = rng.normal(size=n) + 0.8 * female
    frame["region"] = (race_codes * 2 + rng.integers(0, 3, size=n)).astype(np.int64)
    logit = (
        frame["x00"] + 0.5 * frame["x01"] - 0.3 * frame["x02"] - 1.2 * frame["womens_club"]
    ).to_numpy()
    frame["hired"] = (logit + rng.logistic(size=n) > 0).astype(np.int64)
    frame["gender"] = gender
    frame["race"] = np.array(RACES, dtype=object)[race_codes]
    return frame


def feature_names() -> list[str]:
    return [f"x{i:02d}" for i in range(N_NUMERIC)] + ["womens_club", "hobby_score", "region"]


def build_model(kind: str, data: pd.DataFrame) -> Any:
    train = data.sample(n=min(50_000, len(data)), random_state=0)
    features = feature_names()
    if kind == "logistic":
        return LogisticRegression(max_iter=500).fit(train[features], train["hired"])
    with threadpool_limits(limits=1, user_api="openmp"):
        return HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(
            train[features], train["hired"]
        )


def build_context(data: pd.DataFrame, model: Any) -> tuple[AuditContext, float]:
    return frame_context(
        data,
        sensitive=["gender", "race"],
        target="hired",
        features=feature_names(),
        model=model,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=N_ROWS)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--model", choices=("hgb", "logistic"), default="hgb")
    args = parser.parse_args()

    data = make_data(args.rows)
    model = build_model(args.model, data)
    ctx, context_s = build_context(data, model)
    policy = Policy()
    print(
        f"{args.rows:,} rows × {len(feature_names())} features, model={args.model}, "
        f"sensitive: gender (2), race (5); context (one predict_proba): {context_s:.1f} s"
    )
    times: dict[str, list[float]] = {c.id: [] for c in CHECKS}
    cpu: dict[str, list[float]] = {c.id: [] for c in CHECKS}
    totals: list[float] = []
    cpu_totals: list[float] = []
    results = {}
    for _ in range(args.reps):
        total = cpu_total = 0.0
        for check_class in CHECKS:
            started, cpu_started = time.perf_counter(), time.process_time()
            results[check_class.id] = check_class().run(ctx, policy)
            elapsed = time.perf_counter() - started
            cpu_elapsed = time.process_time() - cpu_started
            times[check_class.id].append(elapsed)
            cpu[check_class.id].append(cpu_elapsed)
            total += elapsed
            cpu_total += cpu_elapsed
        totals.append(total)
        cpu_totals.append(cpu_total)
    for check_id, values in times.items():
        result = results[check_id]
        print(
            f"  {check_id:<28} median {statistics.median(values):6.2f} s wall, "
            f"{statistics.median(cpu[check_id]):6.2f} s CPU  "
            f"[{result.status.value}] {result.summary[:90]}"
        )
    median_total = statistics.median(totals)
    print(
        f"  {'all three':<28} median {median_total:6.2f} s wall, "
        f"{statistics.median(cpu_totals):6.2f} s CPU  (budget {BUDGET_S:.0f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    inference = results["leakage.output_inference"]
    for row in inference.metrics["attributes"]:
        print(
            f"  output AUC for {row['attribute']}: {row['auc']:.3f} "
            f"({row['ci_low']:.3f}–{row['ci_high']:.3f}), n = {row['n']:,}"
        )
    proxies = results["leakage.proxy_features"]
    for probe in proxies.metrics["probes"]:
        print(
            f"  probe AUC for {probe['attribute']}: {probe['auc']:.3f} "
            f"({probe['ci_low']:.3f}–{probe['ci_high']:.3f}), sample n = {probe['n']:,}"
        )
    used = [
        f"{r['feature']}→{r['attribute']}" for r in proxies.metrics["features"] if r["used_proxy"]
    ]
    print(
        f"  used proxies: {', '.join(used) or 'none'}; influence on {proxies.metrics['influence_rows']:,} rows"
    )


if __name__ == "__main__":
    main()
