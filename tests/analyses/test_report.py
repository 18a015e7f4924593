"""The analyses reach the HTML report: their section, tables and fair-control verdicts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.analyses.conftest import demo_config
from trustscan.pipeline import run_audit
from trustscan.policy import Policy
from trustscan.report import html
from trustscan.types import Report, Status

ANALYSES = (
    "fairness.data_bias",
    "fairness.conditional_disparity",
    "fairness.slice_search",
    "fairness.mitigation_preview",
)


def _audit(name: str, folder: Path, **config: object) -> Report:
    scan = demo_config(name, folder, Policy(only=("fairness.",)))
    return run_audit(replace(scan, **config))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def recruiting_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _audit("recruiting", tmp_path_factory.mktemp("r"), condition="education")


def test_recruiting_report_shows_the_data_bias_section(recruiting_report: Report) -> None:
    page = html.render(recruiting_report)
    assert 'id="analyses"' in page
    assert "Historical gap (labels) vs model gap (decisions), by group" in page
    assert "Label distribution of each group against the rest" in page
    assert "held-out rows, by gender (not a recommendation" in page
    assert "2000e-2(l)" in page
    assert "Discovered subgroups (held-out numbers; confirmed first)" in page


def test_recruiting_report_shows_the_gap_within_education_levels(recruiting_report: Report) -> None:
    page = html.render(recruiting_report)
    assert "Gap overall vs within the same education" in page
    result = recruiting_report.result("fairness.conditional_disparity")
    assert result is not None and result.status is Status.FAIL
    female = next(r for r in result.metrics["groups"] if r["group"] == "female")
    assert female["effect"] == "persists"


def test_fair_control_raises_no_warning_or_failure_in_the_analyses(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    report = _audit("fair_lending", tmp_path_factory.mktemp("f"), condition="age_group")
    for check_id in ANALYSES:
        result = report.result(check_id)
        assert result is not None
        assert result.status in (Status.PASS, Status.SKIP), (check_id, result.summary)
