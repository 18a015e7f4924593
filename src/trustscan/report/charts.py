"""Inline SVG charts built from numbers, for the HTML report.

Hand-written SVG keeps the report one self-contained file and adds no dependency. Every piece
of text that reaches the SVG (group labels, feature names) goes through ``markupsafe.escape``
here, so the finished chart may be marked safe; numbers are formatted by this module.
Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and each
chart also carries its values as text (labels, a ``<title>``/``<desc>`` and the caller's table),
so nothing is told by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from trustscan.numbers.json_safe import finite

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = {
    "pass": "#0072B2",  # blue
    "warn": "#E69F00",  # orange
    "fail": "#D55E00",  # vermillion
    "error": "#CC79A7",  # reddish purple
    "skip": "#999999",
    "neutral": "#56B4E9",  # sky blue
    "reference": "#1f2328",  # drawn hollow: the group others are compared with
    "accent": "#009E73",  # bluish green
}
SERIES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
GLYPH_WIDTH = 0.62
"""Average glyph width in em, used to lay out text without measuring it."""
TEXT = "#1f2328"
MUTED = "#59636e"
GRID = "#d8dee4"


@dataclass(frozen=True)
class Chart:
    """A rendered chart and its text alternative.

    Element ids inside the SVG derive from the caller's ``ident`` (unique per document), so
    rendering the same report twice gives the same bytes."""

    svg: Markup
    title: str
    description: str
    """Full text alternative (every value), inside the SVG for screen readers."""
    caption: str = ""
    """Short "how to read it" line printed under the chart."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    tone: str = "neutral"
    """Key of ``PALETTE``: ``pass``, ``warn``, ``fail``, ``skip`` or ``neutral``."""
    note: str = ""
    """Text printed after the bar (the value, its interval, n, a status word)."""
    hatched: bool = False
    """Drawn with a hatch pattern (e.g. insufficient evidence) as well as a colour."""


@dataclass(frozen=True)
class ReferenceLine:
    value: float
    label: str
    dashed: bool = True


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]
    colour: str = ""


@dataclass(frozen=True)
class _Frame:
    """Horizontal geometry shared by the bar and dot charts."""

    label_width: float
    plot_width: float
    note_width: float
    low: float
    high: float
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def x0(self) -> float:
        return self.label_width + 8

    def x(self, value: float) -> float:
        span = self.high - self.low or 1.0
        clamped = min(max(value, self.low), self.high)
        return self.x0 + (clamped - self.low) / span * self.plot_width

    @property
    def width(self) -> float:
        return self.x0 + self.plot_width + 10 + self.note_width


def _finite(value: float | None) -> bool:
    return finite(value) is not None


def _num(value: float) -> str:
    """Coordinates with one decimal: compact and deterministic."""
    return f"{value:.1f}"


def _text_width(text: str, size: float = 12.5) -> float:
    # A generous average glyph width: wide system fonts (DejaVu Sans) must not overflow.
    return len(text) * size * GLYPH_WIDTH


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg_open(width: float, height: float, title: str, description: str, ident: str) -> str:
    ident = str(escape(ident))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
        '<defs><pattern id="' + ident + '-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="2"/>'
        "</pattern></defs>"
    )
    return head


def _axis(frame: _Frame, top: float, bottom: float, ticks: Sequence[float], fmt: str) -> list[str]:
    parts = []
    for tick in ticks:
        x = _num(frame.x(tick))
        parts.append(
            f'<line x1="{x}" y1="{_num(top)}" x2="{x}" y2="{_num(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{x}" y="{_num(bottom + 14)}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(format(tick, fmt))}</text>'
        )
    return parts


def _reference(frame: _Frame, line: ReferenceLine, top: float, bottom: float) -> list[str]:
    if not (frame.low <= line.value <= frame.high):
        return []
    x = _num(frame.x(line.value))
    dash = ' stroke-dasharray="5 3"' if line.dashed else ""
    return [
        f'<line x1="{x}" y1="{_num(top - 4)}" x2="{x}" y2="{_num(bottom)}" stroke="{TEXT}" '
        f'stroke-width="1.5"{dash}/>'
        f'<text x="{x}" y="{_num(top - 8)}" text-anchor="middle" font-size="11" '
        f'fill="{TEXT}">{escape(line.label)}</text>'
    ]


