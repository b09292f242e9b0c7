"""Bar and pie charts for PDF reports, drawn with reportlab.graphics shapes in the registered CJK font.

reportlab's chart widgets (VerticalBarChart, Pie) validate every attribute and build a node per bar and per
label through property collections: measured here, four charts of 80 communities took 0.17 s, three times
the drawing of the whole per-社区 table. These draw the same pictures from plain shapes, one Path per series,
which is an order of magnitude faster and keeps the look under our control (Chinese labels, slanted names).
Values are floats for drawing only; the figures printed beside them come from the exact Decimals.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, Line, Path, Rect, String, Wedge
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

INK = colors.HexColor("#222222")
AXIS_GREY = colors.HexColor("#555555")
GRID = colors.HexColor("#E3E3E3")


@dataclass(frozen=True)
class ChartFonts:
    regular: str
    bold: str


def new_drawing(width: float, height: float, fonts: ChartFonts, title: str = "") -> Drawing:
    drawing = Drawing(width, height)
    # reportlab starts a drawing in Times-Roman, which would be referenced (not embedded) in the PDF
    drawing.initialFontName = fonts.regular
    if title:
        drawing.add(String(width / 2, height - 12, title, fontName=fonts.bold, fontSize=10.5, textAnchor="middle",
                           fillColor=INK))
    return drawing


def nice_max(value: float) -> float:
    """A round axis maximum a little above `value`, dividing into five even steps."""
    if value <= 0:
        return 5.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value * 1.08:
            return top
    return 20 * magnitude


def _axis_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def legend(drawing: Drawing, x: float, y: float, items: Sequence[tuple[Color, str]], fonts: ChartFonts,
           size: float = 8, gap: float = 14) -> float:
    """Swatches with names in one row from (x, y); returns the x where it ended."""
    for color, name in items:
        drawing.add(Rect(x, y - 1, 7, 7, fillColor=color, strokeColor=None))
        drawing.add(String(x + 10, y, name, fontName=fonts.regular, fontSize=size, fillColor=INK))
        x += 10 + stringWidth(name, fonts.regular, size) + gap
    return x


def legend_width(items: Sequence[tuple[Color, str]], fonts: ChartFonts, size: float = 8, gap: float = 14) -> float:
    return sum(10 + stringWidth(name, fonts.regular, size) + gap for _, name in items) - gap


def bar_chart(drawing: Drawing, box: tuple[float, float, float, float], categories: Sequence[str],
              series: Sequence[Sequence[float]], palette: Sequence[Color], fonts: ChartFonts, *,
              stacked: bool = False, top: float | None = None, above: Sequence[str] | None = None,
              reference: tuple[float, str, Color] | None = None, label_size: float = 7.5) -> None:
    """Vertical bars in the box (x, y, width, height) of the plot area, axes and labels around it.

    `series` holds one list of values per series (grouped side by side, or stacked); `above` is a text per
    category printed over its bars; `reference` draws a dashed line at a value with its label.
    """
    x0, y0, width, height = box
    n = len(categories)
    if n == 0:
        return
    heights = [sum(col) for col in zip(*series)] if stacked else [max(col) for col in zip(*series)]
    top = top or nice_max(max(heights, default=0))

    def y_of(value: float) -> float:
        return y0 + height * min(value, top) / top

    # grid and value axis
    for i in range(6):
        value = top * i / 5
        y = y_of(value)
        if i:
            drawing.add(Line(x0, y, x0 + width, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(x0 - 3, y - 2.5, _axis_text(value), fontName=fonts.regular, fontSize=7,
                           textAnchor="end", fillColor=AXIS_GREY))
    drawing.add(Line(x0, y0, x0, y0 + height, strokeColor=AXIS_GREY, strokeWidth=0.5))
    drawing.add(Line(x0, y0, x0 + width, y0, strokeColor=AXIS_GREY, strokeWidth=0.5))

    # bars: one path per series, a rectangle per category in it
    slot = width / n
    bars_per_slot = 1 if stacked else len(series)
    bar = slot * (0.62 if n > 20 else 0.7) / bars_per_slot
    paths = [Path(fillColor=palette[k % len(palette)], strokeColor=None) for k in range(len(series))]
    for i in range(n):
        left = x0 + slot * i + (slot - bar * bars_per_slot) / 2
        base = 0.0
        for k, values in enumerate(series):
            value = max(0.0, values[i])
            if not value:
                continue
            x = left if stacked else left + k * bar
            bottom, upper = (y_of(base), y_of(base + value)) if stacked else (y0, y_of(value))
            path = paths[k]
            path.moveTo(x, bottom)
            path.lineTo(x + bar, bottom)
            path.lineTo(x + bar, upper)
            path.lineTo(x, upper)
            path.closePath()
            if stacked:
                base += value
    for path in paths:
        if path.points:
            drawing.add(path)

    if above is not None:
        for i, text in enumerate(above):
            if text:
                drawing.add(String(x0 + slot * (i + 0.5), y_of(heights[i]) + 3, text, fontName=fonts.regular,
                                   fontSize=7, textAnchor="middle", fillColor=INK))

    # category names: upright and broken into lines while they fit, slanted when there are many
    widest = max(stringWidth(c.replace("\n", ""), fonts.regular, label_size) for c in categories)
    slanted = widest > slot * 0.95 and "\n" not in "".join(categories)
    for i, name in enumerate(categories):
        cx = x0 + slot * (i + 0.5)
        if slanted:
            group = Group(String(0, 0, name, fontName=fonts.regular, fontSize=label_size, textAnchor="end",
                                 fillColor=INK))
            # rotate 45° about the label's end, which sits just under the tick
            c = s = math.sqrt(0.5)
            group.transform = (c, s, -s, c, cx + label_size * 0.3, y0 - 4)
            drawing.add(group)
        else:
            for line_no, line in enumerate(name.split("\n")):
                drawing.add(String(cx, y0 - 10 - line_no * (label_size + 1.5), line, fontName=fonts.regular,
                                   fontSize=label_size, textAnchor="middle", fillColor=INK))

    if reference is not None:
        value, label, color = reference
        y = y_of(value)
        drawing.add(Line(x0, y, x0 + width, y, strokeColor=color, strokeWidth=0.8, strokeDashArray=[4, 2]))
        label_width = stringWidth(label, fonts.regular, 8)
        drawing.add(Rect(x0 + width - label_width - 4, y + 2, label_width + 4, 10, fillColor=colors.white,
                         strokeColor=None))
        drawing.add(String(x0 + width - 2, y + 4, label, fontName=fonts.regular, fontSize=8, textAnchor="end",
                           fillColor=color))


def pie_chart(drawing: Drawing, center: tuple[float, float], radius: float, values: Sequence[float],
              palette: Sequence[Color]) -> None:
    """Wedges clockwise from twelve o'clock, as people read a pie."""
    total = sum(values)
    if total <= 0:
        return
    angle = 90.0
    cx, cy = center
    for k, value in enumerate(values):
        if value <= 0:
            continue
        sweep = 360.0 * value / total
        color = palette[k % len(palette)]
        if sweep >= 359.99:
            drawing.add(Wedge(cx, cy, radius, 0, 360, fillColor=color, strokeColor=colors.white, strokeWidth=0.8))
        else:
            drawing.add(Wedge(cx, cy, radius, angle - sweep, angle, fillColor=color, strokeColor=colors.white,
                              strokeWidth=0.8))
        angle -= sweep
