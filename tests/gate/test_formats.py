"""The JUnit, SARIF, Markdown and terminal formatters on reports with known content."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from tests.scoring.helpers import finding, report, result
from trustscan.policy import Policy
from trustscan.report import OutputFormat, junit, markdown, render, sarif
from trustscan.report.terminal import print_case_block, print_summary
from trustscan.types import Dimension, Report, Status

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-2.1.0-subset.schema.json").read_text())
EVIL = "<script>alert(1)</script>|**x**\x00[link](http://e.vil)"


def mixed_report(policy: Policy | None = None) -> Report:
    waived = replace(
        finding("fairness.error_rates", Status.FAIL, "race = other"),
        waived=True,
        waiver_reason="accepted by the board",
    )
    results = (
        result(
            "fairness.selection_rate",
            Status.FAIL,
            findings=(
                finding("fairness.selection_rate", Status.FAIL, "gender = female"),
                finding("fairness.selection_rate", Status.PASS, "race = black"),
            ),
        ),
        result("fairness.error_rates", Status.PASS, findings=(waived,)),
        result("docs.model_card", Status.WARN, dimension=Dimension.OPENNESS),
        result("explain.importance", Status.SKIP, dimension=Dimension.OPENNESS),
        result("data.quality", Status.ERROR, dimension=Dimension.INTEGRITY),
        result("trace.provenance", Status.PASS, dimension=Dimension.ACCOUNTABILITY),
    )
    return report(results, policy=policy)


def test_every_format_has_its_own_default_file_name() -> None:
    names = [f.default_filename for f in OutputFormat]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    "output_format", [OutputFormat.JUNIT, OutputFormat.MARKDOWN, OutputFormat.SARIF]
)
def test_ci_formats_render_through_the_enum(output_format: OutputFormat) -> None:
    assert render(output_format, mixed_report())


def test_junit_has_one_testcase_per_check_with_the_right_outcome() -> None:
    root = ET.fromstring(junit.render(mixed_report()))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == [r.check_id for r in mixed_report().results]
    assert cases["fairness.selection_rate"].find("failure") is not None
    assert cases["data.quality"].find("error") is not None
    assert cases["explain.importance"].find("skipped") is not None
    # A warning does not fail the default gate (fail on fail): it is reported, not failed.
    assert cases["docs.model_card"].find("failure") is None
    assert "warn" in (cases["docs.model_card"].findtext("system-out") or "")
    # The waived failure passes, and says it was waived.
    assert cases["fairness.error_rates"].find("failure") is None
    assert "waived: accepted by the board" in (
        cases["fairness.error_rates"].findtext("system-out") or ""
    )
    suite = root.find("testsuite")
    assert suite is not None
    assert (
        suite.get("tests"),
        suite.get("failures"),
        suite.get("errors"),
        suite.get("skipped"),
    ) == (
        "6",
        "1",
        "1",
        "1",
    )
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert {f"score.{d.value}" for d in Dimension} <= set(properties)
    assert properties["verdict"] == "fail"


def test_junit_failures_follow_fail_on_warn() -> None:
    root = ET.fromstring(junit.render(mixed_report(Policy(fail_on="warn"))))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["docs.model_card"].find("failure") is not None


def test_junit_survives_hostile_strings() -> None:
    hostile = report(
        (
            result(
                "data.quality",
                Status.FAIL,
                summary=EVIL,
                findings=(finding("data.quality", Status.FAIL, EVIL, message=EVIL),),
            ),
        )
    )
    root = ET.fromstring(junit.render(hostile))  # parses: control characters were replaced
    failure = root.find(".//failure")
    assert failure is not None and "<script>" in (failure.get("message") or "")


def test_sarif_validates_and_has_one_result_per_finding() -> None:
    log = json.loads(sarif.render(mixed_report()))
    jsonschema.validate(log, SARIF_SCHEMA)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    results = run["results"]
    # 2 + 1 findings, plus the warning without findings; skip and error are not results.
    assert [r["ruleId"] for r in results] == [
        "fairness.selection_rate",
        "fairness.selection_rate",
        "fairness.error_rates",
        "docs.model_card",
    ]
    assert [r["level"] for r in results] == ["error", "none", "error", "warning"]
    assert [r["kind"] for r in results] == ["fail", "pass", "fail", "review"]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    suppressed = results[2]["suppressions"][0]
    assert (
        suppressed["kind"] == "external" and "accepted by the board" in suppressed["justification"]
    )
    assert run["invocations"][0]["executionSuccessful"] is False
    assert (
        run["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"] == "data.quality"
    )
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "models/model.skops"
    fingerprints = {r["partialFingerprints"]["trustscanFinding/v1"] for r in results}
    assert len(fingerprints) == len(results)
    assert fingerprints == {
        r["partialFingerprints"]["trustscanFinding/v1"]
        for r in json.loads(sarif.render(mixed_report()))["runs"][0]["results"]
    }


def test_sarif_uris_are_relative_to_the_root_or_absolute_file_uris(tmp_path: Path) -> None:
    inside = tmp_path / "models" / "my model.skops"
    assert sarif.artifact_uri(str(inside), tmp_path) == "models/my%20model.skops"
    assert sarif.artifact_uri("/elsewhere/m.skops", tmp_path) == "file:///elsewhere/m.skops"


def test_markdown_summary_escapes_user_strings_and_lists_waivers() -> None:
    hostile = report(
        (result("data.quality", Status.FAIL, summary=EVIL),),
        data_path=f"/data/{EVIL}.csv",
    )
    text = markdown.render(hostile)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\[link\\](http" in text  # brackets escaped: no live link
    assert "\x00" not in text
    assert "\\|" in text  # a pipe cannot break the table
    mixed = markdown.render(mixed_report())
    for dimension in Dimension:
        assert f"| {dimension.value} |" in mixed
    assert "FAIL" in mixed and "`fairness.selection_rate`" in mixed
    assert "accepted by the board" in mixed


def test_terminal_summary_shows_six_dimensions_coverage_and_failing_reasons() -> None:
    console = Console(record=True, width=140, color_system=None)
    print_summary(mixed_report(), [], console=console, verbose=True)
    text = console.export_text()
    for dimension in Dimension:
        assert dimension.value in text
    assert "Coverage" in text and "Overall grade" in text
    assert "fairness.selection_rate fail" in text  # the one-line reason
    assert "trace.provenance" not in text.split("Checks needing attention")[1]  # passes stay out
    assert "waived: fairness.error_rates race = other: accepted by the board" in text


def test_default_terminal_summary_is_calm_and_says_the_gate_in_words() -> None:
    console = Console(record=True, width=100, color_system=None)
    print_summary(mixed_report(), [Path("out/report.html"), Path("out/report.json")], console)
    text = console.export_text()
    lines = text.splitlines()
    assert len(lines) <= 30
    assert lines[1].startswith("Verdict: FAIL (incomplete audit). Main finding:")
    for dimension in Dimension:
        assert dimension.value in text
    assert "Checks needing attention" not in text  # --verbose only
    assert "1 waived finding(s)" in text
    assert "it fails when a check fails or cannot run" in text
    assert "policy " not in text and "fail on fail" not in text  # no jargon, no hash
    assert lines[-1] == "Wrote report.html, report.json to out"


def test_default_terminal_summary_lists_the_five_worst_findings_and_verbose_all() -> None:
    failures = tuple(
        result(
            f"fairness.check_{i}",
            Status.FAIL,
            findings=(finding(f"fairness.check_{i}", Status.FAIL, f"group = g{i}"),),
        )
        for i in range(8)
    )
    calm = Console(record=True, width=80, color_system=None)
    print_summary(report(failures), [], calm)
    text = calm.export_text()
    assert "Worst 5 of 8 findings (--verbose lists all):" in text
    assert sum(line.startswith("  FAIL fairness.check_") for line in text.splitlines()) == 5
    assert len(text.splitlines()) <= 30
    loud = Console(record=True, width=80, color_system=None)
    print_summary(report(failures), [], loud, verbose=True)
    listed = [line for line in loud.export_text().splitlines() if line.startswith("  FAIL ")]
    assert len(listed) == 8


def test_progress_is_shown_only_on_an_interactive_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trustscan.report.terminal import progress_reporter

    with progress_reporter(enabled=True) as progress:
        assert progress is None  # pytest's stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    with progress_reporter(enabled=False) as progress:
        assert progress is None  # --quiet
    with progress_reporter(enabled=True) as progress:
        assert progress is not None
        progress("data.quality", 0, 1)
    monkeypatch.setenv("CI", "true")
    with progress_reporter(enabled=True) as progress:
        assert progress is None  # CI logs


def test_the_demo_prints_one_compact_block_per_case() -> None:
    console = Console(record=True, width=80, color_system=None)
    print_case_block(mixed_report(), Path("demo/recruiting/report.html"), console)
    lines = console.export_text().splitlines()
    assert len(lines) <= 9
    assert lines[0].startswith("  Verdict: FAIL")
    assert lines[1].startswith("  Scores: ethics ") and "consistency" in " ".join(lines[1:3])
    assert lines[-1] == "  Report: demo/recruiting/report.html"