def _ticks(low: float, high: float, n: int = 5) -> list[float]:
    """About ``n`` ticks at round steps (1, 2, 2.5 or 5 times a power of ten)."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return [low]
    raw = span / max(n - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw - 1e-12)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    domain: tuple[float, float] | None = None,
    references: Sequence[ReferenceLine] = (),
    tick_format: str = ".2f",
    dots: bool = False,
    caption: str = "",
    plot_width: float = 340.0,
    ident: str,
) -> Chart:
    """Horizontal bars (or dots with interval whiskers when ``dots``), one row per item.

    Bars start at the domain's low end; whiskers show ``ci_low``..``ci_high``; reference lines
    (a policy threshold, the four-fifths line) are drawn across every row and labelled on top.
    """
    values = [float(v) for b in bars for v in (b.value, b.ci_high) if v is not None and _finite(v)]
    values += [r.value for r in references]
    if domain is None:
        top_value = max(values, default=1.0)
        domain = (0.0, _nice_ceiling(top_value))
    label_chars = max((len(b.label) for b in bars), default=8)
    label_width = min(max(_text_width("x" * label_chars), 60.0), 250.0)
    note_width = min(max((_text_width(b.note, 11.5) for b in bars), default=0.0), 440.0)
    frame = _Frame(label_width, plot_width, note_width, domain[0], domain[1])
    row = 26.0
    top = 30.0 if references else 12.0
    bottom = top + row * len(bars)
    height = bottom + 24
    head = _svg_open(frame.width, height, title, description, ident)
    parts = [head]
    parts += _axis(frame, top, bottom, _ticks(domain[0], domain[1]), tick_format)
    for i, bar in enumerate(bars):
        y = top + i * row
        mid = y + row / 2
        label = _clip(bar.label, int(label_width / (12.5 * GLYPH_WIDTH)))
        parts.append(
            f'<text x="{_num(frame.label_width)}" y="{_num(mid + 4)}" text-anchor="end" '
            f'font-size="12.5" fill="{TEXT}"><title>{escape(bar.label)}</title>'
            f"{escape(label)}</text>"
        )
        colour = PALETTE.get(bar.tone, PALETTE["neutral"])
        fill = f"url(#{ident}-hatch)" if bar.hatched else colour
        if bar.tone == "reference" and not bar.hatched:
            fill = "#ffffff"
        if _finite(bar.value):
            value = float(bar.value)  # type: ignore[arg-type]
            if dots:
                parts.append(
                    f'<circle cx="{_num(frame.x(value))}" cy="{_num(mid)}" r="5" fill="{fill}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
            else:
                x0 = frame.x(frame.low)
                parts.append(
                    f'<rect x="{_num(x0)}" y="{_num(y + 5)}" '
                    f'width="{_num(max(frame.x(value) - x0, 1.0))}" height="{_num(row - 10)}" '
                    f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
                )
        if _finite(bar.ci_low) and _finite(bar.ci_high):
            lo = _num(frame.x(float(bar.ci_low)))  # type: ignore[arg-type]
            hi = _num(frame.x(float(bar.ci_high)))  # type: ignore[arg-type]
            m = _num(mid)
            parts.append(
                f'<g stroke="{TEXT}" stroke-width="1.5">'
                f'<line x1="{lo}" y1="{m}" x2="{hi}" y2="{m}"/>'
                f'<line x1="{lo}" y1="{_num(mid - 5)}" x2="{lo}" y2="{_num(mid + 5)}"/>'
                f'<line x1="{hi}" y1="{_num(mid - 5)}" x2="{hi}" y2="{_num(mid + 5)}"/></g>'
            )
        if bar.note:
            parts.append(
                f'<text x="{_num(frame.x0 + frame.plot_width + 10)}" y="{_num(mid + 4)}" '
                f'font-size="11.5" fill="{TEXT}">{escape(bar.note)}</text>'
            )
    for reference in references:
        parts += _reference(frame, reference, top, bottom)
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), title, description, caption)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    x_format: Callable[[float], str] = lambda v: f"{v:.3g}",
    y_format: str = ".2f",
    caption: str = "",
    ident: str,
) -> Chart:
    """Lines over a shared x axis (partial dependence, calibration curves), with a legend."""
    xs = [x for s in series for x, _ in s.points if _finite(x)]
    ys = [y for s in series for _, y in s.points if _finite(y)]
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_low, y_high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if y_high - y_low < 1e-9:
        y_low, y_high = y_low - 0.5, y_high + 0.5
    if x_high - x_low < 1e-9:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    left, plot_w, plot_h, top = 48.0, 340.0, 190.0, 10.0
    legend_w = min(max((_text_width(s.name, 11.5) for s in series), default=0.0) + 24, 200.0)
    width = left + plot_w + 16 + legend_w
    height = top + plot_h + 40

    def px(v: float) -> float:
        return left + (v - x_low) / (x_high - x_low) * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - y_low) / (y_high - y_low) * plot_h

    head = _svg_open(width, height, title, description, ident)
    parts = [head]
    for tick in _ticks(y_low, y_high, 4):
        y = _num(py(tick))
        parts.append(
            f'<line x1="{_num(left)}" y1="{y}" x2="{_num(left + plot_w)}" y2="{y}" '
            f'stroke="{GRID}"/><text x="{_num(left - 4)}" y="{_num(py(tick) + 4)}" '
            f'text-anchor="end" font-size="10.5" fill="{MUTED}">'
            f"{escape(format(tick, y_format))}</text>"
        )
    for tick in _ticks(x_low, x_high, 4):
        parts.append(
            f'<text x="{_num(px(tick))}" y="{_num(top + plot_h + 14)}" text-anchor="middle" '
            f'font-size="10.5" fill="{MUTED}">{escape(x_format(tick))}</text>'
        )
    parts.append(
        f'<text x="{_num(left + plot_w / 2)}" y="{_num(height - 6)}" text-anchor="middle" '
        f'font-size="11.5" fill="{TEXT}">{escape(x_label)}</text>'
        f'<text x="10" y="{_num(top + plot_h / 2)}" font-size="11.5" fill="{TEXT}" '
        f'transform="rotate(-90 10 {_num(top + plot_h / 2)})" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    dashes = ("", "6 3", "2 3", "8 3 2 3", "1 2")
    for i, s in enumerate(series):
        colour = s.colour or SERIES[i % len(SERIES)]
        points = [(x, y) for x, y in s.points if _finite(x) and _finite(y)]
        if not points:
            continue
        path = " ".join(f"{_num(px(x))},{_num(py(y))}" for x, y in points)
        dash = dashes[i % len(dashes)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        ly = top + 10 + i * 18
        lx = left + plot_w + 16
        parts.append(
            f'<line x1="{_num(lx)}" y1="{_num(ly)}" x2="{_num(lx + 18)}" y2="{_num(ly)}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
            f'<text x="{_num(lx + 22)}" y="{_num(ly + 4)}" font-size="11.5" fill="{TEXT}">'
            f"{escape(_clip(s.name, 28))}</text>"
        )
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), title, description, caption)


def _nice_ceiling(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if not _finite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        bound = step * 10.0**exponent
        if bound >= value - 1e-12:
            return bound
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns
