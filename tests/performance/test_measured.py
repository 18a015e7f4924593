"""The typed performance results read every key the checks write, and write them back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, LogisticRegression

from tests.context_builders import model_context
from tests.performance.helpers import predictions_context, scored_frame
from trustscan.checks.performance.calibration import PerformanceCalibrationCheck
from trustscan.checks.performance.group_gap import PerformanceGroupGapCheck
from trustscan.checks.performance.measured import Calibration, GroupGaps, Overall
from trustscan.checks.performance.overall import PerformanceOverallCheck
from trustscan.context import AuditContext
from trustscan.policy import Policy, StatsPolicy
from trustscan.serialize import to_jsonable

FAST = Policy(stats=StatsPolicy(bootstrap_resamples=100))
TYPED: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "performance.overall": Overall.from_metrics,
    "performance.group_gap": GroupGaps.from_metrics,
    "performance.calibration": Calibration.from_metrics,
}


def contexts() -> dict[str, AuditContext]:
    binary = predictions_context(
        scored_frame(), sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    rng = np.random.default_rng(4)
    n = 1500
    frame = pd.DataFrame({"group": rng.choice(["a", "b"], n), "x": rng.normal(size=n)})
    frame["y"] = 3 * frame.x + rng.normal(size=n)
    regression = model_context(
        frame,
        LinearRegression().fit(frame[["x"]], frame.y),
        features=["x"],
        sensitive=["group"],
        target="y",
    )
    frame["y"] = np.digitize(frame.x + rng.normal(scale=0.5, size=n), [-0.5, 0.5])
    multiclass = model_context(
        frame,
        LogisticRegression().fit(frame[["x"]], frame.y),
        features=["x"],
        sensitive=["group"],
        target="y",
    )
    return {"binary": binary, "regression": regression, "multiclass": multiclass}


def test_every_key_round_trips_through_the_typed_results() -> None:
    checked = 0
    for name, ctx in contexts().items():
        for check in (
            PerformanceOverallCheck(),
            PerformanceGroupGapCheck(),
            PerformanceCalibrationCheck(),
        ):
            result = check.run(ctx, FAST)
            if not result.metrics:
                continue  # skipped (e.g. calibration without scores)
            stored = to_jsonable(result.metrics)
            assert to_jsonable(TYPED[check.id](stored).to_metrics()) == stored, f"{name} {check.id}"
            checked += 1
    assert checked >= 7  # regression has no calibration


def test_typed_gap_names_the_groups_and_its_interval() -> None:
    ctx = predictions_context(
        scored_frame(informative_b=False),
        sensitive=["group"],
        target="y",
        decisions="decision",
        scores="score",
    )
    gaps = GroupGaps.from_metrics(to_jsonable(PerformanceGroupGapCheck().run(ctx, FAST).metrics))
    worst = max(gaps.gaps, key=lambda g: g.gap or 0.0)
    assert (worst.best_group, worst.worst_group, worst.status) == ("a", "b", "fail")
    assert worst.ci_low is not None and worst.ci_low > 0
    b = next(g for g in gaps.groups if g.group == "b")
    assert set(gaps.gated_metrics) <= set(b.values) and b.judged
