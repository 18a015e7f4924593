"""consistency.determinism and consistency.perturbation with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.consistency.estimators import DeterministicModel, NoisyModel, threshold_frame
from tests.context_builders import model_context
from tests.performance.helpers import predictions_context
from trustscan.checks.consistency.core import DeterminismCheck, PerturbationCheck, perturb
from trustscan.policy import Policy
from trustscan.types import Status

FEATURES = ["x", "colour", "flag"]


def context(model: object, frame=None):  # type: ignore[no-untyped-def]
    frame = threshold_frame() if frame is None else frame
    return model_context(frame, model, features=FEATURES, sensitive=["group"], target="y")


def test_a_deterministic_model_passes() -> None:
    result = DeterminismCheck().run(context(DeterministicModel()), Policy())
    assert result.status is Status.PASS
    assert result.metrics["rows_changed"] == 0 and result.metrics["rows_checked"] == 4000


def test_a_model_with_hidden_randomness_fails() -> None:
    result = DeterminismCheck().run(context(NoisyModel()), Policy())
    assert result.status is Status.FAIL
    assert result.metrics["rows_changed"] > 0
    assert result.metrics["max_probability_difference"] > 1e-3


def test_determinism_skips_without_a_model() -> None:
    frame = threshold_frame(200)
    frame["decision"] = (frame.x > 0).astype(int)
    ctx = predictions_context(frame, sensitive=["group"], target="y", decisions="decision")
    assert DeterminismCheck().run(ctx, Policy()).status is Status.SKIP
    assert PerturbationCheck().run(ctx, Policy()).status is Status.SKIP


def test_perturb_moves_numeric_features_only_by_the_noise_scale() -> None:
    frame = threshold_frame(1000)
    moved_frame, moved = perturb(frame[FEATURES], scale=0.01, rng=np.random.default_rng(0))
    assert moved == ["x"]
    step = np.abs(moved_frame.x - frame.x)
    inside = (frame.x > frame.x.min()) & (frame.x < frame.x.max())  # the extremes may be clipped
    assert step[inside].to_numpy() == pytest.approx(
        np.full(int(inside.sum()), 0.01 * frame.x.std(ddof=1))
    )
    assert (moved_frame.colour == frame.colour).all() and (moved_frame.flag == frame.flag).all()


def test_a_smooth_model_passes_perturbation() -> None:
    result = PerturbationCheck().run(context(DeterministicModel()), Policy())
    assert result.status is Status.PASS
    assert result.metrics["flip_rate"] < 0.01
    assert result.metrics["perturbed_features"] == ["x"]


def test_a_threshold_on_a_dense_cluster_of_scores_fails_perturbation() -> None:
    frame = threshold_frame(clustered_share=0.2)
    result = PerturbationCheck().run(context(DeterministicModel(), frame), Policy())
    assert result.status is Status.FAIL
    # About half the clustered 20% cross the threshold (the nudge's sign is random).
    assert 0.05 <= result.metrics["flip_rate"] <= 0.15
    low, high = result.metrics["ci"]
    assert low <= result.metrics["flip_rate"] <= high


def test_the_more_fragile_group_is_named() -> None:
    frame = threshold_frame(clustered_share=0.03)
    result = PerturbationCheck().run(context(DeterministicModel(), frame), Policy())
    fragile = [
        f.subject for f in result.findings if f.status is Status.WARN and f.subject != "all rows"
    ]
    assert fragile == ["group = clustered"]
    rows = {r["group"]: r for r in result.metrics["groups"]}
    assert rows["clustered"]["flip_rate"] > 0.3 > rows["a"]["flip_rate"]
    assert (
        rows["clustered"]["flipped"] + rows["a"]["flipped"] + rows["b"]["flipped"]
        == result.metrics["flipped"]
    )


class _RejectsNewValues(DeterministicModel):
    """Treats ``x`` as a category: unseen values are an error (like OneHotEncoder)."""

    def fit(self, features: pd.DataFrame, y: object = None) -> _RejectsNewValues:
        self.seen_ = set(features["x"].tolist())
        return self

    def predict(self, features):  # type: ignore[no-untyped-def]
        if not set(features["x"].tolist()) <= self.seen_:
            raise ValueError("Found unknown categories")
        return super().predict(features)


def test_perturbation_skips_when_the_model_rejects_nudged_values() -> None:
    frame = threshold_frame(500)
    model = _RejectsNewValues().fit(frame[FEATURES])
    result = PerturbationCheck().run(context(model, frame), Policy())
    assert result.status is Status.SKIP and "categorical" in result.summary


def test_regression_models_are_checked_for_determinism_not_perturbation() -> None:
    from sklearn.linear_model import LinearRegression

    frame = threshold_frame(500)
    frame["income"] = 3.0 * frame["x"] + np.random.default_rng(1).normal(size=len(frame))
    model = LinearRegression().fit(frame[["x", "flag"]], frame["income"])
    ctx = model_context(frame, model, features=["x", "flag"], sensitive=["group"], target="income")
    assert ctx.task == "regression"
    assert DeterminismCheck().run(ctx, Policy()).status is Status.PASS
    assert PerturbationCheck().run(ctx, Policy()).status is Status.SKIP


def test_perturb_respects_each_features_support() -> None:
    import pandas as pd

    rng = np.random.default_rng(1)
    n = 5000
    gain = np.where(rng.random(n) < 0.9, 0.0, rng.uniform(1000, 20000, n))  # mostly zeros
    age = rng.integers(17, 90, n)
    share = rng.uniform(0, 1, n)
    frame = pd.DataFrame({"gain": gain, "age": age, "share": share})
    out, moved = perturb(frame, scale=0.01, rng=np.random.default_rng(2))
    assert moved == ["gain", "age", "share"]
    zeros = frame.gain == 0
    assert (out.gain[zeros] == 0).all()  # exact zeros stay zero
    nonzero_sd = frame.gain[~zeros].std(ddof=1)
    inside = ~zeros & (frame.gain > frame.gain[~zeros].min()) & (frame.gain < frame.gain.max())
    step = (out.gain - frame.gain)[inside].abs()
    assert step.to_numpy() == pytest.approx(np.full(int(inside.sum()), 0.01 * nonzero_sd))
    assert out.age.dtype == frame.age.dtype and (out.age == out.age.round()).all()
    moved_age = (out.age != frame.age).mean()
    # Stochastic rounding: |step| = 1 with probability 0.01 x SD (about 0.21 here).
    assert moved_age == pytest.approx(0.01 * frame.age.std(ddof=1), abs=0.03)
    assert out.age.min() >= 17 and out.age.max() <= 89
    assert out.share.min() >= frame.share.min() and out.share.max() <= frame.share.max()


def test_the_old_noise_model_would_flip_a_zero_threshold_the_support_aware_one_does_not() -> None:
    import pandas as pd

    rng = np.random.default_rng(3)
    n = 4000
    gain = np.where(rng.random(n) < 0.9, 0.0, rng.uniform(1000, 20000, n))
    frame = pd.DataFrame({"gain": gain, "x": rng.normal(size=n)})
    out, _ = perturb(frame, scale=0.01, rng=np.random.default_rng(4))
    # A rule "gain > 0" (an income model's favourite split) never flips.
    assert ((out.gain > 0) == (frame.gain > 0)).all()
    # Naive SD noise turns zeros negative or positive: about every zero would flip sign.
    naive = frame.gain + np.random.default_rng(4).choice([-1, 1], n) * 0.01 * frame.gain.std()
    assert ((naive > 0) != (frame.gain > 0)).mean() > 0.3
