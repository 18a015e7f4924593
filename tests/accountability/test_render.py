"""`trustscan render`: a saved JSON report renders again, and the HTML then shows its sign-offs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trustscan.cli import main
from trustscan.governance.ledger.writer import append_signoff
from trustscan.report import OutputFormat, render
from trustscan.report.json_format import report_from_dict


def scan_decisions(*outputs: str) -> Result:
    """Scan the logged decisions in d.csv (never failing the gate), writing ``outputs``."""
    return CliRunner().invoke(
        main,
        [
            "scan",
            "--data",
            "d.csv",
            "--predictions",
            "decision",
            "--sensitive",
            "g",
            "--fail-on",
            "never",
            *outputs,
        ],
    )


@pytest.fixture()
def scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    rng_rows = "\n".join(f"{i},{'ab'[i % 2]},{(i * 7) % 3 == 0:d}" for i in range(200))
    (tmp_path / "d.csv").write_text("x,g,decision\n" + rng_rows + "\n")
    result = scan_decisions("--json", "report.json")
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


def test_second_scan_report_names_the_ledger_entry_it_chains_to(scanned: Path) -> None:
    first = json.loads(scanned.read_text())
    assert "ledger_head" not in first["provenance"]  # a new ledger has no head yet
    result = scan_decisions("--json", "second.json", "--html", "second.html")
    assert result.exit_code == 0, result.output
    head = json.loads(Path("second.json").read_text())["provenance"]["ledger_head"]
    entries = [
        json.loads(line) for line in Path(".trustscan/ledger.jsonl").read_text().splitlines()
    ]
    assert head["chains_to_sequence"] == entries[0]["sequence"]
    assert head["chains_to_entry_hash"] == entries[0]["entry_hash"]
    assert entries[1]["prev_hash"] == entries[0]["entry_hash"]
    assert head["chains_to_entry_hash"] in Path("second.html").read_text()


def test_render_prints_a_saved_report_to_pdf(scanned: Path) -> None:
    from trustscan.report.pdf import find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium not found on PATH; the browser tests make CI install it")
    result = CliRunner().invoke(main, ["render", "report.json", "--pdf", "again.pdf"])
    assert result.exit_code == 0, result.output
    assert Path("again.pdf").read_bytes().startswith(b"%PDF-")


def as_schema_2(report: dict[str, object]) -> dict[str, object]:
    """The same report in the 2.x layout: the scoring keys inside each result's metrics."""
    results = []
    for result in report["results"]:  # type: ignore[attr-defined]
        scoring = result["scoring"]
        kept = {k: v for k, v in scoring.items() if k != "score_input" or v is not None}
        others = {k: v for k, v in result.items() if k != "scoring"}
        results.append({**others, "metrics": {**result["metrics"], **kept}})
    return {**report, "schema_version": "2.0", "results": results}


def test_a_2x_report_reads_as_the_same_report_in_the_3x_layout(scanned: Path) -> None:
    text = scanned.read_text()
    current = json.loads(text)
    assert current["schema_version"] == "3.0"
    scored = [r for r in current["results"] if r["scoring"]["score_input"] is not None]
    assert scored, "the fairness check is scored by a measured value"
    assert all("score_input" not in r["metrics"] for r in current["results"])
    old = as_schema_2(current)
    assert any("score_input" in r["metrics"] for r in old["results"])  # type: ignore[attr-defined]
    assert report_from_dict(old).results == report_from_dict(current).results
    assert render(OutputFormat.JSON, report_from_dict(old)) == text
