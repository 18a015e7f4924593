"""consistency.baseline, the shared comparison and `trustscan diff` with known answers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.performance.helpers import predictions_context, scored_frame
from trustscan.checks.consistency.baseline import BaselineCheck
from trustscan.checks.consistency.compare import compare_reports, direction
from trustscan.checks.performance.group_gap import PerformanceGroupGapCheck
from trustscan.checks.performance.overall import PerformanceOverallCheck
from trustscan.cli import main
from trustscan.engine import run_checks
from trustscan.errors import InputError
from trustscan.loading.reports import read_report
from trustscan.policy import Policy, StatsPolicy
from trustscan.scoring import verdict
from trustscan.serialize import to_jsonable
from trustscan.types import Status

POLICY = Policy(stats=StatsPolicy(bootstrap_resamples=300))
CHECKS = tuple(c.spec for c in (PerformanceOverallCheck, PerformanceGroupGapCheck, BaselineCheck))


def audit(informative_b: bool, baseline: Path | None = None) -> dict[str, Any]:
    """An audit's JSON form: the performance checks (and the baseline check) on scored data."""
    frame = scored_frame(informative_b=informative_b)
    ctx = predictions_context(
        frame, sensitive=["group"], target="y", decisions="decision", scores="score"
    )
    ctx = dataclasses.replace(
        ctx,
        baseline_path=baseline,
        baseline=read_report(baseline, what="baseline report") if baseline else None,
    )
    results = run_checks(ctx, POLICY, checks=CHECKS, debug=True)
    return {
        "schema_version": "1.0",
        "verdict": verdict(results).value,
        "inputs": {"data_path": "memory.csv", "model_path": None, "target": "y"},
        "results": to_jsonable(list(results)),
    }


def write(path: Path, report: dict[str, Any]) -> Path:
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    return {
        "good": write(folder / "good.json", audit(informative_b=True)),
        "worse": write(folder / "worse.json", audit(informative_b=False)),
    }


def result_of(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(r for r in report["results"] if r["check_id"] == check_id)


def test_baseline_is_skipped_without_a_baseline() -> None:
    assert result_of(audit(True), "consistency.baseline")["status"] == "skip"


def test_baseline_stays_quiet_when_nothing_changed(reports: dict[str, Path]) -> None:
    result = result_of(audit(True, baseline=reports["good"]), "consistency.baseline")
    assert result["status"] == "pass"
    assert result["metrics"]["regressed"] is False
    assert all(d["delta"] == 0 for d in result["metrics"]["deltas"])
    assert len(result["metrics"]["deltas"]) >= 8


def test_baseline_flags_a_planted_regression(reports: dict[str, Path]) -> None:
    result = result_of(audit(False, baseline=reports["good"]), "consistency.baseline")
    assert result["status"] == "fail"
    worse = {(d["check_id"], d["metric"]) for d in result["metrics"]["deltas"] if d["regression"]}
    assert ("performance.overall", "roc_auc") in worse
    assert ("performance.group_gap", "roc_auc_gap") in worse
    assert result["metrics"]["new_verdict"] == "fail" and result["metrics"]["old_verdict"] == "pass"


def test_an_improvement_is_not_a_regression(reports: dict[str, Path]) -> None:
    result = result_of(audit(True, baseline=reports["worse"]), "consistency.baseline")
    assert result["status"] == "pass"
    assert result["metrics"]["resolved_findings"]
    assert not result["metrics"]["new_findings"]


def report_with(
    evidence: dict[str, Any],
    status: str = "pass",
    check: str = "fairness.selection_rate",
    findings: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    finding = {
        "subject": "gender = female",
        "title": "Selection rate",
        "status": status,
        "message": "m",
        "evidence": [evidence],
    }
    return {
        "schema_version": "1.0",
        "verdict": status,
        "results": [
            {"check_id": check, "status": status, "findings": [finding, *(findings or [])]}
        ],
    }


def ratio(estimate: float, low: float | None, high: float | None) -> dict[str, Any]:
    return {
        "metric": "selection_rate_ratio",
        "estimate": estimate,
        "ci_low": low,
        "ci_high": high,
        "confidence": 0.95,
        "threshold": 0.8,
    }


def test_compare_delta_interval_combines_both_intervals() -> None:
    old, new = report_with(ratio(0.95, 0.90, 1.00)), report_with(ratio(0.70, 0.65, 0.75))
    (delta,) = compare_reports(old, new).deltas
    assert delta.delta == pytest.approx(-0.25)
    half = 1.959964 * ((0.05 / 1.959964) ** 2 * 2) ** 0.5
    assert delta.ci_low == pytest.approx(-0.25 - half, abs=1e-5)
    assert delta.regression


def test_compare_ignores_changes_inside_the_noise_or_without_intervals() -> None:
    noisy = compare_reports(
        report_with(ratio(0.95, 0.80, 1.10)), report_with(ratio(0.90, 0.75, 1.05))
    )
    assert not noisy.regressed and noisy.deltas[0].worse and not noisy.deltas[0].significant
    bare = compare_reports(
        report_with(ratio(0.95, None, None)), report_with(ratio(0.60, None, None))
    )
    assert not bare.regressed


def test_compare_counts_a_new_failing_fairness_finding_as_a_regression() -> None:
    old = report_with(ratio(0.9, 0.85, 0.95), status="warn")
    new = report_with(ratio(0.9, 0.85, 0.95), status="fail")
    comparison = compare_reports(old, new)
    assert [f.new_status for f in comparison.new_findings] == ["fail"]
    assert comparison.regressed
    # The same change in a check outside fairness/performance is reported, not gated.
    old["results"][0]["check_id"] = new["results"][0]["check_id"] = "explain.group_importance"
    assert not compare_reports(old, new).regressed


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("roc_auc", "higher"),
        ("selection_rate_ratio", "higher"),
        ("ece", "lower"),
        ("balanced_accuracy_gap", "lower"),
        ("true_positive_rate_difference", "lower"),
        ("selection_rate[female]", None),
        ("nmi", None),
    ],
)
def test_direction_of_metrics(metric: str, expected: str | None) -> None:
    assert direction(metric) == expected


