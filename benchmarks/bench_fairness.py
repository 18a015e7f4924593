"""Benchmark: trustscan's fairness section vs fairlearn ``MetricFrame`` on 1,000,000 rows.

Two sensitive features (gender: 2 groups, race: 5 groups) and their intersection. trustscan
runs both fairness checks (selection rate incl. the LL144 scoring rate, and error rates) with
1,000 bootstrap resamples; fairlearn computes the same six per-group metrics for gender, race
and gender × race with ``n_boot=100``.

    python benchmarks/bench_fairness.py                  # both, several repetitions
    python benchmarks/bench_fairness.py --only trustscan --reps 7
    python benchmarks/bench_fairness.py --only fairlearn --fairlearn-reps 1 --fairlearn-boot 100

A full fairlearn run with ``n_boot=100`` re-computes every frame 100 times (well over an hour
on a 2-core machine); ``--fairlearn-boot K`` with K < 100 times K resamples and also prints a
linear extrapolation to 100, labelled as such.

On machines that set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, unset both for this command only
(``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python ...``); the BLAS kernel in use is printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

N_ROWS = 1_000_000
RACES = ("asian", "black", "hispanic", "other", "white")


def make_data(n: int = N_ROWS, seed: int = 0) -> pd.DataFrame:
    """Synthetic decisions with a planted gender gap and a smaller race gap."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(np.array(["female", "male"], dtype=object), size=n)
    race = rng.choice(np.array(RACES, dtype=object), size=n, p=[0.1, 0.15, 0.2, 0.05, 0.5])
    y_true = rng.random(n) < 0.3
    logit = -1.0 + 2.0 * y_true - 0.4 * (gender == "female") - 0.2 * (race == "black")
    score = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0.0, 1.0, n))))
    return pd.DataFrame(
        {
            "gender": gender,
            "race": race,
            "y_true": y_true.astype(np.int64),
            "score": score,
            "y_pred": (score >= 0.5).astype(np.int64),
        }
    )


def run_fairlearn(data: pd.DataFrame, n_boot: int | None) -> list[Any]:
    """fairlearn MetricFrames for the same metrics: per feature and for the intersection."""
    from fairlearn.metrics import (
        MetricFrame,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    metrics: dict[str, Callable[..., float]] = {
        "selection_rate": selection_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "false_negative_rate": false_negative_rate,
        "precision": precision_score,
        "accuracy": accuracy_score,
    }
    boot: dict[str, Any] = (
        {"n_boot": n_boot, "ci_quantiles": [0.025, 0.975], "random_state": 0} if n_boot else {}
    )
    frames = []
    for columns in (["gender"], ["race"], ["gender", "race"]):
        frame = MetricFrame(
            metrics=metrics,
            y_true=data["y_true"],
            y_pred=data["y_pred"],
            sensitive_features=data[columns],
            **boot,
        )
        frames.append(frame)
    return frames


def _time(fn: Callable[[], object], reps: int, label: str) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``reps`` calls.

    CPU time (this process) is printed beside wall time because a shared 2-core machine's
    wall time depends on whatever else runs; both tools are single-process.
    """
    walls, cpus = [], []
    for rep in range(reps):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(
            f"  {label} rep {rep + 1}/{reps}: {walls[-1]:.3f} s wall, {cpus[-1]:.3f} s CPU",
            flush=True,
        )
    return statistics.median(walls), statistics.median(cpus)


def _blas_note() -> str:
    try:
        from threadpoolctl import threadpool_info

        info = [f"{i.get('internal_api')}:{i.get('architecture')}" for i in threadpool_info()]
        return ", ".join(info) or "no BLAS pool found"
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return "threadpoolctl not installed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=N_ROWS)
    parser.add_argument("--reps", type=int, default=5, help="trustscan repetitions")
    parser.add_argument("--resamples", type=int, default=1000, help="trustscan bootstrap resamples")
    parser.add_argument("--fairlearn-reps", type=int, default=1)
    parser.add_argument("--fairlearn-boot", type=int, default=100)
    parser.add_argument("--only", choices=("trustscan", "fairlearn"), default=None)
    args = parser.parse_args()

    print(f"rows={args.rows:,}  BLAS: {_blas_note()}", flush=True)
    data = make_data(args.rows)
    ts: tuple[float, float] | None = None
    fl: tuple[float, float] | None = None
    if args.only in (None, "trustscan"):
        ctx, checks, policy = prepare_trustscan(data, args.resamples)
        ts = _time(lambda: run_trustscan(ctx, checks, policy), args.reps, "trustscan")
        print(
            f"trustscan fairness section ({args.resamples} bootstrap resamples): "
            f"median {ts[0]:.3f} s wall, {ts[1]:.3f} s CPU over {args.reps} runs",
            flush=True,
        )
    if args.only in (None, "fairlearn"):
        boot = args.fairlearn_boot
        fl = _time(lambda: run_fairlearn(data, boot), args.fairlearn_reps, "fairlearn")
        print(
            f"fairlearn MetricFrame (n_boot={boot}): median {fl[0]:.1f} s wall, {fl[1]:.1f} s "
            f"CPU over {args.fairlearn_reps} runs",
            flush=True,
        )
        if boot < 100:
            base = _time(
                lambda: run_fairlearn(data, None), args.fairlearn_reps, "fairlearn no-boot"
            )
            per = tuple((f - b) / max(boot, 1) for f, b in zip(fl, base, strict=True))
            fl = (base[0] + 100 * per[0], base[1] + 100 * per[1])
            print(
                f"fairlearn without bootstrap: {base[0]:.1f} s wall, {base[1]:.1f} s CPU; "
                f"{per[0]:.1f} s wall / {per[1]:.1f} s CPU per resample; EXTRAPOLATED to "
                f"n_boot=100: {fl[0]:.0f} s wall, {fl[1]:.0f} s CPU",
                flush=True,
            )
    if ts is not None and fl is not None:
        print(
            f"ratio fairlearn / trustscan: {fl[0] / ts[0]:,.0f}x (wall), "
            f"{fl[1] / ts[1]:,.0f}x (CPU)"
        )


def trustscan_context(data: pd.DataFrame) -> Any:
    """A predictions-only context (decisions and scores logged in the data), built once."""
    from contexts import frame_context

    ctx, _ = frame_context(
        data,
        sensitive=["gender", "race"],
        target="y_true",
        predictions="y_pred",
        scores="score",
    )
    return ctx


def run_trustscan(ctx: Any, checks: list[Any], policy: Any) -> list[Any]:
    """The whole fairness section: both checks, as the engine runs them."""
    return [check.run(ctx, policy) for check in checks]


def prepare_trustscan(data: pd.DataFrame, resamples: int) -> tuple[Any, list[Any], Any]:
    """Context, checks and policy, built (and imported) outside the timed region."""
    import dataclasses

    from trustscan.checks.fairness.core import FairnessErrorRatesCheck, FairnessSelectionRateCheck
    from trustscan.policy import Policy, StatsPolicy

    policy = dataclasses.replace(Policy(), stats=StatsPolicy(bootstrap_resamples=resamples))
    checks = [FairnessSelectionRateCheck(), FairnessErrorRatesCheck()]
    return trustscan_context(data), checks, policy


if __name__ == "__main__":
    main()
