"""The report in a real browser: headless Chromium opens the demo report, takes a screenshot,
and must see no console error, no network request, and every section heading.

Locally the tests skip when Chromium is missing; under CI (``CI=true``) they fail instead,
because `.ci/run` installs Debian's chromium package.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from trustscan.report import OutputFormat, render
from trustscan.report.pdf import find_chromium, html_to_pdf
from trustscan.types import Dimension

from .browser import Browser, chromium
from .hostile import hostile_report
from .test_html_report import SECTION_TITLES

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

HEADINGS_JS = """
(() => Array.from(document.querySelectorAll('h1, h2')).map(h => {
  const r = h.getBoundingClientRect();
  const s = getComputedStyle(h);
  return {tag: h.tagName, text: h.innerText.trim(),
          visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'};
}))()
"""


def chromium_or_skip() -> str:
    path = find_chromium()
    if path is not None:
        return path
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(
            "CI is set but Chromium is not installed: .ci/run installs Debian's chromium "
            "package and the browser test must run in CI"
        )
    pytest.skip("Chromium not found on PATH (Debian: apt-get install chromium); runs in CI")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium(chromium_or_skip()) as running:
        yield running


def test_demo_report_renders_cleanly_in_headless_chromium(
    browser: Browser, demo_html: Path, artifact_dir: Path
) -> None:
    log = browser.open(demo_html.as_uri())
    top = browser.screenshot(artifact_dir / "report-top.png")
    full = browser.screenshot(artifact_dir / "report-full.png", full_page=True)
    for shot in (top, full):
        data = shot.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000
    assert log.console_errors == []
    # The only request is the file itself: no fonts, scripts, images or styles from anywhere.
    assert log.requests == [demo_html.as_uri()]

    headings = browser.evaluate(HEADINGS_JS)
    assert headings[0]["tag"] == "H1" and headings[0]["visible"]
    visible = [h["text"] for h in headings if h["tag"] == "H2" and h["visible"]]
    for title in SECTION_TITLES:
        assert any(text.startswith(title) for text in visible), (title, visible)

    # The verdict and the start of the summary are on the first laptop screen.
    first_screen = browser.evaluate(
        "(() => { const v = document.querySelector('.verdict').getBoundingClientRect();"
        " const s = document.querySelector('#summary').getBoundingClientRect();"
        " return {verdict: v.bottom <= innerHeight && v.height > 0, summary: s.top < innerHeight,"
        " text: document.querySelector('.verdict').innerText}; })()"
    )
    assert first_screen["verdict"] and first_screen["summary"]
    assert "Verdict" in first_screen["text"]
    # Laid out for a laptop: nothing forces sideways scrolling of the page.
    assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")


ABOVE_THE_FOLD_JS = """
(() => {
  const box = s => { const e = document.querySelector(s); if (!e) return null;
                     const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  return {viewport: innerHeight, verdict: box('.verdict-word'), headline: box('.verdict-headline'),
          scores: box('.score-strip'), top: box('.top-findings'),
          headlineText: document.querySelector('.verdict-headline').innerText,
          tiles: Array.from(document.querySelectorAll('.score-tile')).map(t => {
            const r = t.getBoundingClientRect(); return {text: t.innerText, bottom: r.bottom}; })};
})()
"""


def test_verdict_headline_and_six_scores_are_above_the_fold_at_1280_by_800(
    browser: Browser, demo_html: Path, artifact_dir: Path
) -> None:
    browser.open(demo_html.as_uri(), width=1280, height=800)
    browser.screenshot(artifact_dir / "report-1280x800.png")
    fold = browser.evaluate(ABOVE_THE_FOLD_JS)
    assert fold["viewport"] == 800
    for part in ("verdict", "headline", "scores"):
        assert 0 <= fold[part]["top"] < fold[part]["bottom"] <= 800, (part, fold)
    # The headline states the harm with its number and interval.
    assert fold["headlineText"].startswith("Main finding: Women are selected at")
    assert "95% CI" in fold["headlineText"]
    tiles = fold["tiles"]
    assert [t["text"].split()[0] for t in tiles] == [d.value.capitalize() for d in Dimension]
    assert all(t["bottom"] <= 800 and any(ch.isdigit() for ch in t["text"]) for t in tiles)
    # The top findings follow straight after (they start on the first screen too).
    assert fold["top"]["top"] < 800


def test_hostile_strings_stay_text_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render(OutputFormat.HTML, hostile_report()), encoding="utf-8")
    log = browser.open(page.as_uri())
    assert log.console_errors == []
    assert log.requests == [page.as_uri()]  # an injected <img src=x> would request "x"
    state = browser.evaluate(
        "(() => ({pwned: typeof window.__pwned,"
        " elements: document.querySelectorAll('script, img, iframe, object, embed').length,"
        " shown: document.body.innerText.includes('<script>window.__pwned=1</script>')}))()"
    )
    assert state == {"pwned": "undefined", "elements": 0, "shown": True}


def test_pdf_prints_with_chromium(demo_html: Path, artifact_dir: Path) -> None:
    executable = chromium_or_skip()
    pdf = html_to_pdf(demo_html.read_text(encoding="utf-8"), chromium=executable)
    assert pdf.startswith(b"%PDF-")
    (artifact_dir / "report.pdf").write_bytes(pdf)
    (artifact_dir / "report.html").write_bytes(demo_html.read_bytes())
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    # Print summarises: detail tables, passing results and the catalogue stay in the HTML view.
    assert 5 <= pages <= 12, pages


PRINT_OVERFLOW_JS = """
(() => Array.from(document.querySelectorAll('table, svg.chart, .finding, .verdict'))
  .filter(e => e.getBoundingClientRect().width > 0)
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => (e.querySelector('caption') || e).textContent.slice(0, 80)))()
"""


def test_nothing_runs_off_the_printed_page(browser: Browser, demo_html: Path) -> None:
    # A4 less the print margins is about 710 CSS px wide.
    browser.open(demo_html.as_uri(), width=710, height=1000)
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    assert browser.evaluate(PRINT_OVERFLOW_JS) == []
    # A status cell holds its word on one line.
    widths = browser.evaluate(
        "Array.from(document.querySelectorAll('td .badge')).filter(b => b.offsetWidth > 0)"
        ".map(b => b.getClientRects().length)"
    )
    assert widths and set(widths) == {1}


def test_missing_chromium_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.find_chromium", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        chromium_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        chromium_or_skip()


def test_scan_writes_a_pdf_next_to_the_html(
    tmp_path: Path, applicants_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from trustscan.cli import main

    chromium_or_skip()
    monkeypatch.chdir(tmp_path)
    args = ["scan", "--data", str(applicants_csv), "--predictions", "hired", "-s", "gender"]
    args += ["--html", "r.html", "--pdf", "r.pdf", "--no-ledger", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "r.html").stat().st_size > 10_000
