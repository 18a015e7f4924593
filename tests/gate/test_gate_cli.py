"""The CI gate end to end: exit codes on the bundled samples, machine outputs, waivers and
policy errors, through the real command line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result

from tests.gate.conftest import WorkflowRun, run_scan, sample_args
from trustscan.checks import ALL_CHECKS
from trustscan.resources import resource_dir
from trustscan.types import Dimension

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-2.1.0-subset.schema.json").read_text())
REPORT_SCHEMA = json.loads((resource_dir("schemas") / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def recruiting(
    demo_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Result, Path]:
    report = tmp_path_factory.mktemp("recruiting") / "r.json"
    args = [*sample_args("recruiting", demo_models["recruiting"]), "--json", str(report)]
    return run_scan(args), report


@pytest.fixture()
def fair(readme_workflow_run: WorkflowRun) -> WorkflowRun:
    """The fair control, scanned by the README's workflow command (every output format)."""
    return readme_workflow_run


def report_json(run: WorkflowRun) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(run.outputs["--json"].read_text())
    return report


def test_fair_control_passes_the_default_gate(fair: WorkflowRun) -> None:
    assert fair.result.exit_code == 0, fair.result.output
    assert report_json(fair)["verdict"]["status"] in ("pass", "warn")


def test_recruiting_model_fails_the_default_gate(recruiting: tuple[Result, Path]) -> None:
    result, report = recruiting
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text())
    assert data["verdict"]["status"] == "fail"
    statuses = {r["check_id"]: r["status"] for r in data["results"]}
    assert statuses["fairness.selection_rate"] == "fail"
    ethics = next(s for s in data["scores"] if s["dimension"] == "ethics")
    selection = next(
        c for c in ethics["contributions"] if c["check_id"] == "fairness.selection_rate"
    )
    assert selection["score"] <= 40  # the fail band
    # A critical failure caps the dimension: passing ethics checks cannot average it away.
    assert ethics["score"] <= 40
    assert "fairness.selection_rate" in ethics["capped_by"]
    text = " ".join(result.output.split())
    assert "Verdict: FAIL" in text
    assert "fairness.selection_rate" in text  # named with its reason among the failing checks


def test_bad_input_exits_2_without_outputs(tmp_path: Path) -> None:
    result = run_scan(
        ["--data", str(tmp_path / "missing.csv"), "--predictions", "p",
         "--junit", str(tmp_path / "j.xml"), "--sarif", str(tmp_path / "s.sarif")]
    )  # fmt: skip
    assert result.exit_code == 2
    assert "data file not found" in result.output
    assert not list(tmp_path.iterdir())


def test_junit_file_parses_with_one_testcase_per_check(fair: WorkflowRun) -> None:
    root = ET.parse(fair.outputs["--junit"]).getroot()
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == [r["check_id"] for r in report_json(fair)["results"]]
    assert sorted(map(str, names)) == sorted(
        c.id for c in ALL_CHECKS
    )  # the default policy runs all


def test_sarif_file_validates(fair: WorkflowRun) -> None:
    log = json.loads(fair.outputs["--sarif"].read_text())
    jsonschema.validate(log, SARIF_SCHEMA)
    findings = sum(
        len(r["findings"]) for r in report_json(fair)["results"] if r["status"] != "error"
    )
    assert len(log["runs"][0]["results"]) >= findings


def test_six_dimension_scores_and_coverage_in_json_and_terminal(fair: WorkflowRun) -> None:
    data = report_json(fair)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert [s["dimension"] for s in data["scores"]] == [d.value for d in Dimension]
    for score in data["scores"]:
        assert 0 <= score["coverage"] <= 1
        for row in score["contributions"]:
            assert {"check_id", "score", "weight", "contribution"} <= set(row)
    assert data["overall"]["dimension"] in {d.value for d in Dimension}
    output = fair.result.output
    assert "Coverage" in output and "Overall grade" in output
    for dimension in Dimension:
        assert dimension.value in output


def test_markdown_goes_to_file_and_github_step_summary(fair: WorkflowRun) -> None:
    summary = fair.outputs["--markdown"].read_text()
    assert summary.startswith("## trustscan:")
    step = fair.step_summary.read_text()
    assert step.startswith("earlier step\n")  # appended, not overwritten
    assert summary in step


# --- waivers and policy errors, on a cheap predictions-only failure -----------------------


@pytest.fixture()
def failing_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An entirely empty feature makes data.quality fail."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text(
        "x,empty,decision\n" + "".join(f"{i},,{i % 2}\n" for i in range(40))
    )
    return tmp_path


