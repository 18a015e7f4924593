"""Accessibility of the demo reports, checked by axe-core inside the same headless Chromium the
browser tests drive (no network: the script is read from disk and injected over DevTools).

axe-core comes from the npm registry: `.ci/run` installs a pinned version into
`.ci-cache/npm` when it is missing (TRUSTSCAN_AXE_JS may point elsewhere). Locally the tests
skip when Chromium or axe-core is missing; under CI=true they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import Browser, chromium
from .test_browser import chromium_or_skip

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DEFAULT_AXE = REPO / ".ci-cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = (
    "axe.run(document, {runOnly: {type: 'tag', values: %s}})"
    ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
    " first: v.nodes[0].html.slice(0, 160)})))"
)


def axe_source() -> str:
    path = Path(os.environ.get("TRUSTSCAN_AXE_JS") or DEFAULT_AXE)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"CI is set but axe-core is missing at {path}: .ci/run installs it with npm")
    pytest.skip(f"axe-core not found at {path} (npm install --prefix .ci-cache/npm axe-core)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium(chromium_or_skip()) as running:
        yield running


@pytest.mark.parametrize("case", ["recruiting", "retail", "fair_lending"])
@pytest.mark.parametrize("width", [1280, 600])
def test_no_serious_or_critical_wcag_21_aa_violation(
    browser: Browser, demo_pages: dict[str, Path], case: str, width: int
) -> None:
    source = axe_source()
    log = browser.open(demo_pages[case].as_uri(), width=width, height=800)
    browser.evaluate(source)
    violations = browser.evaluate(RUN_AXE % WCAG_21_AA, await_promise=True)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    # Injecting axe over DevTools loads nothing: the page still made one request, itself.
    assert log.requests == [demo_pages[case].as_uri()]


def test_a_collapsed_section_opens_and_closes_from_the_keyboard(
    browser: Browser, demo_pages: dict[str, Path]
) -> None:
    browser.open(demo_pages["recruiting"].as_uri(), width=1280, height=800)
    browser.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session=True)
    state = "document.querySelector('details.more-block, details.passes-block').open"
    assert browser.evaluate(state) is False
    browser.evaluate(
        "document.querySelector('details.more-block > summary, details.passes-block > summary')"
        ".focus()"
    )
    assert browser.evaluate("document.activeElement.tagName") == "SUMMARY"
    enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
    for expected in (True, False):
        browser.call(
            "Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **enter}, session=True
        )
        browser.call("Input.dispatchKeyEvent", {"type": "keyUp", **enter}, session=True)
        assert browser.evaluate(state) is expected
