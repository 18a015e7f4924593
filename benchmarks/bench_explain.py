"""Benchmark: the explainability checks on 1,000,000 rows × 50 features.

The model is a user-style Pipeline (one-hot categoricals + scaled numerics → logistic
regression, or → histogram gradient boosting) trained on a 50,000-row subsample; it takes
gender as an input and leans on a planted proxy, so every check does its full work
(counterfactual flips, per-group importance, driver ranking). The context (one predict and one
predict_proba over all rows) is built once and timed separately: checks only ever see it.

    python benchmarks/bench_explain.py                       # logistic, 3 repetitions
    python benchmarks/bench_explain.py --model hgb --reps 3
    python benchmarks/bench_explain.py --rows 100000 --model both

Prints the median seconds per check and for all four together (budget: 60 s).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from contexts import frame_context
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from trustscan.checks.explain.counterfactual import CounterfactualFlipCheck
from trustscan.checks.explain.drivers import DisparityDriversCheck
from trustscan.checks.explain.group_importance import GroupImportanceCheck
from trustscan.checks.explain.importance import FeatureImportanceCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy

N_ROWS = 1_000_000
N_NUMERIC = 45
CATEGORICAL = ("gender", "region", "education", "contract")
RACES = ("asian", "black", "hispanic", "other", "white")
CHECKS = (
    CounterfactualFlipCheck,
    FeatureImportanceCheck,
    GroupImportanceCheck,
    DisparityDriversCheck,
)


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gender = rng.choice(np.array(["female", "male"], dtype=object), size=n)
    race = rng.choice(np.array(RACES, dtype=object), size=n, p=[0.1, 0.15, 0.2, 0.05, 0.5])
    numeric = rng.normal(size=(n, N_NUMERIC)).astype(np.float64)
    frame = pd.DataFrame(numeric, columns=[f"x{i:02d}" for i in range(N_NUMERIC)])
    female = gender == "female"
    frame["proxy_club"] = (rng.random(n) < np.where(female, 0.4, 0.02)).astype(np.int64)
    frame["gender"] = gender
    frame["region"] = rng.choice(np.array(["n", "s", "e", "w", "c"], dtype=object), size=n)
    frame["education"] = rng.choice(np.array(["hs", "ba", "ma", "phd"], dtype=object), size=n)
    frame["contract"] = rng.choice(np.array(["full", "part", "temp"], dtype=object), size=n)
    frame["race"] = race
    logit = numeric[:, :10] @ np.linspace(1.0, 0.1, 10) - 1.2 * frame["proxy_club"] - 0.3 * female
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return frame


def features() -> list[str]:
    return [f"x{i:02d}" for i in range(N_NUMERIC)] + ["proxy_club", *CATEGORICAL]


def make_model(kind: str) -> Pipeline:
    numeric = [f for f in features() if f not in CATEGORICAL]
    if kind == "logistic":
        prepare = ColumnTransformer(
            [("num", StandardScaler(), numeric), ("cat", OneHotEncoder(), list(CATEGORICAL))]
        )
        return Pipeline([("prepare", prepare), ("classify", LogisticRegression(max_iter=500))])
    prepare = ColumnTransformer(
        [("cat", OrdinalEncoder(), list(CATEGORICAL)), ("num", "passthrough", numeric)]
    )
    model = HistGradientBoostingClassifier(
        max_iter=100, categorical_features=list(range(len(CATEGORICAL))), random_state=0
    )
    return Pipeline([("prepare", prepare), ("classify", model)])


def build_context(data: pd.DataFrame, model: Pipeline) -> tuple[AuditContext, float]:
    return frame_context(
        data, sensitive=["gender", "race"], target="y", features=features(), model=model
    )


def bench(kind: str, data: pd.DataFrame, reps: int) -> None:
    train = data.sample(min(50_000, len(data)), random_state=0)
    model = make_model(kind).fit(train.loc[:, features()], train["y"])
    ctx, predict_seconds = build_context(data, model)
    policy = Policy()
    print(
        f"\n{kind}: {len(data):,} rows × {len(features())} features; context prediction "
        f"(once, shared by all checks) {predict_seconds:.1f} s; sample_size="
        f"{policy.explain.sample_size}, repeats={policy.explain.repeats}"
    )
    times: dict[str, list[float]] = {c.id: [] for c in CHECKS}
    totals: list[float] = []
    for _ in range(reps):
        total = 0.0
        for check in CHECKS:
            started = time.perf_counter()
            result = check().run(ctx, policy)
            elapsed = time.perf_counter() - started
            times[check.id].append(elapsed)
            total += elapsed
        totals.append(total)
        print(f"  rep: {total:.1f} s ({result.check_id} → {result.status.value})")
    for check_id, values in times.items():
        print(f"  {check_id:<30} median {statistics.median(values):6.2f} s")
    print(
        f"  {'all four explain checks':<30} median {statistics.median(totals):6.2f} s (budget 60 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=N_ROWS)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--model", choices=("logistic", "hgb", "both"), default="logistic")
    args = parser.parse_args()
    started = time.perf_counter()
    data = make_data(args.rows)
    print(f"data generated in {time.perf_counter() - started:.1f} s")
    for kind in ("logistic", "hgb") if args.model == "both" else (args.model,):
        bench(kind, data, args.reps)


if __name__ == "__main__":
    main()
