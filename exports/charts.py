"""Bar and pie charts for PDF reports, drawn straight onto the canvas in the registered CJK font.

reportlab's chart widgets (VerticalBarChart, Pie) validate every attribute and build a node per bar and per
label through property collections: measured here, four charts of 80 communities took 0.17 s, three times
the drawing of the whole per-社区 table. A reportlab Drawing of plain shapes was an order of magnitude faster,
but still validated each shape's attributes as it was made and saved, set and restored the whole graphics
state around each one when drawn: 0.04 s for the same charts, as much as reportlab's canvas drawing every
string of the table. So a chart here is a `Chart` flowable that records what to draw — strings, lines,
rectangles, bars, wedges — and draws it in the order given, writing consecutive strings into one text object
and consecutive lines or rectangles of one style as one path. The look is what the Drawing gave: the same
shapes, colours, widths, butt caps and mitred joins, and text placed by its anchor the same way.
Values are floats for drawing only; the figures printed beside them come from the exact Decimals.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

INK = colors.HexColor("#222222")
AXIS_GREY = colors.HexColor("#555555")
GRID = colors.HexColor("#E3E3E3")
_SLANT = math.sqrt(0.5)     # cos 45° = sin 45°


@dataclass(frozen=True)
class ChartFonts:
    regular: str
    bold: str


class Chart(Flowable):
    """A picture `width` × `height` points, drawn with the canvas when the flowable is drawn.

    Coordinates are from the bottom left corner, as in a reportlab Drawing. Things are painted in the order
    they were added, later over earlier.
    """

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width, self.height = width, height
        self._ops: list[tuple[str, Any, tuple]] = []    # (kind, style, geometry)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    # recording

    def text(self, x: float, y: float, text: str, font: str, size: float, color: Color, anchor: str = "start",
             slanted: bool = False) -> None:
        """A string with its anchor ("start", "middle", "end") at (x, y); `slanted` turns it 45° anticlockwise
        about that point."""
        if not text:
            return
        shift = 0.0
        if anchor != "start":
            shift = stringWidth(text, font, size)
            if anchor == "middle":
                shift *= 0.5
        if slanted:
            matrix = (_SLANT, _SLANT, -_SLANT, _SLANT, x - _SLANT * shift, y - _SLANT * shift)
        else:
            matrix = (1, 0, 0, 1, x - shift, y)
        self._ops.append(("text", None, (font, size, color, matrix, text)))

    def line(self, x1: float, y1: float, x2: float, y2: float, color: Color, width: float,
             dash: Sequence[float] | None = None) -> None:
        self._ops.append(("line", (color, width, tuple(dash) if dash else None), (x1, y1, x2, y2)))

    def rect(self, x: float, y: float, width: float, height: float, fill: Color) -> None:
        """A filled rectangle without outline."""
        self._ops.append(("rect", fill, (x, y, width, height)))

    def wedge(self, cx: float, cy: float, radius: float, start: float, end: float, fill: Color, stroke: Color,
              stroke_width: float) -> None:
        """A pie slice from angle `start` to `end` (degrees, anticlockwise from three o'clock), filled and outlined."""
        while end < start:
            end += 360
        self._ops.append(("wedge", (fill, stroke, stroke_width), (cx, cy, radius, start, end)))

    # drawing

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineCap(0)
        canvas.setLineJoin(0)
        ops = self._ops
        i, n = 0, len(ops)
        while i < n:
            kind, style, _ = ops[i]
            j = i + 1
            if kind == "text":
                while j < n and ops[j][0] == "text":
                    j += 1
                self._draw_texts(canvas, [op[2] for op in ops[i:j]])
            elif kind == "wedge":
                fill, stroke, stroke_width = style
                cx, cy, radius, start, end = ops[i][2]
                canvas.setFillColor(fill)
                canvas.setStrokeColor(stroke)
                canvas.setLineWidth(stroke_width)
                path = canvas.beginPath()
                path.moveTo(cx, cy)
                path.arcTo(cx - radius, cy - radius, cx + radius, cy + radius, start, end - start)
                path.close()
                canvas.drawPath(path, fill=1, stroke=1)
            else:
                while j < n and ops[j][0] == kind and ops[j][1] == style:
                    j += 1
                shapes = [op[2] for op in ops[i:j]]
                if kind == "line":
                    color, width, dash = style
                    canvas.setStrokeColor(color)
                    canvas.setLineWidth(width)
                    if dash:
                        canvas.setDash(list(dash))
                    else:
                        canvas.setDash()
                    canvas.addLiteral("n " + " ".join(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l"
                                                      for x1, y1, x2, y2 in shapes) + " S")
                else:
                    canvas.setFillColor(style)
                    canvas.addLiteral("n " + " ".join(f"{x:.3f} {y:.3f} {w:.3f} {h:.3f} re" for x, y, w, h in shapes)
                                      + " f")
            i = j
        canvas.restoreState()

    @staticmethod
    def _draw_texts(canvas, items: list[tuple]) -> None:
        text = canvas.beginText(0, 0)
        current_font: tuple[str, float] | None = None
        current_color = None
        for font, size, color, matrix, string in items:
            if (font, size) != current_font:
                # no leading: textLine's move to the next line stays put, and unlike textOut it measures nothing
                text.setFont(font, size, 0)
                current_font = (font, size)
            if color != current_color:
                text.setFillColor(color)
                current_color = color
            if matrix[1]:
                text.setTextTransform(*matrix)
            else:
                text.setTextOrigin(matrix[4], matrix[5])
            text.textLine(string)
        canvas.drawText(text)


def new_drawing(width: float, height: float, fonts: ChartFonts, title: str = "") -> Chart:
    chart = Chart(width, height)
    if title:
        chart.text(width / 2, height - 12, title, fonts.bold, 10.5, INK, "middle")
    return chart


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


def legend(drawing: Chart, x: float, y: float, items: Sequence[tuple[Color, str]], fonts: ChartFonts,
           size: float = 8, gap: float = 14) -> float:
    """Swatches with names in one row from (x, y); returns the x where it ended."""
    names = []
    for color, name in items:
        drawing.rect(x, y - 1, 7, 7, color)
        names.append((x + 10, name))
        x += 10 + stringWidth(name, fonts.regular, size) + gap
    for left, name in names:       # the swatches do not overlap the names: all rectangles, then one text object
        drawing.text(left, y, name, fonts.regular, size, INK)
    return x


def legend_width(items: Sequence[tuple[Color, str]], fonts: ChartFonts, size: float = 8, gap: float = 14) -> float:
    return sum(10 + stringWidth(name, fonts.regular, size) + gap for _, name in items) - gap


def bar_chart(drawing: Chart, box: tuple[float, float, float, float], categories: Sequence[str],
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

    # grid and value axis: the lines, then their figures left of the axis (they do not overlap)
    ticks = [(top * i / 5, y_of(top * i / 5)) for i in range(6)]
    for _, y in ticks[1:]:
        drawing.line(x0, y, x0 + width, y, GRID, 0.4)
    for value, y in ticks:
        drawing.text(x0 - 3, y - 2.5, _axis_text(value), fonts.regular, 7, AXIS_GREY, "end")
    drawing.line(x0, y0, x0, y0 + height, AXIS_GREY, 0.5)
    drawing.line(x0, y0, x0 + width, y0, AXIS_GREY, 0.5)

    # bars: series by series, a rectangle per category
    slot = width / n
    bars_per_slot = 1 if stacked else len(series)
    bar = slot * (0.62 if n > 20 else 0.7) / bars_per_slot
    bars: list[list[tuple[float, float, float, float]]] = [[] for _ in series]
    for i in range(n):
        left = x0 + slot * i + (slot - bar * bars_per_slot) / 2
        base = 0.0
        for k, values in enumerate(series):
            value = max(0.0, values[i])
            if not value:
                continue
            x = left if stacked else left + k * bar
            bottom, upper = (y_of(base), y_of(base + value)) if stacked else (y0, y_of(value))
            bars[k].append((x, bottom, bar, upper - bottom))
            if stacked:
                base += value
    for k, rects in enumerate(bars):
        for rect in rects:
            drawing.rect(*rect, palette[k % len(palette)])

    if above is not None:
        for i, text in enumerate(above):
            if text:
                drawing.text(x0 + slot * (i + 0.5), y_of(heights[i]) + 3, text, fonts.regular, 7, INK, "middle")

    # category names: upright and broken into lines while they fit, slanted when there are many
    widest = max(stringWidth(c.replace("\n", ""), fonts.regular, label_size) for c in categories)
    slanted = widest > slot * 0.95 and "\n" not in "".join(categories)
    for i, name in enumerate(categories):
        cx = x0 + slot * (i + 0.5)
        if slanted:
            # turned 45° about the label's end, which sits just under the tick
            drawing.text(cx + label_size * 0.3, y0 - 4, name, fonts.regular, label_size, INK, "end", slanted=True)
        else:
            for line_no, line in enumerate(name.split("\n")):
                drawing.text(cx, y0 - 10 - line_no * (label_size + 1.5), line, fonts.regular, label_size, INK,
                             "middle")

    if reference is not None:
        value, label, color = reference
        y = y_of(value)
        drawing.line(x0, y, x0 + width, y, color, 0.8, dash=(4, 2))
        label_width = stringWidth(label, fonts.regular, 8)
        drawing.rect(x0 + width - label_width - 4, y + 2, label_width + 4, 10, colors.white)
        drawing.text(x0 + width - 2, y + 4, label, fonts.regular, 8, color, "end")


def pie_chart(drawing: Chart, center: tuple[float, float], radius: float, values: Sequence[float],
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
            drawing.wedge(cx, cy, radius, 0, 360, color, colors.white, 0.8)
        else:
            drawing.wedge(cx, cy, radius, angle - sweep, angle, color, colors.white, 0.8)
        angle -= sweep
