"""The report in a notebook: ``Report._repr_html_`` is the HTML report, scoped to its cell."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

import trustscan
from trustscan.report.notebook import SCOPE, scope_css
from trustscan.types import Report

from .conftest import FAST_POLICY, Fitted


@pytest.fixture(scope="module")
def report(recruiting: Fitted) -> Report:
    return trustscan.audit(
        model=recruiting.model,
        data=recruiting.data,
        target=recruiting.target,
        sensitive=list(recruiting.sensitive),
        policy=FAST_POLICY,
    )


def selectors(css: str) -> list[str]:
    """Every selector of every style rule, inside at-rules too."""
    css = re.sub(r"@[^{]+\{", "", css)  # unwrap at-rules; their inner rules stay
    preludes = re.findall(r"([^{}]+)\{[^{}]*\}", css)
    # Split at commas outside parentheses: ".a:is(.b, .c)" is one selector.
    return [s.strip() for p in preludes for s in re.split(r",(?![^(]*\))", p)]


def test_repr_html_holds_the_same_report_as_the_file(report: Report) -> None:
    cell = report._repr_html_()
    page = trustscan.render(report, "html")
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    assert body in cell
    assert cell.startswith(f'<div class="{SCOPE}">')
    for tag in ("<html", "<head>", "<body", "<script", "<link", "<meta"):
        assert tag not in cell


def test_every_style_rule_of_the_cell_is_confined_to_the_report(report: Report) -> None:
    cell = report._repr_html_()
    css = cell[cell.index("<style>") + len("<style>") : cell.index("</style>")]
    found = selectors(css)
    assert len(found) > 50
    outside = [s for s in found if not s.startswith(f".{SCOPE}")]
    assert outside == []
    assert "@media print" not in css and "@page" not in css


def test_scope_css_known_answers() -> None:
    css = """/* c */ :root { --x: 1; } * { a: b; } html { font-size: 15px; }
    body h1, .a:is(.b, .c) > p { c: d; }
    @media (max-width: 60rem) { .grid { e: f; } }
    @media print { @page { size: A4; } body { g: h; } }"""
    scoped = scope_css(css, ".s")
    assert selectors(scoped) == [".s", ".s *", ".s", ".s h1", ".s .a:is(.b, .c) > p", ".s .grid"]
    assert "@media (max-width: 60rem)" in scoped
    assert "g: h" not in scoped
    # An unscoped rule would fail the containment test above: the helper really checks.
    assert [s for s in selectors(css + " h2 { x: y; }") if not s.startswith(".s")]


def test_cell_escapes_user_strings() -> None:
    evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    frame = pd.DataFrame(
        {
            f"group{evil}": [f"a{evil}", "b"] * 100,
            "x": np.arange(200.0),
            "decision": [1, 0, 1, 1] * 50,
        }
    )
    report = trustscan.audit(
        data=frame, predictions="decision", sensitive=f"group{evil}", policy=FAST_POLICY
    )
    cell = report._repr_html_()
    assert "<script" not in cell and "<img" not in cell
    assert str(escape(f"group{evil}")) in cell  # as jinja2 escapes it


NOTEBOOK_CODE = """
import pandas as pd, trustscan
from trustscan.demo import CASES, build_model, sample_data_path
case = CASES[0]
df = pd.read_csv(sample_data_path(case))
clf = build_model(case).fit(df[list(case.features)], df["hired"])
report = trustscan.audit(model=clf, data=df, target="hired", sensitive=["gender"],
                         policy={"stats": {"bootstrap_resamples": 100}, "explain": {"repeats": 1}})
report
"""


@pytest.mark.slow
def test_a_notebook_cell_shows_the_report(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME

    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(NOTEBOOK_CODE))
    # The kernel talks to the notebook client over loopback ZeroMQ sockets only.
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name=NATIVE_KERNEL_NAME,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = notebook.cells[0].outputs
    shown = [o for o in outputs if o.output_type == "execute_result"]
    assert len(shown) == 1, outputs
    cell_html = shown[0].data["text/html"]
    assert cell_html.startswith(f'<div class="{SCOPE}">')
    assert "Executive summary" in cell_html and "fairness.selection_rate" in cell_html
    assert sys.executable  # the native kernel is this interpreter's ipykernel
