"""Group codes and sufficient statistics: cross-checked against pandas and fairlearn."""

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

from trustscan import stats

FAIRLEARN_METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "precision": precision_score,
    "accuracy": accuracy_score,
}


def _random_frame(seed: int, n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "gender": rng.choice(["female", "male", "non-binary"], n, p=[0.45, 0.45, 0.1]),
            "race": rng.choice(["a", "b", "c", "d"], n),
            "y_true": rng.integers(0, 2, n),
            "y_pred": rng.integers(0, 2, n),
        }
    )


def _grouping(frame: pd.DataFrame, column: str) -> stats.GroupCodes:
    codes, uniques = pd.factorize(frame[column], sort=True)
    return stats.from_codes(column, codes, list(uniques))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_feature_rates_match_fairlearn_metricframe(seed: int) -> None:
    frame = _random_frame(seed)
    for column in ("gender", "race"):
        grouping = _grouping(frame, column)
        counts = stats.group_counts(
            grouping, frame["y_pred"].to_numpy() == 1, frame["y_true"].to_numpy() == 1
        )
        reference = MetricFrame(
            metrics=FAIRLEARN_METRICS,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[column],
        ).by_group
        for name in FAIRLEARN_METRICS:
            ours = dict(zip(grouping.labels, stats.rate(counts, name), strict=True))
            for label, expected in reference[name].items():
                assert ours[str(label)] == pytest.approx(expected, abs=1e-12), (name, label)


@pytest.mark.parametrize("seed", [0, 1])
def test_intersection_rates_match_fairlearn_metricframe(seed: int) -> None:
    frame = _random_frame(seed)
    grouping = stats.intersect(_grouping(frame, "gender"), _grouping(frame, "race"))
    counts = stats.group_counts(
        grouping, frame["y_pred"].to_numpy() == 1, frame["y_true"].to_numpy() == 1
    )
    reference = MetricFrame(
        metrics=FAIRLEARN_METRICS,
        y_true=frame["y_true"],
        y_pred=frame["y_pred"],
        sensitive_features=frame[["gender", "race"]],
    ).by_group
    assert len(reference) == grouping.n_groups
    for name in FAIRLEARN_METRICS:
        ours = dict(zip(grouping.parts, stats.rate(counts, name), strict=True))
        for key, expected in reference[name].items():
            assert ours[tuple(map(str, key))] == pytest.approx(expected, abs=1e-12), (name, key)


def test_counts_add_up_and_match_a_pandas_groupby() -> None:
    frame = _random_frame(3)
    grouping = _grouping(frame, "race")
    counts = stats.group_counts(
        grouping, frame["y_pred"].to_numpy() == 1, frame["y_true"].to_numpy() == 1
    )
    expected = frame.groupby("race").agg(n=("y_pred", "size"), selected=("y_pred", "sum"))
    assert counts.n.tolist() == expected["n"].tolist()
    assert counts.selected.tolist() == expected["selected"].tolist()
    assert counts.cells().sum() == len(frame)
    assert (counts.tp + counts.fp + counts.tn + counts.fn == counts.n).all()  # type: ignore[operator]


def test_missing_values_form_a_reported_unknown_group() -> None:
    values = np.array(["a", None, "b", np.nan, "a"], dtype=object)
    grouping = stats.encode("colour", values)
    assert grouping.labels == ("a", "b", stats.UNKNOWN)
    assert grouping.unknown == (False, False, True)
    counts = stats.group_counts(grouping, np.array([1, 0, 1, 1, 0], dtype=bool))
    assert counts.n.tolist() == [2, 1, 2]
    assert counts.selected.tolist() == [1, 1, 1]