def test_read_report_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_report(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        read_report(broken)
    other = write(tmp_path / "other.json", {"hello": "world"})
    with pytest.raises(InputError, match="not a trustscan JSON report"):
        read_report(other)


def test_diff_exit_codes(reports: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    same = runner.invoke(main, ["diff", str(reports["good"]), str(reports["good"])])
    assert same.exit_code == 0, same.output
    assert "nothing got significantly worse" in same.output
    worse = runner.invoke(main, ["diff", str(reports["good"]), str(reports["worse"])])
    assert worse.exit_code == 1, worse.output
    assert "verdict: pass -> fail" in worse.output and "WORSE" in worse.output
    better = runner.invoke(main, ["diff", str(reports["worse"]), str(reports["good"]), "--json"])
    assert better.exit_code == 0
    assert json.loads(better.output)["resolved_findings"]
    missing = runner.invoke(main, ["diff", str(reports["good"]), str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_scan_with_baseline_end_to_end(
    applicants_csv: Path, pipeline_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trustscan.toml").write_text(
        'only = ["performance.", "consistency."]\n[stats]\nbootstrap_resamples = 200\n',
        encoding="utf-8",
    )
    args = [
        "scan",
        "--model",
        str(pipeline_model),
        "--data",
        str(applicants_csv),
        "--target",
        "hired",
        "-s",
        "gender",
        "--no-ledger",
        "-q",
    ]
    runner = CliRunner()
    first = runner.invoke(main, [*args, "--json", "old.json"])
    assert first.exit_code in (0, 1), first.output
    second = runner.invoke(main, [*args, "--json", "new.json", "--baseline", "old.json"])
    assert second.exit_code in (0, 1), second.output
    new = json.loads((tmp_path / "new.json").read_text(encoding="utf-8"))
    baseline = result_of(new, "consistency.baseline")
    assert baseline["status"] == Status.PASS.value and baseline["metrics"]["deltas"]
    bad = runner.invoke(main, [*args, "--baseline", "missing.json"])
    assert bad.exit_code == 2 and "baseline report not found" in bad.output


def test_only_headline_or_thresholded_performance_metrics_gate() -> None:
    def overall(metric: str, estimate: float, threshold: float | None = None) -> dict[str, Any]:
        evidence = {
            "metric": metric,
            "estimate": estimate,
            "ci_low": estimate - 0.01,
            "ci_high": estimate + 0.01,
            "confidence": 0.95,
            "threshold": threshold,
        }
        return report_with(evidence, check="performance.overall")

    # Precision trades off against recall when only the threshold moved: reported, not gated.
    precision = compare_reports(overall("precision", 0.8), overall("precision", 0.6))
    assert precision.deltas[0].worse and precision.deltas[0].significant
    assert not precision.regressed
    assert compare_reports(overall("precision", 0.8, 0.7), overall("precision", 0.6, 0.7)).regressed
    assert compare_reports(overall("roc_auc", 0.8), overall("roc_auc", 0.7)).regressed


def test_compare_notes_a_different_policy_or_dataset() -> None:
    old = {
        **report_with(ratio(0.9, 0.85, 0.95)),
        "policy_sha256": "a" * 64,
        "inputs": {"data_path": "jan.csv"},
    }
    new = {
        **report_with(ratio(0.9, 0.85, 0.95)),
        "policy_sha256": "b" * 64,
        "inputs": {"data_path": "feb.csv"},
    }
    notes = compare_reports(old, new).notes
    assert any("policy_sha256" in n for n in notes) and any("feb.csv" in n for n in notes)
