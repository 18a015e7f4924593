"""The HTML report without a browser: escaping, self-containment, sections, scores, size."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from trustscan.checks import registry
from trustscan.errors import InputError
from trustscan.report import OutputFormat, charts, render
from trustscan.report.html import presenter, renderers
from trustscan.report.pdf import html_to_pdf
from trustscan.types import AuditInputs, CheckResult, Dimension, Report, Severity, Status

from .hostile import COLUMN, EVIL, GROUP, hostile_report

SECTION_TITLES = [
    "Executive summary",
    "Fairness",
    "Sensitive inference",
    "Explainability",
    "Competence & consistency",
    "Traceability",
    "Consequence Scan",
    "Methodology",
]


def svg_blocks(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def test_hostile_strings_are_escaped_everywhere() -> None:
    html = render(OutputFormat.HTML, hostile_report())
    # The template itself has no script or image elements, so any would be injected.
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert 'onerror="' not in html
    escaped = "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;"
    assert escaped in html
    # Column names and group labels reach tables, chart labels and chart text alternatives.
    assert any("&lt;script&gt;" in block for block in svg_blocks(html))
    assert f'<th scope="col">{COLUMN}' not in html
    assert html.count(escaped) >= 20


def test_every_renderer_handles_the_hostile_metrics_without_falling_back() -> None:
    report = hostile_report()
    ctx = renderers.RenderContext(report.policy)
    for result in report.results:
        extras = renderers.render(result, ctx)  # must not raise
        spec = registry.spec_by_id(result.check_id)
        if (
            spec is not None
            and spec.renderer is not None
            and result.check_id
            not in (
                "trace.provenance",
                "docs.consequence_scan",
            )
        ):
            assert extras.charts or extras.tables, result.check_id


def test_chart_labels_are_escaped_and_missing_numbers_drawn_as_nothing() -> None:
    chart = charts.bar_chart(
        [
            charts.Bar(GROUP, 0.4, 0.3, 0.5, "fail", f"note {EVIL}"),
            charts.Bar("empty group", math.nan, None, None),
        ],
        title=f"title {EVIL}",
        description=f"desc {EVIL}",
        references=(charts.ReferenceLine(0.32, f"line {EVIL}"),),
        ident="c1",
    )
    svg = str(chart.svg)
    assert "<script" not in svg and "<img" not in svg
    assert not re.search(r'="[^"]*nan', svg, flags=re.I), "no NaN coordinates"
    assert 'role="img"' in svg and '<title id="c1-t">' in svg and '<desc id="c1-d">' in svg
    assert "&lt;script&gt;" in svg


def test_report_is_one_self_contained_file(demo_html: Path) -> None:
    html = demo_html.read_text(encoding="utf-8")
    assert demo_html.stat().st_size < 2 * 1024 * 1024
    lowered = html.lower()
    for forbidden in ("<script", "<link", "<iframe", "<img", "@import", " src="):
        assert forbidden not in lowered, forbidden
    # Only the SVG namespace may look like a URL; url(...) only points inside the document.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert not re.findall(r"url\((?!#)", html)
    assert "Content-Security-Policy" in html
    assert "@media print" in html


def test_every_section_heading_is_present_in_order(demo_html: Path) -> None:
    html = demo_html.read_text(encoding="utf-8")
    headings = [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<h2 id=[^>]*>(.*?)</h2>", html, re.S)
    ]
    titles = [h.replace("&amp;", "&") for h in headings]
    found = [next((t for t in SECTION_TITLES if h.startswith(t)), None) for h in titles]
    assert [f for f in found if f] == SECTION_TITLES


def test_six_dimensions_appear_with_scores(demo_report: Report, demo_html: Path) -> None:
    html = demo_html.read_text(encoding="utf-8")
    rows = {r["dimension"]: r["score"] for r in presenter.build(demo_report)["scores"]["rows"]}
    assert list(rows) == [d.value.capitalize() for d in Dimension]
    for dimension in ("Ethics", "Openness", "Accountability", "Consistency"):
        expected = next(
            s.score for s in demo_report.scores if s.dimension.value == dimension.lower()
        )
        assert expected is not None, dimension
        assert rows[dimension] == f"{expected:.0f}"
        assert re.search(
            rf'<th scope="row">{dimension}<span class="covers">[^<]*</span></th>'
            rf'<td class="num score">{rows[dimension]}</td>',
            html,
        )


def test_every_chart_has_a_text_alternative_and_every_table_header_cells(demo_html: Path) -> None:
    html = demo_html.read_text(encoding="utf-8")
    blocks = svg_blocks(html)
    assert len(blocks) >= 8  # scores, selection rates, leakage, importance, gaps, calibration...
    for block in blocks:
        assert 'role="img"' in block and "<title" in block and "<desc" in block
    for table in re.findall(r"<table\b.*?</table>", html, flags=re.S):
        assert '<th scope="col"' in table and "<caption>" in table


def test_status_is_never_told_by_colour_alone(demo_html: Path) -> None:
    html = demo_html.read_text(encoding="utf-8")
    badges = re.findall(
        r'<span class="badge badge-(\w+)[^"]*"><span class="badge-icon"[^>]*>(.*?)</span>(.*?)</span>',
        html,
        flags=re.S,
    )
    assert len(badges) > 20
    for _, icon, word in badges:
        assert icon.strip(), "every badge has an icon"
        assert re.search(r"[A-Za-z]{3,}", word), word


def test_the_same_report_renders_to_the_same_bytes(demo_report: Report) -> None:
    assert render(OutputFormat.HTML, demo_report) == render(OutputFormat.HTML, demo_report)


def _minimal(policy: dict[str, object]) -> Report:
    result = CheckResult(
        "data.quality", "Data quality", Dimension.INTEGRITY, Severity.MEDIUM, Status.PASS, "fine"
    )
    inputs = AuditInputs("d.csv", None, "predictions", "binary", 10, 2, None, (), ("a",), "1")
    return Report(
        "1.0",
        "0",
        "2026-01-01T00:00:00Z",
        inputs,
        policy,
        "0" * 64,
        (result,),
        (),
        Status.PASS,
        "fail",
        0,
    )


def test_a_section_whose_checks_did_not_run_says_why() -> None:
    sections = {s["id"]: s for s in presenter.build(_minimal({"skip": ["fairness."]}))["sections"]}
    fairness = sections["fairness"]
    assert fairness["empty_reason"].startswith("No check of this section produced a result")
    reasons = {m["id"]: m["reason"] for m in fairness["missing"]}
    assert reasons["fairness.selection_rate"] == "excluded by the policy's `skip` list"
    explain = {m["id"]: m["reason"] for m in sections["explainability"]["missing"]}
    assert explain["explain.feature_importance"] == "did not run in this audit"
    html = render(OutputFormat.HTML, _minimal({"only": ["data."]}))
    assert "not selected: the policy&#39;s `only` list leaves it out" in html
    assert "Not assessed." in html


def test_a_check_with_unexpected_metrics_still_renders() -> None:
    broken = CheckResult(
        "fairness.selection_rate",
        "Selection rate",
        Dimension.ETHICS,
        Severity.HIGH,
        Status.WARN,
        "odd metrics",
        metrics={
            "compared": ["selection_rate"],
            "groups": [{"feature": "g", "selection_rate": "high"}],
            "x": [1, {"a": 2}],
        },
    )
    report = _minimal({})
    report = Report(**{**report.__dict__, "results": (broken,)})
    html = render(OutputFormat.HTML, report)
    assert "odd metrics" in html


def test_pdf_without_chromium_is_a_clear_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("trustscan.report.pdf.find_chromium", lambda: None)
    with pytest.raises(InputError, match="--pdf needs Chromium"):
        html_to_pdf("<p>x</p>")


def test_consequences_are_grouped_by_disposition_when_the_check_lists_them() -> None:
    entries = [
        {
            "id": "C1",
            "statement": "Faster shortlists",
            "intended": True,
            "impact": "positive",
            "disposition": "act",
            "owner": "Ana",
            "due": "2030-01-01",
        },
        {
            "id": "C2",
            "statement": f"Women shortlisted less {EVIL}",
            "intended": False,
            "impact": "negative",
            "disposition": "monitor",
            "checks": ["fairness."],
        },
        {
            "id": "C3",
            "statement": "Vendor retrains on our data",
            "intended": False,
            "impact": "negative",
            "disposition": "influence",
        },
    ]
    scan = CheckResult(
        "docs.consequence_scan",
        "Consequence scan",
        Dimension.ACCOUNTABILITY,
        Severity.MEDIUM,
        Status.WARN,
        "3 consequence(s) recorded; 1 rule violation(s).",
        metrics={
            "entries": 3,
            "consequences": entries,
            "uncovered": [{"check_id": "fairness.selection_rate", "subject": GROUP}],
        },
    )
    report = _minimal({})
    report = Report(**{**report.__dict__, "results": (scan,)})
    view = next(s for s in presenter.build(report)["sections"] if s["id"] == "consequences")
    assert [g["title"] for g in view["extra"]["groups"]] == ["Act", "Influence", "Monitor"]
    html = render(OutputFormat.HTML, report)
    assert "Faster shortlists" in html and "<script" not in html
    assert "Failing findings no consequence covers yet" in html