def write_policy(folder: Path, text: str) -> None:
    (folder / "trustscan.toml").write_text('data = "d.csv"\npredictions = "decision"\n' + text)


def waiver(expires: str) -> str:
    return (
        '[[waiver]]\ncheck = "data.quality"\nsubject = "empty"\n'
        'reason = "column retired next release"\napproved_by = "Data lead"\n'
        f"expires = {expires}\n"
    )


def test_without_a_waiver_the_failure_fails_the_gate(failing_data: Path) -> None:
    write_policy(failing_data, "")
    result = run_scan(["--json", "r.json"])
    assert result.exit_code == 1, result.output


def test_a_waiver_turns_a_fail_into_a_waived_pass_of_the_gate(failing_data: Path) -> None:
    write_policy(failing_data, waiver("2999-12-31"))  # an unquoted TOML date works too
    result = run_scan(["--json", "r.json", "--junit", "j.xml"])
    assert result.exit_code == 0, result.output
    data = json.loads((failing_data / "r.json").read_text())
    quality = next(r for r in data["results"] if r["check_id"] == "data.quality")
    waived = [f for f in quality["findings"] if f["waived"]]
    assert waived and waived[0]["status"] == "fail"  # still shown as what it was
    assert "column retired next release" in waived[0]["waiver_reason"]
    assert "waived" in result.output
    case = next(
        c
        for c in ET.parse(failing_data / "j.xml").getroot().iter("testcase")
        if c.get("name") == "data.quality"
    )
    assert case.find("failure") is None


def test_an_expired_waiver_does_not_apply_and_the_report_says_so(failing_data: Path) -> None:
    write_policy(failing_data, waiver('"2000-01-01"'))
    result = run_scan(["--json", "r.json"])
    assert result.exit_code == 1, result.output
    data = json.loads((failing_data / "r.json").read_text())
    assert any("expired on 2000-01-01" in note for note in data["notes"])
    assert "expired on 2000-01-01" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("policy", "named"),
    [
        ("colour = 1\n", "colour"),
        ("[fairness]\nimpact_ratio = 0.8\n", "fairness.impact_ratio"),
        ('fail_on = "sometimes"\n', "fail_on"),
        ('[fairness]\nimpact_ratio_min = "high"\n', "fairness.impact_ratio_min"),
        ('[weights]\n"data.qualty" = 2\n', "weights.data.qualty"),
        (waiver('"next spring"'), "waiver.expires"),
        (waiver("2999-12-31").replace("data.quality", "data.qualty"), "waiver[0].check"),
    ],
)
def test_bad_policy_keys_and_values_exit_2_naming_the_key(
    failing_data: Path, policy: str, named: str
) -> None:
    write_policy(failing_data, policy)
    result = run_scan(["--json", "r.json"])
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert not (failing_data / "r.json").exists()


def test_recruiting_fairness_waiver_passes_the_gate_and_expired_one_does_not(
    demo_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # Only the fairness checks: the waiver is what is under test, not the other families.
    table = (
        'only = ["fairness."]\n[[waiver]]\ncheck = "fairness."\nreason = "pilot; remediation plan C3"\n'
        'approved_by = "Head of Risk"\nexpires = "{}"\n'
    )
    args = [*sample_args("recruiting", demo_models["recruiting"]), "--json", "r.json"]
    (tmp_path / "trustscan.toml").write_text(table.format("2999-12-31"))
    result = run_scan(args)
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text())
    fairness = next(r for r in data["results"] if r["check_id"] == "fairness.selection_rate")
    assert fairness["status"] == "pass"
    assert any(f["waived"] and f["status"] == "fail" for f in fairness["findings"])
    (tmp_path / "trustscan.toml").write_text(table.format("2000-01-01"))
    assert run_scan(args).exit_code == 1


def test_scan_prints_a_calm_summary_and_everything_with_verbose(failing_data: Path) -> None:
    write_policy(failing_data, "")
    calm = run_scan(["--json", "r.json"])
    assert calm.exit_code == 1, calm.output
    lines = calm.output.splitlines()
    assert len(lines) <= 30, calm.output
    assert any(line.startswith("Verdict: FAIL.") for line in lines)
    assert "it fails when a check fails or cannot run" in " ".join(calm.output.split())
    assert "Checks needing attention" not in calm.output
    loud = run_scan(["--json", "r2.json", "--verbose"])
    assert loud.exit_code == 1
    assert "Checks needing attention" in loud.output
