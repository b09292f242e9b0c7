"""Any table as a PDF to file: A4, 9 pt (8 pt where that keeps a row on one page), every text whole, the key
columns and the header on every page.

The ledger exports print a ledger with it, and the window prints the table a clerk is looking at (its visible
columns, its filtered and sorted rows) with the same function, so that the paper looks the same either way.

The page is portrait when the table fits its width, else landscape. A table wider than a landscape page is
spread over several pages side by side: each carries the key columns (a name, a date) and the next columns, and
the pages of one run of rows follow each other, so that they can be laid next to each other. Long text wraps and
its row grows; numbers, dates and codes are never broken. Every page says what it is (title, subtitle, which
part of the columns) and 第 X 页 共 Y 页.

Rows are laid out here and drawn on the canvas directly, as exports/pdf.py draws a government form, since
reportlab's Table lays out and draws every cell with its full machinery and grows worse than linearly in rows.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak

from exports.pdf import ExportCancelled, PdfRenderer
from exports.table import UNBROKEN_KINDS, TableColumn, display

SIZES = (9.0, 8.0)          # body and header: 8 pt only where it keeps a wide table's rows on one page
TITLE_SIZE = 14.0
PAD_X, PAD_Y = 3.0, 2.5
MARGIN = 12 * mm
KEY_SHARE = 0.4             # the key columns take at most this share of a page's width
TEXT_CAP = 18               # characters on a line of a text column without a width hint
MIN_TEXT = 7                # characters a text column keeps when it wraps to make room
_HEADER_FILL = colors.HexColor("#F2F2F2")
_STROKE = 0.035             # outline width of text drawn bold by stroking, per point of font size
_NO_LINE_START = set("、，。；：！？）》」』,.;:!?)%")
_ALIGN = {"money": "right", "decimal": "right", "int": "right", "date": "center", "short": "center"}


def render_table_pdf(title: str, subtitle: str, columns: Sequence[TableColumn], rows: Iterable[Sequence[Any]],
                     out: str | Path, *, progress: Callable[[int, int], bool | None] | None = None) -> Path:
    """Write `rows` (one value per column) as a PDF table under `title` and `subtitle` (say the street and the date).

    `progress(done, total)` is called per page; returning False cancels (ExportCancelled), and nothing is written.
    """
    renderer = _TablePdf(title, subtitle, list(columns), rows, progress)
    return renderer.render(out)


class _Metrics:
    """String widths from a font's character widths, without reportlab's per-call overhead."""

    def __init__(self, font_name: str, size: float) -> None:
        face = getFont(font_name).face
        self.widths, self.default, self.scale = face.charWidths, face.defaultWidth, size / 1000

    def width(self, text: str) -> float:
        get, default = self.widths.get, self.default
        return sum([get(ord(ch), default) for ch in text]) * self.scale

    def char(self, ch: str) -> float:
        return self.widths.get(ord(ch), self.default) * self.scale

    def wrap(self, text: str, room: float) -> list[str]:
        """Lines of at most `room` points; Chinese breaks between characters, a Latin word, a number or a time
        such as 8:30-17:30 stays whole where it can, and no line starts with a closing mark."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for ch in paragraph:
                w = self.char(ch)
                if line and used + w > room:
                    cut = len(line)
                    if _in_word(ch):
                        start = cut
                        while start > 0 and _in_word(line[start - 1]):
                            start -= 1
                        if start > 0:
                            cut = start
                    elif ch in _NO_LINE_START and cut > 1:
                        cut -= 1
                    lines.append(line[:cut].rstrip())
                    line = line[cut:].lstrip()
                    used = self.width(line)
                line += ch
                used += w
            lines.append(line)
        return lines


@dataclass
class _Band:
    """The columns of one page across: indexes, their left edges and widths."""

    columns: list[int]
    edges: list[float]
    widths: list[float]


