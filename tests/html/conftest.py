"""Fixtures for the HTML report tests: the recruiting demo case audited once per session, and
a report built by hand with hostile strings everywhere a user can put text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trustscan.types import Report

# The demo's model and data, audited with fewer resamples so the suite stays fast; the report
# has the same sections, checks, tables and charts as `trustscan demo` writes.
FAST_POLICY = """
[stats]
bootstrap_resamples = 200

[leakage]
sample_size = 2000

[explain]
sample_size = 1000
repeats = 2
"""


def audit_demo_case(name: str, root: Path) -> Report:
    """One demo case audited with the fast policy (the shipped governance docs included)."""
    from trustscan.config import make_scan_config
    from trustscan.demo import CASES, sample_data_path, train_and_save, with_governance_docs
    from trustscan.pipeline import run_audit

    case = next(c for c in CASES if c.name == name)
    model = train_and_save(case, root / "models")
    config = root / "trustscan.toml"
    config.write_text(FAST_POLICY)
    options = {
        "model": str(model),
        "data": str(sample_data_path(case)),
        "target": case.target,
        "sensitive": case.sensitive,
        "config": str(config),
    }
    scan = make_scan_config(options, cwd=root, command_line=("trustscan", "demo"))
    return run_audit(scan if name == "recruiting" else with_governance_docs(scan, case))


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return audit_demo_case("recruiting", tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_pages(demo_html: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The HTML reports of all three demo cases (the recruiting one shared with demo_html)."""
    from trustscan.report import OutputFormat, render

    pages = {"recruiting": demo_html}
    for name in ("retail", "fair_lending"):
        root = tmp_path_factory.mktemp(name)
        path = root / "report.html"
        path.write_text(render(OutputFormat.HTML, audit_demo_case(name, root)), encoding="utf-8")
        pages[name] = path
    return pages


@pytest.fixture(scope="session")
def demo_html(demo_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trustscan.report import OutputFormat, render

    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render(OutputFormat.HTML, demo_report), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def artifact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $TRUSTSCAN_ARTIFACTS when set (CI uploads it), else a temp dir."""
    configured = os.environ.get("TRUSTSCAN_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
