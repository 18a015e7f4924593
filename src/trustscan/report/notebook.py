"""The report inside a notebook cell (``Report._repr_html_``).

The same HTML as the file report, so the content never drifts: its ``<body>`` goes into one
``<div>`` and every CSS rule is rewritten to apply only inside that ``<div>``, so showing a
report never restyles the notebook around it. The report sits in a scrolling box of bounded
height, so a long audit does not flood the notebook. No scripts, as in the file report.
"""

from __future__ import annotations

import re

from trustscan.report import html
from trustscan.types import Report

SCOPE = "trustscan-report"
"""Class of the wrapper every rule is confined to."""

_ROOT_SELECTORS = frozenset({":root", "html", "body"})
_DROPPED_AT_RULES = ("@media print", "@page", "@font-face", "@import")

# First, so that the report's own rules, later and as specific, win over these resets. The
# resets keep the notebook's styles out: ``all: initial`` stops inherited fonts and colours, and
# element rules as specific as a notebook's own (``.jp-RenderedHTMLCommon h1``) stop those.
_ELEMENTS = "h1, h2, h3, h4, h5, h6, p, ul, ol, li, dl, dt, dd, table, caption, th, td, code, a"
_FRAME_CSS = (
    f".{SCOPE} {{ all: initial; display: block; }}\n"
    f".{SCOPE} :is({_ELEMENTS}) {{ color: inherit; font-family: inherit; }}\n"
    f".{SCOPE} table {{ margin: 0; table-layout: auto; font-size: inherit; }}\n"
    f".{SCOPE} .{SCOPE}-frame {{ position: relative; max-height: 42rem; overflow: auto; "
    "border: 1px solid var(--line); border-radius: 8px; }\n"
)


def render(report: Report) -> str:
    """An HTML fragment for a notebook output cell: scoped CSS, then the report body."""
    page = html.render(report)
    css = _between(page, "<style>", "</style>")
    body = _between(page, "<body>", "</body>")
    return (
        f'<div class="{SCOPE}"><style>\n{_FRAME_CSS}{scope_css(css, f".{SCOPE}")}</style>'
        f'<div class="{SCOPE}-frame">{body}</div></div>'
    )


def _between(text: str, start: str, end: str) -> str:
    head = text.index(start) + len(start)
    return text[head : text.index(end, head)]


def scope_css(css: str, scope: str) -> str:
    """Rewrite ``css`` so each rule applies only inside ``scope``.

    ``:root``, ``html`` and ``body`` become the scope itself (the report's variables, font and
    colours live on the wrapper); every other selector is prefixed with it. Print-only and
    page rules are dropped: a notebook cell is not printed on its own."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    out: list[str] = []
    position = 0
    while True:
        brace = css.find("{", position)
        if brace < 0:
            break
        prelude = css[position:brace].strip()
        close = _matching_brace(css, brace)
        block = css[brace + 1 : close]
        position = close + 1
        if prelude.startswith(_DROPPED_AT_RULES):
            continue
        if prelude.startswith("@"):
            out.append(f"{prelude} {{\n{scope_css(block, scope)}}}\n")
            continue
        selectors = ", ".join(_scope_selector(s, scope) for s in _split_selectors(prelude))
        out.append(f"{selectors} {{{block}}}\n")
    return "".join(out)


def _matching_brace(css: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(css)):
        if css[index] == "{":
            depth += 1
        elif css[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError("unbalanced braces in the report stylesheet")  # a template bug


def _split_selectors(prelude: str) -> list[str]:
    """Split a selector list at top-level commas (not those inside ``:is(a, b)``)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in prelude:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _scope_selector(selector: str, scope: str) -> str:
    first, _, rest = selector.partition(" ")
    if first in _ROOT_SELECTORS:
        return f"{scope} {rest}".rstrip() if rest else scope
    return f"{scope} {selector}"