class _TablePdf(PdfRenderer):
    left_margin = right_margin = MARGIN
    top_margin = MARGIN
    bottom_margin = 14 * mm

    def __init__(self, title: str, subtitle: str, columns: list[TableColumn], rows: Iterable[Sequence[Any]],
                 progress: Callable[[int, int], bool | None] | None) -> None:
        super().__init__()
        self.title, self.subtitle, self.columns, self.progress = title, subtitle, columns, progress
        self.stroked = self.font_bold == self.font_name     # no bold face (WenQuanYi): bold is drawn outlined
        kinds = [c.kind for c in columns]
        self.texts = [[_one_line(display(row[i] if i < len(row) else None, kind), kind) for i, kind in enumerate(kinds)]
                      for row in rows]
        for size in SIZES:
            self._set_size(size)
            natural, least = self._natural_widths()
            self.landscape = sum(natural) > A4[0] - 2 * MARGIN     # type: ignore[misc]  # chosen per table
            self.bands = self._bands(natural, least)
            if len(self.bands) == 1:
                break
        if len(self.bands) > 1:
            # spread over pages anyway: at the larger size
            self._set_size(SIZES[0])
            natural, least = self._natural_widths()
            self.bands = self._bands(natural, least)
        self._lay_out()

    def _set_size(self, size: float) -> None:
        self.size, self.leading = size, size * 1.25
        self.regular = _Metrics(self.font_name, size)
        self.bold = _Metrics(self.font_bold, size)

    # --- widths ---------------------------------------------------------------------------------------

    def _natural_widths(self) -> tuple[list[float], list[float]]:
        """Per column: as wide as its widest text (a text column capped at its hint), and the least width it may
        wrap to; either way the header fits in at most three lines."""
        natural, least = [], []
        char = self.regular.char("中")
        # a text never wraps to more lines than most of a landscape page holds (3 header lines under the title)
        page_lines = (A4[0] - self.top_margin - self.bottom_margin - TITLE_SIZE * 1.4 - self.size * 2.8 - 2 * mm
                      - 3 * self.leading - 4 * PAD_Y) // self.leading * 0.8
        for i, column in enumerate(self.columns):
            widest = max((self.regular.width(line) for row in self.texts for line in row[i].split("\n")), default=0.0)
            longest = max((self.regular.width(row[i]) for row in self.texts), default=0.0)
            label = column.label.replace("\n", "")
            lines = 1 if len(label) <= 3 else min(3, math.ceil(len(label) / 4))
            per_line = math.ceil(len(label) / lines) if label else 1
            label_width = max((self.bold.width(label[k:k + per_line]) for k in range(0, len(label), per_line)),
                              default=0.0)
            floor = max(label_width, char * 2, min(widest, longest / page_lines))
            if column.kind in UNBROKEN_KINDS:
                width = max(widest, floor)
                natural.append(width + 2 * PAD_X)
                least.append(width + 2 * PAD_X)
            else:
                width = max(min(widest, char * (column.width or TEXT_CAP)), floor)
                natural.append(width + 2 * PAD_X)
                least.append(min(width, max(floor, char * MIN_TEXT)) + 2 * PAD_X)
        return natural, least

    def _bands(self, natural: list[float], least: list[float]) -> list[_Band]:
        """The columns of each page across: all on one page if wrapping text lets them, else several pages, each
        led by the key columns (or the first), the rest shared out evenly."""
        frame = self.frame_width
        n = len(natural)
        if sum(natural) <= frame:
            return [self._band(list(range(n)), natural, frame)]
        keys = [i for i, c in enumerate(self.columns) if c.key] or [0]
        if sum(least) <= frame:
            # text columns give up width in proportion to what they can give, and wrap; a key column (a name)
            # only when the others cannot give enough
            widths = list(natural)
            for group in ([i for i in range(n) if i not in keys], keys):
                excess = sum(widths) - frame
                give = {i: widths[i] - least[i] for i in group}
                if excess <= 0 or not sum(give.values()):
                    continue
                share = min(1.0, excess / sum(give.values()))
                for i, g in give.items():
                    widths[i] -= g * share
            return [self._band(list(range(n)), widths, frame)]
        widths = list(natural)
        key_width = sum(widths[i] for i in keys)
        if key_width > frame * KEY_SHARE:
            # long keys wrap rather than leave no room for the rest
            for i in keys:
                widths[i] = least[i]
            key_width = sum(widths[i] for i in keys)
        room = frame - key_width
        others = [i for i in range(n) if i not in keys]
        for i in others:
            widths[i] = min(widths[i], room)
        count = math.ceil(sum(widths[i] for i in others) / room)
        target = sum(widths[i] for i in others) / count
        bands: list[list[int]] = [[]]
        used = 0.0
        for i in others:
            w = widths[i]
            if bands[-1] and (used + w > room or used + w / 2 > target):
                bands.append([])
                used = 0.0
            bands[-1].append(i)
            used += w
        return [self._band(sorted(keys + band), widths, frame, fixed=set(keys)) for band in bands]

    def _band(self, columns: list[int], natural: list[float], frame: float, fixed: set[int] = frozenset()) -> _Band:
        """Widths filling the page: first to wrapped text columns (up to their text), then to every column alike
        (by half at most; the table is centred).

        Key columns keep their width in every band, so that a row is as high on each of its pages.
        """
        widths = {i: natural[i] for i in columns}
        spare = frame - sum(widths.values())
        wanting = {i: self._widest(i) - widths[i] for i in columns if i not in fixed}
        wanting = {i: w for i, w in wanting.items() if w > 0}
        if spare > 0 and wanting:
            share = min(1.0, spare / sum(wanting.values()))
            for i, w in wanting.items():
                widths[i] += w * share
            spare = frame - sum(widths.values())
        stretchable = [i for i in columns if i not in fixed]
        if spare > 0 and stretchable:
            # a few columns left for a last page are widened a little, not spread over the whole page
            total = sum(widths[i] for i in stretchable)
            factor = min(1 + spare / total, 1.5)
            for i in stretchable:
                widths[i] *= factor
        edges = [0.0]
        for i in columns:
            edges.append(edges[-1] + widths[i])
        return _Band(columns, edges, [widths[i] for i in columns])

    def _widest(self, i: int) -> float:
        return max((self.regular.width(line) for row in self.texts for line in row[i].split("\n")),
                   default=0.0) + 2 * PAD_X

    # --- rows and pages -------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        """Wrap every cell to its column, give every row its height, and cut the rows into pages."""
        width_of = {}
        for band in self.bands:
            for i, w in zip(band.columns, band.widths):
                width_of[i] = w
        self.width_of = width_of
        labels = [self._label_lines(c.label, width_of[i] - 2 * PAD_X) for i, c in enumerate(self.columns)]
        self.labels = labels
        self.header_height = max(len(lines) for lines in labels) * self.leading + 2 * PAD_Y
        cells: list[list[list[str]]] = []
        heights: list[float] = []
        wrapped_kinds = [c.kind not in UNBROKEN_KINDS for c in self.columns]
        rooms = [width_of[i] - 2 * PAD_X for i in range(len(self.columns))]
        measure = self.regular.width
        page_room = self.frame_height - self._head_height() - self.header_height
        max_lines = max(1, int((page_room - 2 * PAD_Y) // self.leading))
        for row in self.texts:
            lines_of_row = []
            most = 1
            for text, wraps, room in zip(row, wrapped_kinds, rooms):
                if wraps and ("\n" in text or measure(text) > room):
                    lines = self.regular.wrap(text, room)
                    if len(lines) > max_lines:
                        # taller than a page even at the width kept for it (a key column squeezed by very many
                        # others): the last line that fits says it goes on
                        lines = lines[:max_lines - 1] + [lines[max_lines - 1][:-1] + "…"]
                else:
                    lines = [text]
                lines_of_row.append(lines)
                most = max(most, len(lines))
            cells.append(lines_of_row)
            heights.append(most * self.leading + 2 * PAD_Y)
        self.cells, self.heights = cells, heights
        chunks: list[tuple[int, int]] = []
        start, used = 0, 0.0
        for index, height in enumerate(heights):
            if index > start and used + height > page_room - 1:
                chunks.append((start, index))
                start, used = index, 0.0
            used += height
        chunks.append((start, len(heights)))
        self.chunks = chunks

    def _label_lines(self, label: str, room: float) -> list[str]:
        """A header in as few lines as fit, of even length: 参加社区/工作时间, never 参加社区工作时/间."""
        lines: list[str] = []
        for part in label.split("\n"):
            pieces = [part]
            for count in range(1, len(part) + 1):
                per = math.ceil(len(part) / count)
                pieces = [part[k:k + per] for k in range(0, len(part), per)]
                if all(self.bold.width(piece) <= room for piece in pieces):
                    break
            lines += pieces
        return lines

    def _head_height(self) -> float:
        """Title, subtitle and the note on which columns the page holds."""
        return TITLE_SIZE * 1.4 + self.size * 1.4 * 2 + 2 * mm

    def story(self) -> list[Flowable]:
        pages: list[Flowable] = []
        total = len(self.chunks) * len(self.bands)
        for first, end in self.chunks:
            for number, band in enumerate(self.bands, start=1):
                if pages:
                    pages.append(PageBreak())
                pages.append(_TablePage(self, band, number, first, end, len(pages) // 2, total))
        return pages

    # --- drawing --------------------------------------------------------------------------------------

    def draw_page(self, canvas: Canvas, band: _Band, part: int, first: int, end: int, top: float) -> None:
        """Everything of one page, with (0, 0) at the frame's bottom left corner and `top` the frame's height."""
        width = self.frame_width
        runs: dict[tuple[str, float, bool], list[tuple[float, float, str]]] = {}

        def put(font: str, size: float, outline: bool, x: float, y: float, text: str) -> None:
            runs.setdefault((font, size, outline), []).append((x, y, text))

        bold = self.font_bold
        y = top - TITLE_SIZE
        title_width = _Metrics(bold, TITLE_SIZE).width(self.title)
        put(bold, TITLE_SIZE, self.stroked, (width - title_width) / 2, y, self.title)
        y -= self.size * 1.6
        if self.subtitle:
            put(self.font_name, self.size, False, (width - self.regular.width(self.subtitle)) / 2, y, self.subtitle)
        y -= self.size * 1.4
        if len(self.bands) > 1:
            shown = [self.columns[i].label.replace("\n", "") for i in band.columns if not self.columns[i].key]
            note = f"本表列数较多，分{len(self.bands)}页并排打印，此为第{part}页（{shown[0]}—{shown[-1]}）" if shown else ""
            put(self.font_name, self.size, False, 0, y, note)
        table_top = top - self._head_height()
        table_width = band.edges[-1]
        left = (width - table_width) / 2

        # header
        header_bottom = table_top - self.header_height
        for k, i in enumerate(band.columns):
            lines = self.labels[i]
            block = len(lines) * self.leading
            line_y = (header_bottom + (self.header_height + block) / 2 - self.size * 0.88
                      - (self.leading - self.size) / 2)
            for line in lines:
                w = self.bold.width(line)
                put(bold, self.size, self.stroked, left + band.edges[k] + (band.widths[k] - w) / 2, line_y, line)
                line_y -= self.leading
        # rows
        row_top = header_bottom
        boundaries = [table_top, header_bottom]
        for index in range(first, end):
            height = self.heights[index]
            cells = self.cells[index]
            for k, i in enumerate(band.columns):
                align = _ALIGN.get(self.columns[i].kind, "left")
                x0, w = left + band.edges[k], band.widths[k]
                line_y = row_top - PAD_Y - self.size * 0.88
                for line in cells[i]:
                    if line:
                        if align == "left":
                            x = x0 + PAD_X
                        else:
                            text_w = self.regular.width(line)
                            x = x0 + w - PAD_X - text_w if align == "right" else x0 + (w - text_w) / 2
                        put(self.font_name, self.size, False, x, line_y, line)
                    line_y -= self.leading
            row_top -= height
            boundaries.append(row_top)
        bottom = row_top

        canvas.saveState()
        canvas.setFillColor(_HEADER_FILL)
        canvas.rect(left, header_bottom, table_width, self.header_height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for (font, size, outline), items in sorted(runs.items(), key=lambda run: run[0][2]):
            text = canvas.beginText(0, 0)
            text.setFont(font, size, 0)
            if outline:
                canvas.setLineWidth(size * _STROKE)
                text.setTextRenderMode(2)
            for x, y_, string in items:
                text.setTextOrigin(x, y_)
                text.textLine(string)
            canvas.drawText(text)
        path = [f"{fp_str(left, y_)} m {fp_str(left + table_width, y_)} l" for y_ in boundaries]
        path += [f"{fp_str(left + x, table_top)} m {fp_str(left + x, bottom)} l" for x in band.edges]
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.5)
        canvas.addLiteral("n " + " ".join(path) + " S")
        canvas.restoreState()


def _in_word(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def _one_line(text: str, kind: str) -> str:
    """Numbers, dates and codes print on one line; text keeps its own line breaks."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", " ") if kind in UNBROKEN_KINDS else text


class _TablePage(Flowable):
    """One printed page of the table: a run of rows in one band of columns."""

    def __init__(self, renderer: _TablePdf, band: _Band, part: int, first: int, end: int, number: int,
                 total: int) -> None:
        super().__init__()
        self.renderer, self.band, self.part, self.first, self.end = renderer, band, part, first, end
        self.number, self.total = number, total
        self.width, self.height = renderer.frame_width, renderer.frame_height - 1

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        progress = self.renderer.progress
        if progress is not None and progress(self.number, self.total) is False:
            raise ExportCancelled()
        self.renderer.draw_page(self.canv, self.band, self.part, self.first, self.end, self.height)
