"""Checks run side by side on threads: the same results as one at a time, a shared value
computed once, and one thread where a user's own code or an engine is involved."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from tests.context_builders import model_context, predictions_context
from trustscan.engine import THREADS_ENV, check_threads, run_checks
from trustscan.memo import Memo
from trustscan.policy import Policy
from trustscan.types import CheckResult

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "recruiting.csv"


def decision_log() -> pd.DataFrame:
    data = pd.read_csv(SAMPLE)
    rng = np.random.default_rng(3)
    logit = (
        (data["skills_test"] - 60) / 10 - 0.8 * data["womens_club"] + rng.normal(0, 1, len(data))
    )
    data["score"] = 1 / (1 + np.exp(-logit))
    data["decision"] = (data["score"] >= 0.5).astype(int)
    return data


def comparable(result: CheckResult) -> CheckResult:
    return dataclasses.replace(result, duration_s=0.0)


def test_side_by_side_gives_the_results_of_one_at_a_time_in_the_same_order() -> None:
    data = decision_log()

    def audit(threads: int) -> tuple[CheckResult, ...]:
        ctx = predictions_context(
            data,
            sensitive=["gender", "race"],
            target="hired",
            predictions="decision",
            scores="score",
        )
        return run_checks(ctx, Policy(), threads=threads)

    alone, together = audit(1), audit(2)
    assert [r.check_id for r in together] == [r.check_id for r in alone]
    judged = [r for r in alone if r.status.value not in ("skip", "error")]
    assert len(judged) >= 10  # the comparison covers the heavy checks, not only skips
    assert [comparable(r) for r in together] == [comparable(r) for r in alone]


def test_the_longest_chains_of_checks_start_first() -> None:
    """The competence checks' per-group bootstrap and the proxy probes are the longest runs of
    checks that must follow one another: they start at once, not after the light ones."""
    ctx = predictions_context(
        decision_log(),
        sensitive=["gender", "race"],
        target="hired",
        predictions="decision",
        scores="score",
    )
    started: list[str] = []
    run_checks(ctx, Policy(), threads=2, progress=lambda check_id, *_: started.append(check_id))
    assert started[:2] == ["performance.group_gap", "leakage.sensitive_target"]
    assert len(started) == len(set(started)) > 20


def test_a_shared_value_is_computed_once_while_a_second_thread_waits_for_it() -> None:
    memo = Memo()
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    values: list[int] = []
    threads = [
        threading.Thread(target=lambda: values.append(memo.get("k", slow))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert values == [42, 42, 42]
    assert len(calls) == 1
    assert "k" in memo


def test_a_failed_computation_is_not_stored() -> None:
    memo = Memo()

    def broken() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.get("k", broken)
    assert "k" not in memo
    assert memo.get("k", lambda: 1) == 1


def test_a_scikit_learn_model_runs_side_by_side_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = decision_log()
    features = ["skills_test", "years_experience", "womens_club"]
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(data[features], data["hired"])

    def audit(threads: int) -> tuple[CheckResult, ...]:
        ctx = model_context(
            data, model, features=features, sensitive=["gender", "race"], target="hired"
        )
        return run_checks(ctx, Policy(), threads=threads)

    alone, together = audit(1), audit(2)
    assert [comparable(r) for r in together] == [comparable(r) for r in alone]
    assert any(r.check_id.startswith("explain.") and r.status.value != "skip" for r in alone)
    monkeypatch.setenv(THREADS_ENV, "4")
    ctx = model_context(data, model, features=features, sensitive=["gender"], target="hired")
    assert check_threads(ctx) == 4


class Thresholded(LogisticRegression):  # type: ignore[misc]  # scikit-learn is untyped
    """A user's own class: trustscan cannot know it is safe to call from two threads."""


@pytest.mark.parametrize(
    "model",
    [
        Thresholded(),
        make_pipeline(FunctionTransformer(np.log1p), LogisticRegression()),
    ],
    ids=["own class", "own function in a pipeline"],
)
def test_a_model_with_user_code_runs_one_check_at_a_time(
    monkeypatch: pytest.MonkeyPatch, model: Any
) -> None:
    data = decision_log()
    features = ["skills_test", "years_experience"]
    model.fit(data[features], data["hired"])
    ctx = model_context(data, model, features=features, sensitive=["gender"], target="hired")
    monkeypatch.setenv(THREADS_ENV, "4")
    assert check_threads(ctx) == 1


def test_the_thread_count_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = predictions_context(decision_log(), sensitive=["gender"], predictions="decision")
    monkeypatch.setenv(THREADS_ENV, "3")
    assert check_threads(ctx) == 3
    monkeypatch.setenv(THREADS_ENV, "1")
    assert check_threads(ctx) == 1
    monkeypatch.setenv(THREADS_ENV, "lots")  # not a number: the default
    assert 1 <= check_threads(ctx) <= 4
