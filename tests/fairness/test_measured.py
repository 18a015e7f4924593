"""The typed fairness rows read every key the checks write, and write them back unchanged."""

from __future__ import annotations

import numpy as np

from tests.fairness.conftest import MakeContext
from trustscan.checks.fairness.core import FairnessErrorRatesCheck, FairnessSelectionRateCheck
from trustscan.checks.fairness.measured import FairnessRates
from trustscan.policy import Policy, StatsPolicy
from trustscan.serialize import to_jsonable
from trustscan.types import CheckResult

POLICY = Policy(stats=StatsPolicy(bootstrap_resamples=100))


def results(make: MakeContext) -> list[tuple[str, CheckResult]]:
    rng = np.random.default_rng(4)
    n = 3000
    gender = rng.choice(["female", "male"], n)
    region = rng.choice(["north", "south", "tiny"], n, p=[0.5, 0.49, 0.01])
    y = rng.integers(0, 2, n)
    decisions = rng.binomial(1, np.where(gender == "female", 0.3, 0.5))
    binary = make(
        sensitive={"gender": gender, "region": region},
        predictions=decisions,
        y_true=y,
        scores=rng.random(n),
    )
    values = rng.normal(10, 2, n)
    regression = make(
        sensitive={"gender": gender},
        predictions=values + np.where(gender == "female", 1.0, 0.0),
        y_true=values,
        task="regression",
        positive_label=None,
    )
    classes = np.array(["approve", "refer", "reject"])
    multiclass = make(
        sensitive={"gender": gender},
        predictions=classes[rng.integers(0, 3, n)],
        y_true=classes[rng.integers(0, 3, n)],
        task="multiclass",
        classes=tuple(classes),
    )
    out = []
    for name, ctx in (("binary", binary), ("regression", regression), ("multiclass", multiclass)):
        for check in (FairnessSelectionRateCheck(), FairnessErrorRatesCheck()):
            out.append((f"{name} {check.id}", check.run(ctx, POLICY)))
    return out


def test_every_row_key_round_trips_through_the_typed_rows(
    context_from_arrays: MakeContext,
) -> None:
    for name, result in results(context_from_arrays):
        stored = to_jsonable(result.metrics)
        typed = FairnessRates.from_metrics(stored)
        assert to_jsonable(typed.to_metrics()) == stored, name
        assert typed.groups, name


def test_typed_rows_expose_the_compared_rates_and_keep_nothing_untyped(
    context_from_arrays: MakeContext,
) -> None:
    binary = dict(results(context_from_arrays))["binary fairness.selection_rate"]
    typed = FairnessRates.from_metrics(to_jsonable(binary.metrics))
    assert typed.compared[0] == "selection_rate"
    female = next(g for g in typed.groups if g.grouping == "gender" and g.group == "female")
    rate = female.rate("selection_rate")
    assert rate.value is not None and rate.ratio is not None and rate.ci is not None
    assert rate.status in ("pass", "warn", "fail") and rate.reference == "male"
    assert not female.extra, "a binary row has no key outside the typed fields"
    tiny = next(g for g in typed.groups if g.group == "tiny")
    assert tiny.gated is False and tiny.excluded_reason


def test_a_renamed_key_is_not_silently_read() -> None:
    row = {"feature": "g", "group": "a", "n": 10, "selection_rate": 0.5, "selection_rate_ratio_": 1}
    typed = FairnessRates.from_metrics({"compared": ["selection_rate"], "groups": [row]})
    assert typed.groups[0].rate("selection_rate").ratio is None
    assert typed.groups[0].extra == {"selection_rate_ratio_": 1}


def test_a_group_without_error_has_a_root_mean_squared_error_of_zero(
    context_from_arrays: MakeContext,
) -> None:
    # Men's predictions equal the truth; women's are 1.0 too high. The mean of squares comes
    # from centred sums and can land a hair below 0 for men: the root must be 0, not missing.
    rows = dict(results(context_from_arrays))["regression fairness.error_rates"].metrics["groups"]
    rmse = {row["group"]: row["root_mean_squared_error"] for row in rows}
    assert rmse["male"] is not None and abs(rmse["male"]) < 1e-6
    assert abs(rmse["female"] - 1.0) < 1e-6
