"""Every typed result reads all the keys its check writes, and writes them back.

One audit of a model that takes gender as an input (so the flip test has groups), with a
legitimate condition (so conditional disparity runs) and a consequence record that leaves
failing checks uncovered: each result a renderer or the report reads goes through its typed
result and back to the same JSON, and every check with a renderer has a typed result here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import trustscan
from trustscan.checks import registry
from trustscan.checks.analyses.measured import (
    ConditionalDisparity,
    DataBias,
    MitigationPreview,
    SliceSearch,
)
from trustscan.checks.consistency.measured import BaselineComparison
from trustscan.checks.documentation.measured import ConsequenceScanResult
from trustscan.checks.explain.measured import (
    Counterfactual,
    DisparityDrivers,
    GroupImportance,
    Importance,
)
from trustscan.checks.fairness.measured import FairnessRates
from trustscan.checks.leakage.measured import OutputInference, ProxyFeatures
from trustscan.checks.performance.measured import Calibration, GroupGaps, Overall
from trustscan.checks.traceability.measured import Provenance
from trustscan.report.json_format import report_from_dict, report_to_dict
from trustscan.serialize import to_jsonable
from trustscan.types import RESULT_KEYS, Report, Status, measured_as

TYPED: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "fairness.selection_rate": FairnessRates.from_metrics,
    "fairness.error_rates": FairnessRates.from_metrics,
    "fairness.data_bias": DataBias.from_metrics,
    "fairness.conditional_disparity": ConditionalDisparity.from_metrics,
    "fairness.mitigation_preview": MitigationPreview.from_metrics,
    "fairness.slice_search": SliceSearch.from_metrics,
    "leakage.output_inference": OutputInference.from_metrics,
    "leakage.proxy_features": ProxyFeatures.from_metrics,
    "performance.overall": Overall.from_metrics,
    "performance.group_gap": GroupGaps.from_metrics,
    "performance.calibration": Calibration.from_metrics,
    "explain.feature_importance": Importance.from_metrics,
    "explain.group_importance": GroupImportance.from_metrics,
    "explain.counterfactual_flip": Counterfactual.from_metrics,
    "explain.disparity_drivers": DisparityDrivers.from_metrics,
    "trace.provenance": Provenance.from_metrics,
    "docs.consequence_scan": ConsequenceScanResult.from_metrics,
}

CONSEQUENCES = """\
product: Shortlisting score
scanned_on: 2026-11-22
participants: [A. Author]
consequences:
  - id: C1
    statement: Recruiters read the strongest applications first.
    intended: true
    impact: positive
    affected_group: Recruiters
    disposition: monitor
    owner: A. Author
    action: Track time-to-interview.
    checks: [performance.overall]
    review: 2099-05-31
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    rng = np.random.default_rng(0)
    n = 1500
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["female", "male"], size=n),
            "department": rng.choice(["a", "b", "c"], size=n),
            "experience": rng.integers(0, 20, size=n),
        }
    )
    logit = 0.2 * (frame["experience"] - 10) + 2.0 * (frame["gender"] == "male")
    frame["hired"] = rng.binomial(1, 1 / (1 + np.exp(-logit)))
    features = ["gender", "department", "experience"]
    model = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("cat", OneHotEncoder(handle_unknown="ignore"), ["gender", "department"]),
                        ("num", StandardScaler(), ["experience"]),
                    ]
                ),
            ),
            ("classify", LogisticRegression(max_iter=1000)),
        ]
    ).fit(frame[features], frame["hired"])
    folder = tmp_path_factory.mktemp("records")
    (folder / "consequences.yaml").write_text(CONSEQUENCES, encoding="utf-8")
    return trustscan.audit(
        data=frame,
        model=model,
        target="hired",
        sensitive="gender",
        features=features,
        condition="department",
        policy={
            "stats": {"bootstrap_resamples": 100},
            "explain": {"repeats": 2, "sample_size": 800},
            "docs": {"consequences": str(folder / "consequences.yaml")},
        },
        seed=1,
    )


def stored(report: Report, check_id: str) -> Any:
    result = report.result(check_id)
    assert result is not None
    return to_jsonable(result.metrics)


def test_every_typed_result_round_trips_on_real_check_output(report: Report) -> None:
    checked = []
    for result in report.results:
        if result.check_id not in TYPED or not result.metrics:
            continue
        stored = to_jsonable(result.metrics)
        typed = TYPED[result.check_id](stored)
        assert to_jsonable(typed.to_metrics()) == stored, result.check_id
        checked.append(result.check_id)
    # Everything the report reads ran with metrics here (conditional disparity with its
    # condition, the flip test on a model that takes gender, uncovered consequences).
    assert sorted(checked) == sorted(TYPED)


def test_every_check_with_a_renderer_has_a_typed_result() -> None:
    rendered = {spec.id for spec in registry.SPECS if spec.renderer is not None}
    assert rendered <= set(TYPED)


