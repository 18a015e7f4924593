"""`trustscan render`: a saved JSON report renders again, and the HTML then shows its sign-offs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustscan.cli import main
from trustscan.ledger import append_signoff
from trustscan.report import OutputFormat, render
from trustscan.report.json_format import report_from_dict


@pytest.fixture()
def scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    rng_rows = "\n".join(f"{i},{'ab'[i % 2]},{(i * 7) % 3 == 0:d}" for i in range(200))
    (tmp_path / "d.csv").write_text("x,g,decision\n" + rng_rows + "\n")
    result = CliRunner().invoke(
        main,
        [
            "scan",
            "--data",
            "d.csv",
            "--predictions",
            "decision",
            "--sensitive",
            "g",
            "--json",
            "report.json",
            "--fail-on",
            "never",
        ],
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "report.json"


def test_json_report_round_trips_to_identical_text(scanned: Path) -> None:
    text = scanned.read_text()
    assert render(OutputFormat.JSON, report_from_dict(json.loads(text))) == text


def test_rendered_html_shows_the_signoffs_bound_to_the_report(scanned: Path) -> None:
    digest = hashlib.sha256(scanned.read_bytes()).hexdigest()
    append_signoff(
        Path(".trustscan/ledger.jsonl"),
        report_sha256=digest,
        by="Dana Approver",
        role="approver",
        verdict="pass",
    )
    append_signoff(
        Path(".trustscan/ledger.jsonl"),
        report_sha256="0" * 64,
        by="Someone Else",
        role="approver",
        verdict="pass",
    )
    result = CliRunner().invoke(main, ["render", "report.json", "--html", "signed.html"])
    assert result.exit_code == 0, result.output
    assert "1 sign-off(s)" in result.output
    html = Path("signed.html").read_text()
    assert "Dana Approver" in html
    assert "Someone Else" not in html  # bound to another report's hash


def test_render_without_an_output_is_an_input_error(scanned: Path) -> None:
    result = CliRunner().invoke(main, ["render", "report.json"])
    assert result.exit_code == 2
    assert "--html" in result.output


def test_render_of_a_non_report_file_is_an_input_error(scanned: Path) -> None:
    Path("other.json").write_text('{"hello": 1}')
    result = CliRunner().invoke(main, ["render", "other.json", "--html", "x.html"])
    assert result.exit_code == 2
    assert "not a trustscan JSON report" in result.output
    assert not Path("x.html").exists()
