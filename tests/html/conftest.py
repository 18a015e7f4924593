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


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    from trustscan.config import make_scan_config
    from trustscan.demo import CASES, sample_data_path, train_and_save
    from trustscan.pipeline import run_audit

    root = tmp_path_factory.mktemp("demo")
    case = next(c for c in CASES if c.name == "recruiting")
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
    return run_audit(make_scan_config(options, cwd=root, command_line=("trustscan", "demo")))


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