def test_typed_results_carry_what_the_report_shows(report: Report) -> None:
    flips = Counterfactual.from_metrics(stored(report, "explain.counterfactual_flip"))
    gender = flips.attributes["gender"]
    assert gender.input and gender.groups and all(g.n for g in gender.groups)
    conditional = ConditionalDisparity.from_metrics(
        stored(report, "fairness.conditional_disparity")
    )
    assert conditional.condition == "department" and conditional.groups
    scan = ConsequenceScanResult.from_metrics(stored(report, "docs.consequence_scan"))
    assert scan.entries == 1 and [c.id for c in scan.consequences] == ["C1"]
    assert any(u.check_id == "fairness.selection_rate" for u in scan.uncovered)
    provenance = Provenance.from_metrics(stored(report, "trace.provenance"))
    assert set(provenance.sha256) >= {"policy"} and provenance.versions


def test_a_renamed_key_is_kept_but_not_read_as_the_field() -> None:
    flips = Counterfactual.from_metrics(
        {"attributes": {"gender": {"input": True, "flip_rat": 0.2, "groups": []}}}
    )
    gender = flips.attributes["gender"]
    assert gender.flip_rate is None and gender.extra == {"flip_rat": 0.2}


def unmodelled(value: Any, path: str = "") -> list[str]:
    """Where a typed result holds keys its type does not model (``other`` / ``extra``)."""
    found: list[str] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            inner = getattr(value, f.name)
            if f.name in ("other", "extra") and inner:
                found.append(f"{path}.{f.name}: {sorted(inner)}")
            elif f.name not in ("other", "extra"):
                found += unmodelled(inner, f"{path}.{f.name}")
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            found += unmodelled(inner, f"{path}[{key!r}]")
    elif isinstance(value, tuple):
        for i, inner in enumerate(value):
            found += unmodelled(inner, f"{path}[{i}]")
    return found


RAN_HERE = (
    "fairness.selection_rate",
    "fairness.error_rates",
    "explain.disparity_drivers",
    "explain.counterfactual_flip",
    "explain.group_importance",
    "explain.feature_importance",
    "consistency.determinism",
    "consistency.perturbation",
    "data.quality",
    "trace.provenance",
    "trace.compatibility",
    "docs.model_card",
    "docs.consequence_scan",
    "fairness.data_bias",
    "fairness.conditional_disparity",
    "leakage.sensitive_target",
    "leakage.output_inference",
    "leakage.proxy_features",
    "fairness.mitigation_preview",
    "fairness.slice_search",
    "performance.overall",
    "performance.group_gap",
    "performance.calibration",
)
"""The checks that run with a result in this fixture (the baseline comparison needs a
baseline: its own test below)."""


def test_every_registered_check_declares_its_typed_result() -> None:
    assert [s.id for s in registry.SPECS if s.measured is None] == []


def test_converted_checks_store_only_keys_their_typed_result_models(report: Report) -> None:
    """A key a check writes under a name its type does not read would land in ``other`` or
    ``extra`` when the report is read back: none may, so a renamed key cannot hide."""
    ran = []
    for result in report.results:
        spec = registry.spec_by_id(result.check_id)
        assert spec is not None
        if spec.measured is None or result.status in (Status.SKIP, Status.ERROR):
            continue
        assert isinstance(result.measured, spec.measured), result.check_id
        assert unmodelled(result.measured) == [], result.check_id
        stored = {k: v for k, v in to_jsonable(result.metrics).items() if k not in RESULT_KEYS}
        again = spec.measured.from_metrics(stored)
        assert unmodelled(again) == [], result.check_id
        assert to_jsonable(again.to_metrics()) == stored, result.check_id
        ran.append(result.check_id)
    assert sorted(ran) == sorted(RAN_HERE)


def test_a_report_read_back_from_json_has_typed_results(report: Report) -> None:
    again = report_from_dict(report_to_dict(report))
    for result in again.results:
        spec = registry.spec_by_id(result.check_id)
        if spec is not None and spec.measured is not None and result.metrics:
            assert isinstance(result.measured, spec.measured), result.check_id
    assert report_to_dict(again) == report_to_dict(report)


def test_measured_as_refuses_another_kind(report: Report) -> None:
    result = report.result("trace.provenance")
    assert result is not None
    assert measured_as(result, Provenance) is result.measured
    with pytest.raises(TypeError, match="not a Counterfactual"):
        measured_as(result, Counterfactual)


def test_the_baseline_comparison_round_trips() -> None:
    """The comparison with a baseline is typed and writes back exactly what it stored."""

    def audit(rate_b: float, baseline: Report | None = None) -> Report:
        rng = np.random.default_rng(5)
        frame = pd.DataFrame({"gender": np.repeat(["female", "male"], 600)})
        frame["hired"] = rng.binomial(1, np.where(frame["gender"] == "male", 0.5, rate_b))
        return trustscan.audit(
            data=frame,
            predictions="hired",
            sensitive="gender",
            baseline=baseline,
            only=["fairness.selection_rate", "consistency.baseline"],
            policy={"stats": {"bootstrap_resamples": 100}},
        )

    before = audit(0.35)
    result = audit(0.2, baseline=before).result("consistency.baseline")
    assert result is not None
    comparison = measured_as(result, BaselineComparison).comparison
    assert comparison.deltas and any(d.regression for d in comparison.deltas)
    stored = to_jsonable(result.metrics)
    assert to_jsonable(BaselineComparison.from_metrics(stored).to_metrics()) == stored
