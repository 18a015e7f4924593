"""The typed leakage results read every key the checks write, and write them back."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import trustscan
from trustscan.checks.leakage.measured import OutputInference, ProxyFeatures
from trustscan.serialize import to_jsonable
from trustscan.types import Report


def audit() -> Report:
    rng = np.random.default_rng(0)
    n = 3000
    group = rng.choice(["a", "b", "c"], n)
    frame = pd.DataFrame(
        {"g": group, "x": rng.normal(size=n) + (group == "a") * 1.5, "z": rng.normal(size=n)}
    )
    frame["y"] = (frame.x + rng.normal(size=n) > 0.5).astype(int)
    model = LogisticRegression().fit(frame[["x", "z"]], frame.y)
    return trustscan.audit(
        model=model,
        data=frame,
        target="y",
        sensitive=["g"],
        features=["x", "z"],
        only=["leakage.output_inference", "leakage.proxy_features"],
        policy={"stats": {"bootstrap_resamples": 100}},
    )


def test_every_key_round_trips_and_the_proxy_is_typed() -> None:
    report = audit()
    output, proxies = (
        report.result("leakage.output_inference"),
        report.result("leakage.proxy_features"),
    )
    assert output is not None and proxies is not None
    stored = to_jsonable(output.metrics)
    typed = OutputInference.from_metrics(stored)
    assert to_jsonable(typed.to_metrics()) == stored
    assert typed.attributes[0].auc is not None and typed.groups
    assert not typed.groups[0].extra, "every group key is typed"
    stored = to_jsonable(proxies.metrics)
    features = ProxyFeatures.from_metrics(stored)
    assert to_jsonable(features.to_metrics()) == stored
    x = next(r for r in features.features if r.feature == "x")
    z = next(r for r in features.features if r.feature == "z")
    # x carries group a (shifted by 1.5 SD) and drives the model; z is noise.
    assert x.associated is True and x.used_proxy is True
    assert z.associated is False and z.used_proxy is False
    assert x.auc is not None and z.auc is not None and x.auc > z.auc
