"""Every per-group point estimate the checks report equals fairlearn's MetricFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

from trustscan.checks.fairness.core import FairnessErrorRatesCheck, FairnessSelectionRateCheck
from trustscan.policy import Policy

from .conftest import MakeContext

METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "precision": precision_score,
    "accuracy": accuracy_score,
}


@pytest.mark.parametrize("seed", [0, 1])
def test_reported_rates_match_metricframe_for_features_and_intersections(
    context_from_arrays: MakeContext, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["female", "male"], n),
            "race": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
            "y_true": rng.integers(0, 2, n),
        }
    )
    frame["y_pred"] = (rng.random(n) < np.where(frame["y_true"] == 1, 0.7, 0.3)).astype(int)
    ctx = context_from_arrays(
        sensitive={"gender": frame["gender"], "race": frame["race"]},
        predictions=frame["y_pred"].to_numpy(),
        y_true=frame["y_true"].to_numpy(),
    )
    policy = Policy()
    rows = [
        *FairnessErrorRatesCheck().run(ctx, policy).metrics["groups"],
        *FairnessErrorRatesCheck().run(ctx, policy).metrics["intersections"],
    ]
    selection_rows = [
        *FairnessSelectionRateCheck().run(ctx, policy).metrics["groups"],
        *FairnessSelectionRateCheck().run(ctx, policy).metrics["intersections"],
    ]
    compared = 0
    for columns in (["gender"], ["race"], ["gender", "race"]):
        reference = MetricFrame(
            metrics=METRICS,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[columns],
        ).by_group
        feature = " × ".join(columns)
        for key, expected in reference.iterrows():
            label = " × ".join(map(str, key if isinstance(key, tuple) else (key,)))
            row = next(r for r in rows if r["feature"] == feature and r["group"] == label)
            sel = next(r for r in selection_rows if r["feature"] == feature and r["group"] == label)
            for name in METRICS:
                assert row[name] == pytest.approx(expected[name], abs=1e-12), (feature, label)
                compared += 1
            assert sel["selection_rate"] == pytest.approx(expected["selection_rate"], abs=1e-12)
    assert compared == 6 * (2 + 3 + 6)
