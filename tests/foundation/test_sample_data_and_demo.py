"""The shipped sample data is what the generator makes, and the demo runs end to end."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from trustscan.cli import main

REPO = Path(__file__).resolve().parents[2]


def load_generator() -> Any:  # the script, loaded as a module
    spec = importlib.util.spec_from_file_location(
        "gen", REPO / "scripts" / "generate_sample_data.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    for path in load_generator().generate(tmp_path):
        assert path.read_bytes() == (REPO / "sample_data" / path.name).read_bytes(), path.name


def test_sample_data_is_small() -> None:
    total = sum(p.stat().st_size for p in (REPO / "sample_data").glob("*.csv"))
    assert total < 3_000_000


def test_planted_harms_are_in_the_sample_data() -> None:
    import pandas as pd

    recruiting = pd.read_csv(REPO / "sample_data" / "recruiting.csv")
    rates = recruiting.groupby("gender")["hired"].mean()
    assert rates["female"] / rates["male"] < 0.6
    assert (
        recruiting.loc[recruiting.gender == "male", ["womens_club", "womens_college"]].sum().sum()
        == 0
    )
    fair = pd.read_csv(REPO / "sample_data" / "fair_lending.csv")
    rates = fair.groupby("gender")["approved"].mean()
    assert rates.min() / rates.max() > 0.9


@pytest.mark.slow
def test_demo_writes_reports_for_every_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--out", "demo", "--quiet"])
    assert result.exit_code == 0, result.output
    for case in ("recruiting", "retail", "fair_lending"):
        report = json.loads((tmp_path / "demo" / case / "report.json").read_text())
        assert report["inputs"]["model_path"].endswith(f"{case}.skops")
        assert (tmp_path / "demo" / case / "report.html").exists()
        # Each case is documented by its shipped model card and consequence scan, and every
        # failing finding of the audit is linked from a consequence.
        docs = {r["check_id"]: r for r in report["results"] if r["check_id"].startswith("docs.")}
        card, scan = docs["docs.model_card"], docs["docs.consequence_scan"]
        assert card["status"] == "pass", card["summary"]
        assert Path(card["metrics"]["path"]).parts[-3:] == ("governance", case, "model_card.yaml")
        assert scan["status"] == "pass", scan["summary"]
        assert scan["metrics"]["schema_errors"] == 0
        assert scan["metrics"]["uncovered"] == []
        failing = [r for r in report["results"] if r["status"] == "fail"]
        assert (scan["metrics"]["failed_findings"] > 0) == bool(failing), case
        assert bool(failing) == (case != "fair_lending"), case
    # The recruiting banner names the planted gender gap with its ratio and interval, and the
    # terminal-facing Markdown and the JSON agree on it.
    recruiting = tmp_path / "demo" / "recruiting"
    headline = json.loads((recruiting / "report.json").read_text())["verdict"]["headline"]
    assert headline["subject"] == "gender = female" and headline["scope"] == "attribute"
    assert headline["sentence"].startswith("Women are selected at 49% of the rate of men")
    assert "95% CI of the ratio 0.4" in headline["sentence"]
    html = (recruiting / "report.html").read_text()
    banner = html.split('class="verdict-headline">', 1)[1].split("</p>", 1)[0]
    assert banner.startswith("Main finding: Women are selected at 49% of the rate of men")
    assert "Main finding: Women are selected at 49%" in (recruiting / "summary.md").read_text()