def test_padded_labels_are_one_group_and_blank_labels_are_unknown() -> None:
    """Hand-typed logs: "F " is F, and a blank cell is a value nobody recorded, not a group."""
    from trustscan.sensitive.groups import group_column

    column = pd.Series(["F ", " M", "  ", "F", None, "", "M", 3])
    grouping = group_column("sex", column)
    assert grouping.labels == ("3", "F", "M", stats.UNKNOWN)
    assert [grouping.labels[c] for c in grouping.codes] == [
        "F",
        "M",
        stats.UNKNOWN,
        "F",
        stats.UNKNOWN,
        stats.UNKNOWN,
        "M",
        "3",
    ]
    clean = group_column("sex", pd.Series(["b", "a", "b"]))
    assert clean.labels == ("a", "b") and clean.codes.tolist() == [1, 0, 1]


def test_a_question_mark_is_the_uci_mark_for_not_recorded() -> None:
    """UCI's Adult and diabetes-readmission files write ``?`` (Adult: `` ?``) where race or
    workclass was not recorded: the unknown group, not a group called ``?``."""
    from trustscan.sensitive.groups import group_column

    grouping = group_column("race", pd.Series(["Caucasian", "?", " ?", "AfricanAmerican"]))
    assert grouping.labels == ("AfricanAmerican", "Caucasian", stats.UNKNOWN)
    assert [grouping.labels[c] for c in grouping.codes] == [
        "Caucasian",
        stats.UNKNOWN,
        stats.UNKNOWN,
        "AfricanAmerican",
    ]


def test_pandas_factorize_codes_give_the_same_groups_as_numpy_encoding() -> None:
    values = pd.Series(["x", None, "y", "x", "z", None])
    codes, uniques = pd.factorize(values, sort=True)
    from_pandas = stats.from_codes("v", codes, list(uniques))
    from_numpy = stats.encode("v", values.to_numpy())
    assert from_pandas.labels == from_numpy.labels
    assert (from_pandas.codes == from_numpy.codes).all()


def test_intersection_keeps_only_observed_combinations_and_propagates_unknown() -> None:
    a = stats.encode("a", np.array(["p", "p", "q", None], dtype=object))
    b = stats.encode("b", np.array([1, 2, 1, 1]))
    crossed = stats.intersect(a, b)
    assert crossed.name == "a × b"
    assert set(crossed.parts) == {("p", "1"), ("p", "2"), ("q", "1"), ("unknown", "1")}
    assert crossed.n_groups == 4
    assert sum(crossed.unknown) == 1
    assert np.bincount(crossed.codes).tolist() == [1, 1, 1, 1]


def test_intersections_cover_every_pair_and_triple() -> None:
    groupings = [stats.encode(name, np.arange(6) % 2) for name in ("a", "b", "c")]
    names = [g.name for g in stats.intersections(groupings)]
    assert names == ["a × b", "a × c", "b × c", "a × b × c"]


def test_rates_with_zero_denominators_are_nan_not_errors() -> None:
    grouping = stats.encode("g", np.array(["a", "a", "b", "b"], dtype=object))
    # Nobody selected, and group b has no true positives.
    counts = stats.group_counts(grouping, np.zeros(4, bool), np.array([1, 0, 0, 0], bool))
    assert stats.rate(counts, "selection_rate").tolist() == [0.0, 0.0]
    assert "precision" in stats.available_rates(counts)
    no_target = stats.group_counts(grouping, np.zeros(4, bool))
    assert stats.available_rates(no_target) == ("selection_rate",)
    with pytest.raises(ValueError, match="without a target"):
        stats.rate(no_target, "precision")
    assert np.isnan(stats.rate(counts, "precision")).all()
    tpr = stats.rate(counts, "true_positive_rate")
    assert tpr[0] == 0.0 and np.isnan(tpr[1])


def test_group_moments_match_pandas_mean_and_variance() -> None:
    rng = np.random.default_rng(0)
    values = 1e6 + rng.normal(0, 1, 2000)  # large mean: precision of the sums matters
    labels = rng.choice(["a", "b", "c"], 2000)
    moments = stats.group_moments(stats.encode("g", labels), values)
    expected = pd.Series(values).groupby(labels)
    np.testing.assert_allclose(moments.mean, expected.mean().to_numpy(), rtol=1e-14)
    np.testing.assert_allclose(moments.variance, expected.var().to_numpy(), rtol=1e-8)
