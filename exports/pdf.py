"""PDF reports: a renderer base (geometry, Chinese stylesheet, 第 X 页 共 Y 页), government-form tables and pay slips.

Reports go through reportlab's Platypus in `PdfRenderer`: a subclass gives the story and the page decorations.
A government form's pages are flowables of their own that draw header, rows and grid on the canvas, since a
Platypus Table styles and draws each cell with its full machinery (see `_FormLayout`). Pay slips, thousands of
small identical blocks, are drawn on the canvas directly by `render_slips`, since laying out 10,000 little tables
with Platypus is dozens of times slower than the drawing.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import PageBreakIfNotEmpty

from exports import ExportError
from ledger.files import atomic_write, check_writable
from exports.fonts import cjk_fonts
from ledger import APP_NAME, clock
from ledger.money import format_yuan

PAGE_LABEL = "第 {page} 页 共 {pages} 页"


class ExportCancelled(ExportError):
    """The user cancelled a long export; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消导出")


Progress = Callable[[int, int], "bool | None"]   # (done, total) -> False to cancel


def format_value(value: Any, kind: str = "text") -> str:
    """A value as printed in a report: amounts with two decimals and thousands separators, counts as integers."""
    if value is None or value == "":
        return ""
    if kind == "amount":
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_yuan(Decimal(value))
        return str(value)
    if kind == "count" and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{int(value):d}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_yuan(value) if value.as_tuple().exponent == -2 else format(value, "f")
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def date_document(canvas: Canvas, created: datetime | None) -> None:
    """Date a document `created` (now if None) to the second, in its CreationDate and ModDate.

    reportlab's invariant mode, which keeps the same content the same file byte for byte, would date every
    document 2000-01-01; a closed quarter's reprint is dated by its closing time instead, and so is still the
    same file. The date is written without a time zone, as the local time it is.
    """
    stamp = (created or clock.now()).strftime("D:%Y%m%d%H%M%S")
    canvas.setDateFormatter(lambda *_: stamp)


# ---------------------------------------------------------------------------------------------------------
# The renderer base


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the end, so that each can say how many pages there are."""

    def __init__(self, *args: Any, renderer: PdfRenderer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._renderer = renderer
        self._held_pages: list[dict[str, Any]] = []
        date_document(self, renderer.created)

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._renderer.draw_page_number(self, number, total)
            super().showPage()
        super().save()


class PdfRenderer:
    """Base of every PDF report: subclasses set the class attributes and fill in `story` (and maybe decorations).

    Geometry is in points (reportlab's unit); `mm` converts. Fonts are registered on first use.
    """

    pagesize: ClassVar[tuple[float, float]] = A4
    landscape: ClassVar[bool] = False
    left_margin: ClassVar[float] = 15 * mm
    right_margin: ClassVar[float] = 15 * mm
    top_margin: ClassVar[float] = 15 * mm
    bottom_margin: ClassVar[float] = 16 * mm
    font_size: ClassVar[float] = 10
    table_font_size: ClassVar[float] = 9
    title: str = ""
    author: ClassVar[str] = APP_NAME
    created: datetime | None = None     # the document's creation date; None: now

    def __init__(self) -> None:
        fonts = cjk_fonts()
        self.font_name = fonts.regular
        self.font_bold = fonts.bold
        self.styles = self.stylesheet()

    # geometry

    @property
    def page_width(self) -> float:
        return self.page_size[0]

    @property
    def page_size(self) -> tuple[float, float]:
        return landscape(self.pagesize) if self.landscape else self.pagesize

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - self.left_margin - self.right_margin

    @property
    def frame_height(self) -> float:
        return self.page_size[1] - self.top_margin - self.bottom_margin

    # styles

    def stylesheet(self) -> StyleSheet1:
        """The one named stylesheet: title, subtitle, normal, th, td, td_right, td_center, footer."""
        sheet = StyleSheet1()
        base = self.font_size
        cell = self.table_font_size
        sheet.add(ParagraphStyle("normal", fontName=self.font_name, fontSize=base, leading=base * 1.4,
                                 wordWrap="CJK"))
        sheet.add(ParagraphStyle("title", parent=sheet["normal"], fontName=self.font_bold, fontSize=18,
                                 leading=24, alignment=TA_CENTER, spaceAfter=2 * mm))
        sheet.add(ParagraphStyle("subtitle", parent=sheet["normal"], fontSize=base + 1, leading=(base + 1) * 1.4,
                                 alignment=TA_CENTER, spaceAfter=2 * mm))
        sheet.add(ParagraphStyle("th", parent=sheet["normal"], fontName=self.font_bold, fontSize=cell,
                                 leading=cell * 1.25, alignment=TA_CENTER))
        sheet.add(ParagraphStyle("td", parent=sheet["normal"], fontSize=cell, leading=cell * 1.25, alignment=TA_LEFT))
        sheet.add(ParagraphStyle("td_right", parent=sheet["td"], alignment=TA_RIGHT))
        sheet.add(ParagraphStyle("td_center", parent=sheet["td"], alignment=TA_CENTER))
        sheet.add(ParagraphStyle("footer", parent=sheet["normal"], fontSize=8, leading=10, alignment=TA_CENTER,
                                 textColor=colors.HexColor("#333333")))
        return sheet

    # hooks

    def story(self) -> list[Flowable]:
        """The flowables of the document; every report overrides this."""
        raise NotImplementedError

    def decorate_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Draw what every page carries besides the story (a watermark, a running header); nothing by default."""

    def draw_page_number(self, canvas: Canvas, page: int, pages: int) -> None:
        """Called at the end, once per page, when the number of pages is known."""
        style = self.styles["footer"]
        canvas.saveState()
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        canvas.drawCentredString(self.page_size[0] / 2, self.bottom_margin / 2, PAGE_LABEL.format(page=page, pages=pages))
        canvas.restoreState()

    # output

    def render(self, out_path: str | Path) -> Path:
        """Write the PDF; the file appears only when it is complete."""
        check_writable(out_path)
        story = self.story()
        with atomic_write(out_path) as tmp:
            doc = BaseDocTemplate(str(tmp), pagesize=self.page_size, leftMargin=self.left_margin,
                                  rightMargin=self.right_margin, topMargin=self.top_margin,
                                  bottomMargin=self.bottom_margin, title=self.title, author=self.author,
                                  creator=APP_NAME, invariant=True, initialFontName=self.font_name)
            frame = Frame(self.left_margin, self.bottom_margin, self.frame_width, self.frame_height,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
            doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self.decorate_page)])
            doc.build(story, canvasmaker=partial(_NumberedCanvas, renderer=self))
        return Path(out_path)

    # the government-form table

    def form_table_story(self, table: FormTable) -> list[Flowable]:
        """Flowables for a government form: title, info line, the table split per page, signature line.

        The form starts on a new page unless the current one is still empty.
        """
        return _FormLayout(self, table).story()


# ---------------------------------------------------------------------------------------------------------
# Government-form tables


@dataclass(frozen=True)
class Column:
    """One column of a form table."""

    label: str                  # "\n" breaks a long header; too long a label is wrapped to the width
    width: float = 1.0          # relative weight, scaled so that the table fills the page width
    kind: str = "text"          # "text" (left), "center", "amount" (right, 2 decimals), "count" (right, integer)
    words: Sequence[str] = ()   # the label's words, where it may wrap (default: between characters)
    handwritten: bool = False   # filled in by hand on paper (领款人签字): keeps its width, lends none to others


@dataclass
class FormTable:
    """The content of a government form (see DOMAIN.md §4)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    unit_name: str = ""                            # 填报单位, printed left under the title
    period: str = ""                               # 报告期, printed in the middle
    measure: str = "单位：元"                       # printed right
    groups: Sequence[tuple[str, int, int]] = ()    # a header row above the labels: (label, first, last column)
    emphasis: Collection[int] = ()                 # indexes into rows printed bold (小计 rows)
    total: Sequence[Any] | None = None             # the 合计 row, printed bold
    signatures: Sequence[str] = ("制表人：", "审核人：", "负责人：")
    marks: Sequence[str] = ()                      # 表号、制定机关… printed top right for statistical tables
    notes: str = ""                                # 填表说明 under the signatures
    # the rows under the table as the xlsx template has them (exports.form_text), in place of `signatures`:
    # per row, its cells as (start, end, text) with start and end shares of the table's width
    footer: Sequence[Sequence[tuple[float, float, str]]] = ()


class FormTableRenderer(PdfRenderer):
    """A PDF of one FormTable; set `landscape` on a subclass (or the instance) for wide tables."""

    def __init__(self, table: FormTable, *, landscape_page: bool | None = None) -> None:
        if landscape_page is not None:
            self.landscape = landscape_page   # type: ignore[misc]  # per instance on purpose
        super().__init__()
        self.table = table
        self.title = table.title

    def story(self) -> list[Flowable]:
        return self.form_table_story(self.table)


_PAD = 2.5          # cell padding, points
MAX_TEXT_SHARE = 0.12   # a text column takes at most this share of the width; a longer name shrinks its own font
_MIN_FONT = 5.0     # text is shrunk to fit its cell down to this size, as Excel's 缩小字体填充 does
_HEADER_FILL = colors.HexColor("#F2F2F2")
_STROKE = 0.035     # outline width of text drawn bold by stroking, per point of font size
_ALIGN = {"amount": "right", "count": "right", "center": "center"}


class _FormLayout:
    """Splits a FormTable into pages at fixed row heights, each drawn by a `_FormPage` under the repeated header.

    Fixed heights let the rows per page be computed rather than found by reportlab splitting one long table,
    which costs more than linear time in the rows (STYLE.md: 2k rows 0.75 s, 10k rows 6.4 s).

    A page is drawn straight on the canvas, not by a platypus Table: the Table styles, measures and draws every
    cell on its own (a text object per cell), which cost 1.6 times reportlab's canvas drawing the same strings.
    What does not depend on the rows — column edges, alignments and font sizes, the header's texts and the
    breaks in its grid — is worked out once here; a page then writes its strings into one text object per
    font and size, and its grid as one path per line width. The look is the Table's: the same cell padding and
    vertical centring (every string within a thousandth of a point of where the Table put it), the same 0.5 pt
    grid with round caps and joins, broken where header cells span, under a 1 pt box, the same grey header.
    """

    def __init__(self, renderer: PdfRenderer, table: FormTable) -> None:
        self.r = renderer
        self.t = table
        self.size = renderer.table_font_size
        self.leading = self.size * 1.25
        self.row_height = self.size * 1.3 + 2 * _PAD
        total_weight = sum(c.width for c in table.columns) or 1
        self.widths = [renderer.frame_width * c.width / total_weight for c in table.columns]
        self.edges = [0.0]
        for width in self.widths:
            self.edges.append(self.edges[-1] + width)
        # the font has no bold face (WenQuanYi): header, 小计 and 合计 are drawn filled and outlined
        self.stroked = renderer.font_bold == renderer.font_name

    def story(self) -> list[Flowable]:
        r, t = self.r, self.t
        styles = r.styles
        head: list[Flowable] = []
        marks_style = ParagraphStyle("marks", parent=styles["normal"], fontSize=8, leading=10, alignment=TA_RIGHT)
        if t.marks:
            head.append(Paragraph("<br/>".join(_escape(m) for m in t.marks), marks_style))
        head.append(Paragraph(_escape(t.title), styles["title"]))
        def info_line() -> Table:
            info = Table([[f"填报单位：{t.unit_name}" if t.unit_name else "", f"报告期：{t.period}" if t.period else "",
                           t.measure]], colWidths=[r.frame_width / 3] * 3)
            info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), r.font_name, r.font_size),
                                      ("ALIGN", (0, 0), (0, 0), "LEFT"), ("ALIGN", (1, 0), (1, 0), "CENTER"),
                                      ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                      ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
            return info

        def continued() -> list[Flowable]:
            """What a continuation page says above the table: the form's 表号, its title marked 续表, the info line."""
            out: list[Flowable] = []
            number = [m for m in t.marks if re.sub(r"\s", "", m).startswith("表号")]
            if number:
                out.append(Paragraph(_escape(number[0]), marks_style))
            out.append(Paragraph(_escape(f"{t.title}（续表）"), ParagraphStyle(
                "continued", parent=styles["title"], fontSize=12, leading=16, spaceAfter=1 * mm)))
            out.append(info_line())
            return out

        head.append(info_line())
        head_height = sum(_height(f, r.frame_width) for f in head)
        continued_height = sum(_height(f, r.frame_width) for f in continued())

        body = [list(row) for row in t.rows]
        bold = set(t.emphasis)
        if t.total is not None:
            bold.add(len(body))
            body.append(list(t.total))
        self.bold = bold
        self._texts(body)       # first: the columns' widths follow their widest figures
        self._header()
        header_height = self.header_height
        signature = self._signature()
        sig_height = sum(_height(f, r.frame_width) for f in signature) if signature is not None else 0

        slack = 1.0     # points kept free so that rounding never pushes a table to the next page
        first_capacity = max(1, math.floor((r.frame_height - head_height - header_height - slack) / self.row_height))
        capacity = max(1, math.floor((r.frame_height - continued_height - header_height - slack) / self.row_height))
        chunks: list[tuple[int, int]] = []
        start = 0
        limit = first_capacity
        while start < len(body) or not chunks:
            chunks.append((start, min(len(body), start + limit)))
            start += limit
            limit = capacity
        # a last page never holds the 合计 row alone: it takes the row before it along
        if len(chunks) > 1 and chunks[-1][1] - chunks[-1][0] == 1 and chunks[-2][1] - chunks[-2][0] > 1:
            (a, b), (c, d) = chunks[-2], chunks[-1]
            chunks[-2:] = [(a, b - 1), (c - 1, d)]
        # keep the signature line on the page of the last rows rather than alone on a page of its own
        last_start, last_end = chunks[-1]
        room = (first_capacity if len(chunks) == 1 else capacity) - (last_end - last_start)
        if signature is not None and room * self.row_height < sig_height + 4 * mm and last_end - last_start > 2:
            need = math.ceil((sig_height + 4 * mm - room * self.row_height) / self.row_height)
            need = min(last_end - last_start - 1, max(2, need))
            chunks[-1] = (last_start, last_end - need)
            chunks.append((last_end - need, last_end))

        # the rows per page are computed for a form that starts at the top of a page
        story: list[Flowable] = [PageBreakIfNotEmpty(), *head]
        for index, (a, b) in enumerate(chunks):
            if index:
                story.append(PageBreak())
                story.extend(continued())
            story.append(_FormPage(self, a, b))
        if signature is not None:
            story.append(Spacer(1, 4 * mm))
            story.extend(signature)
        if t.notes:
            story.append(Spacer(1, 2 * mm))
            story.append(Paragraph(_escape(t.notes), ParagraphStyle("notes", parent=r.styles["normal"], fontSize=8,
                                                                    leading=11)))
        return story

    def _header(self) -> None:
        """The header rows' heights, and its texts placed and its grid's breaks, relative to the table's top.

        With groups the header has two rows: a group's label spans its columns in the first, their labels sit
        in the second, and a column outside every group spans both rows with its label.
        """
        t, r = self.t, self.r
        bold = r.font_bold
        size, leading = self.size, self.leading
        n = len(t.columns)
        labels = ["\n".join(label_lines(c.label, c.words, bold, size, w - 2 * _PAD))
                  for c, w in zip(t.columns, self.widths)]
        cells: list[tuple[int, int, int, int, str]] = []     # (first column, last column, first row, last row, text)
        if t.groups:
            grouped: set[int] = set()
            for label, first, last in t.groups:
                cells.append((first, last, 0, 0, label))
                grouped.update(range(first, last + 1))
            cells += [(i, i, 1, 1, labels[i]) if i in grouped else (i, i, 0, 1, labels[i]) for i in range(n)]
            lines = max([1] + [labels[i].count("\n") + 1 for i in grouped])
            ungrouped_lines = max([1] + [labels[i].count("\n") + 1 for i in range(n) if i not in grouped])
            second = lines * leading + 2 * _PAD
            first_h = max(leading + 2 * _PAD, ungrouped_lines * leading + 2 * _PAD - second)
            heights = [first_h, second]
        else:
            cells = [(i, i, 0, 0, labels[i]) for i in range(n)]
            heights = [max(label.count("\n") + 1 for label in labels) * leading + 2 * _PAD]
        self.header_heights = heights
        self.header_height = sum(heights)
        tops = [0.0]
        for height in heights:
            tops.append(tops[-1] - height)           # row boundaries, downwards from the table's top
        edges = self.edges
        font = getFont(bold)
        texts: list[tuple[float, float, str]] = []   # (x, y below the table's top, text)
        # a line of the grid is broken where a cell spans it: horizontal ones at a row boundary, (x0, x1) ...
        self.header_h_breaks: dict[int, list[tuple[float, float]]] = {}
        # ... vertical ones at a column edge, (y0, y1) below the top
        self.v_breaks: dict[int, list[tuple[float, float]]] = {}
        for first, last, row0, row1, label in cells:
            for row in range(row0 + 1, row1 + 1):
                self.header_h_breaks.setdefault(row, []).append((edges[first], edges[last + 1]))
            for column in range(first + 1, last + 1):
                self.v_breaks.setdefault(column, []).append((tops[row1 + 1], tops[row0]))
            if not label:
                continue
            x0, width = edges[first], edges[last + 1] - edges[first]
            bottom, height = tops[row1 + 1], tops[row0] - tops[row1 + 1]
            parts = label.split("\n")
            part_widths = [font.stringWidth(part, size) for part in parts]
            if self.stroked:
                # placed as a block of lines centred on each other, the block centred in the cell
                block_w = max(part_widths)
                block_h = size + leading * (len(parts) - 1)
                y = bottom + (height + 1 + block_h) / 2 - size * 0.85
                for k, (part, w) in enumerate(zip(parts, part_widths)):
                    texts.append((x0 + (width - block_w) / 2 + (block_w - w) / 2, y - k * leading, part))
            else:
                y = bottom + (1 + height + len(parts) * leading) / 2 - size
                middle = x0 + width * 0.5
                for k, (part, w) in enumerate(zip(parts, part_widths)):
                    texts.append((middle - w * 0.5, y - k * leading, part))
        for spans in (*self.header_h_breaks.values(), *self.v_breaks.values()):
            spans.sort()
        self.header_texts = [item for item in texts if item[2]]

    def _texts(self, body: list[list[Any]]) -> None:
        """The printed text of every cell and its width, per column one font size at which its widest text fits,
        and where each column's texts go in their row.

        One size per column, not per cell: a column of amounts in mixed sizes reads as an error. Number columns
        centre the words they hold (合计, 小计, —) rather than right-aligning them.
        """
        r = self.r
        size = self.size
        bold = self.bold
        columns = self.t.columns
        regular_font, bold_font = getFont(r.font_name), getFont(r.font_bold)
        regular_widths, bold_widths = regular_font.face.charWidths, bold_font.face.charWidths
        regular_default, bold_default = regular_font.face.defaultWidth, bold_font.face.defaultWidth
        number_columns = {i for i, column in enumerate(columns) if column.kind in ("amount", "count")}
        texts: list[list[str]] = []
        units: list[list[float]] = []     # widths in thousandths of the font size
        words: set[tuple[int, int]] = set()
        widest = [0.0] * len(columns)
        kinds = [column.kind for column in columns]
        for index, row in enumerate(body):
            if index in bold:
                get, default = bold_widths.get, bold_default
            else:
                get, default = regular_widths.get, regular_default
            line: list[str] = []
            line_units: list[float] = []
            for i, kind in enumerate(kinds):
                value = row[i] if i < len(row) else None
                text = format_value(value, kind)
                if "\n" in text:
                    text = text.replace("\n", " ")
                u = 0.0
                if text:
                    u = sum([get(ord(ch), default) for ch in text])
                    width = 0.001 * size * u
                    widest[i] = max(widest[i], width)
                    if i in number_columns and isinstance(value, str):
                        words.add((index, i))
                line.append(text)
                line_units.append(u)
            texts.append(line)
            units.append(line_units)
        self._fit_widths(widest)
        sizes = []
        for i, width in enumerate(widest):
            room = self.widths[i] - 2 * _PAD
            sizes.append(size if width <= room else max(_MIN_FONT, size * room / width))
        self.body_texts, self.body_units, self.words, self.sizes = texts, units, words, sizes
        # per column: (left edge, width, alignment, font size, text's rise above its row's bottom: plain, stroked)
        rh = self.row_height
        self.placing = [(self.edges[i], self.widths[i], _ALIGN.get(kind, "left"), s,
                         (1 + rh + self.leading) / 2 - s, (rh + 1 + s) / 2 - s * 0.85)
                        for i, (kind, s) in enumerate(zip(kinds, sizes))]

    def _fit_widths(self, widest: list[float]) -> None:
        """Give a column too narrow for its widest text (a city's 合计 in bold) the room other columns do not use.

        The columns' weights are a caller's guess at figures it has not seen; only what no column can spare is
        left to shrinking the font of the columns still too narrow.
        """
        need = [w + 2 * _PAD + 0.5 for w in widest]
        cap = self.edges[-1] * MAX_TEXT_SHARE
        need = [min(n, max(cap, w)) if c.kind not in ("amount", "count") else n
                for n, w, c in zip(need, self.widths, self.t.columns)]
        short = [max(0.0, n - w) for n, w in zip(need, self.widths)]
        # a column keeps room for its header in two lines
        bold = self.r.font_bold
        label = [narrowest_label(c.label, c.words, bold, self.size) + 2 * _PAD + 0.5 for c in self.t.columns]
        spare = [0.0 if c.handwritten else max(0.0, w - max(n, h))
                 for n, h, w, c in zip(need, label, self.widths, self.t.columns)]
        wanted, free = sum(short), sum(spare)
        if not wanted or not free:
            return
        moved = min(wanted, free)
        self.widths = [w + s * moved / wanted - f * moved / free for w, s, f in zip(self.widths, short, spare)]
        self.edges = [0.0]
        for width in self.widths:
            self.edges.append(self.edges[-1] + width)

    def draw_page(self, canvas: Canvas, first: int, end: int, height: float) -> None:
        """Draw the header and rows first..end-1 as a table `height` high with its bottom left corner at (0, 0)."""
        r = self.r
        size, rh = self.size, self.row_height
        width = self.edges[-1]
        header_height = self.header_height
        stroked = self.stroked
        regular, bold_name = r.font_name, r.font_bold
        # strings by (font, size, drawn outlined): one text object each
        runs: dict[tuple[str, float, bool], list[tuple[float, float, str]]] = {
            (bold_name, size, stroked): [(x, height + dy, text) for x, dy, text in self.header_texts]}
        texts, units, words, bold = self.body_texts, self.body_units, self.words, self.bold
        placing = self.placing
        bottom = height - header_height
        for index in range(first, end):
            bottom -= rh
            row_texts, row_units = texts[index], units[index]
            emphasised = index in bold
            outline = emphasised and stroked
            font = bold_name if emphasised else regular
            for column, (x0, w, align, s, rise, stroked_rise) in enumerate(placing):
                text = row_texts[column]
                if not text:
                    continue
                if align != "left" and (index, column) in words:
                    align = "center"
                if align == "left":
                    x = x0 + _PAD
                else:
                    text_w = 0.001 * s * row_units[column]
                    if align == "right":
                        x = x0 + w - _PAD - text_w
                    elif outline:
                        x = x0 + (w - text_w) / 2
                    else:
                        x = x0 + w * 0.5 - text_w * 0.5
                key = (font, s, outline)
                run = runs.get(key)
                if run is None:
                    run = runs[key] = []
                run.append((x, bottom + (stroked_rise if outline else rise), text))

        canvas.saveState()
        canvas.setFillColor(_HEADER_FILL)
        canvas.rect(0, height - header_height, width, header_height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        # plain text first: a text object starts in fill mode but leaves its mode set for the next one
        for (font, s, outline), items in sorted(runs.items(), key=lambda run: run[0][2]):
            if not items:
                continue
            text = canvas.beginText(0, 0)
            # no leading: textLine's move to the next line stays put, and unlike textOut it measures nothing
            text.setFont(font, s, 0)
            if outline:
                canvas.setLineWidth(s * _STROKE)
                text.setTextRenderMode(2)
            for x, y, string in items:
                text.setTextOrigin(x, y)     # absolute, as drawString places it: no drift from relative moves
                text.textLine(string)
            canvas.drawText(text)

        # the grid: the outline and every row and column line at 0.5 pt, broken where a header cell spans
        # across, then the outline again at 1 pt
        box = [(0.0, height, width, height), (0.0, 0.0, width, 0.0), (0.0, 0.0, 0.0, height),
               (width, 0.0, width, height)]
        path = [f"{fp_str(x1, y1)} m {fp_str(x2, y2)} l" for x1, y1, x2, y2 in box]
        rows = len(self.header_heights) + end - first
        y = height
        header_breaks = self.header_h_breaks
        for boundary in range(1, rows):
            y -= self.header_heights[boundary - 1] if boundary <= len(self.header_heights) else rh
            for x1, x2 in _unbroken(0.0, width, header_breaks.get(boundary, ())):
                path.append(f"{fp_str(x1, y)} m {fp_str(x2, y)} l")
        for column in range(1, len(self.widths)):
            x = self.edges[column]
            breaks = [(height + low, height + high) for low, high in self.v_breaks.get(column, ())]
            for y1, y2 in _unbroken(0.0, height, breaks):
                path.append(f"{fp_str(x, y1)} m {fp_str(x, y2)} l")
        canvas.setStrokeColor(colors.black)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        canvas.setLineWidth(0.5)
        canvas.addLiteral("n " + " ".join(path) + " S")
        canvas.setLineWidth(1)
        canvas.addLiteral("n " + " ".join(path[:4]) + " S")
        canvas.restoreState()

    def _signature(self) -> list[Flowable] | None:
        """The lines under the table: the template's rows (each cell where it starts, long text wrapped within
        its span), else the signatures spread evenly."""
        r = self.r
        rows = [list(row) for row in self.t.footer]
        if not rows and self.t.signatures:
            n = len(self.t.signatures)
            rows = [[(i / n, (i + 1) / n, name) for i, name in enumerate(self.t.signatures)]]
        if not rows:
            return None
        width = self.edges[-1]
        style = ParagraphStyle("footer_cell", parent=r.styles["normal"], fontSize=r.font_size,
                               leading=r.font_size * 1.4)
        out: list[Flowable] = []
        for row in rows:
            cells: list[Any] = []
            widths: list[float] = []
            if row[0][0] > 0:
                cells.append("")
                widths.append(row[0][0] * width)
            for start, end, text in row:
                cells.append(Paragraph(_escape(text), style))
                widths.append((end - start) * width)
            table = Table([cells], colWidths=widths, hAlign="CENTER")
            table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), r.font_name, r.font_size),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                                       ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(table)
        return out


def _unbroken(start: float, end: float, breaks: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of the line from start to end outside the sorted intervals `breaks`."""
    parts = []
    for low, high in breaks:
        if high <= start or low >= end:
            continue
        if low > start:
            parts.append((start, low))
        start = max(start, high)
    if start < end:
        parts.append((start, end))
    return parts


class _FormPage(Flowable):
    """One page of a form table: its header and a run of rows, drawn by the layout they share."""

    def __init__(self, layout: _FormLayout, first: int, end: int) -> None:
        super().__init__()
        self.hAlign = "CENTER"      # as a Table is placed
        self.layout, self.first, self.end = layout, first, end
        self.width = layout.edges[-1]
        self.height = layout.header_height + (end - first) * layout.row_height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """The rows that fit and the rest, each under the header (only if the planned pages were wrong)."""
        layout = self.layout
        fit = math.floor((available_height - layout.header_height) / layout.row_height)
        if fit < 1 or fit >= self.end - self.first:
            return []
        return [_FormPage(layout, self.first, self.first + fit), _FormPage(layout, self.first + fit, self.end)]

    def draw(self) -> None:
        self.layout.draw_page(self.canv, self.first, self.end, self.height)


def _height(flowable: Flowable, width: float) -> float:
    _, height = flowable.wrap(width, 10_000)
    space = flowable.getSpaceBefore() + flowable.getSpaceAfter() if hasattr(flowable, "getSpaceBefore") else 0
    return height + space


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tokens(text: str, words: Sequence[str] = ()) -> list[str]:
    """The pieces a header may break between: its declared words, else its characters, with a run of Latin
    letters, digits or signs ("(%)") and a bracket kept with what it encloses."""
    if words and "".join(words) == text:
        return list(words)
    tokens: list[str] = []
    depth = 0
    for ch in text:
        glue = tokens and (depth > 0 or ch in ")）%" or ch.isascii() and tokens[-1][-1].isascii() and not ch.isspace())
        depth += (ch in "(（") - (ch in ")）")
        if glue:
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def label_lines(label: str, words: Sequence[str], font: str, size: float, width: float) -> list[str]:
    """A header's lines within `width`: broken at its "\n" and between its words, never inside a word unless the
    word alone is too wide, and never leaving one character alone on a line ("岗位等级/工资", "住房/公积金")."""
    out: list[str] = []
    for paragraph in label.split("\n"):
        lines: list[list[str]] = [[]]
        for token in _tokens(paragraph, words):
            pieces = [token] if stringWidth(token, font, size) <= width else _tokens(token)
            for piece in pieces:
                if lines[-1] and stringWidth("".join(lines[-1]) + piece, font, size) > width:
                    lines.append([])
                lines[-1].append(piece)
        # an orphan character takes the piece before it along
        if len(lines) > 1 and len("".join(lines[-1])) == 1 and len(lines[-2]) > 1:
            lines[-1].insert(0, lines[-2].pop())
        out.extend("".join(line) for line in lines)
    return out


def narrowest_label(label: str, words: Sequence[str], font: str, size: float) -> float:
    """The least width in which a header fits in two lines per paragraph, breaking only between its words."""
    widest = 0.0
    for paragraph in label.split("\n"):
        tokens = _tokens(paragraph, words)
        best = stringWidth(paragraph, font, size)
        for k in range(1, len(tokens)):
            if min(len("".join(tokens[:k])), len("".join(tokens[k:]))) < 2:
                continue        # no line of one character
            best = min(best, max(stringWidth("".join(tokens[:k]), font, size),
                                 stringWidth("".join(tokens[k:]), font, size)))
        widest = max(widest, best)
    return widest


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into lines that fit `width`; Chinese may break between any two characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for ch in paragraph:
            if line and stringWidth(line + ch, font, size) > width:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


# ---------------------------------------------------------------------------------------------------------
# Slips: many small blocks drawn on the canvas directly


@dataclass(frozen=True)
class Slip:
    """One slip (a pay slip, a notice stub): an optional caption and a row of labels over a row of values."""

    labels: Sequence[str]
    values: Sequence[Any]
    caption: str = ""
    kinds: Sequence[str] | None = None     # per column as in Column.kind; default: amounts for Decimal values
    note: str = ""                         # a line under the figures (why a 补发 or 扣款 was made), wrapped
    words: Sequence[Sequence[str]] | None = None   # per label, its words (where it may wrap)


@dataclass
class _SlipLayout:
    """Where everything of a slip goes, relative to its top edge; computed once per set of labels."""

    bands: list[list[tuple[int, float, float]]] = field(default_factory=list)   # per band: (column, x, width)
    height: float = 0.0
    labels: list[tuple[float, float, str]] = field(default_factory=list)       # (x, dy, label), centred
    values: list[tuple[int, float, float, float]] = field(default_factory=list)  # (column, x, width, dy)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # (x1, dy1, x2, dy2)


SLIP_FONT_SIZE = 9.0    # a slip is read in the hand: never smaller than the body of a form


def render_slips(out_path: str | Path, title: str, blocks: Iterable[Slip | tuple[Sequence[str], Sequence[Any]]], *,
                 per_page: int | None = None, landscape_page: bool = False, font_size: float = SLIP_FONT_SIZE,
                 progress: Progress | None = None) -> Path:
    """Draw one slip per block, as many per A4 page as fit (at most `per_page`), never split across pages.

    Each slip has a title line (`title` and the block's caption), then its labels over its values; columns
    that do not fit the width continue in a second band; a block's note follows in lines of its own. Dashed cut
    lines separate the slips on a page. `progress(done, total)` is called per page; returning False cancels
    (ExportCancelled).
    """
    check_writable(out_path)
    fonts = cjk_fonts()
    regular, bold = fonts.regular, fonts.bold
    slips = [b if isinstance(b, Slip) else Slip(b[0], b[1]) for b in blocks]
    page_w, page_h = landscape(A4) if landscape_page else A4
    margin = 12 * mm
    frame_w, frame_h = page_w - 2 * margin, page_h - 2 * margin - 6 * mm     # 6 mm for the page number
    row_h = font_size * 1.3 + 4
    title_h = font_size * 1.6 + 3
    gap = 7 * mm                                                              # space around a cut line
    amount_probe = stringWidth("000,000.00", regular, font_size)

    layouts: dict[tuple[str, ...], _SlipLayout] = {}

    def layout_for(labels: Sequence[str], sample: Slip | None = None) -> _SlipLayout:
        key = tuple(labels)
        found = layouts.get(key)
        if found is not None:
            return found
        # widths from the labels and the first slip's values, so that an account number gets the room it needs
        shown = [""] * len(key)
        if sample is not None:
            shown = [_slip_text(sample, i) for i in range(len(key))]
        values = [max(stringWidth(text, regular, font_size), amount_probe * 0.8) + 6 for text in shown]
        natural = [max(stringWidth(label, bold, font_size) + 6, value) for label, value in zip(key, values)]
        words = list(sample.words) if sample is not None and sample.words else [()] * len(key)
        label_lines_n = 1
        if sum(natural) > frame_w:
            # labels in two lines, broken between their words, rather than a second band of columns
            two = [max(narrowest_label(label, w, bold, font_size) + 6, value)
                   for label, w, value in zip(key, words, values)]
            if sum(two) <= frame_w:
                natural, label_lines_n = two, 2
        bands: list[list[int]] = [[]]
        used = 0.0
        for i, width in enumerate(natural):
            if bands[-1] and used + width > frame_w:
                bands.append([])
                used = 0.0
            bands[-1].append(i)
            used += width
        result = _SlipLayout()
        for band in bands:
            scale = frame_w / sum(natural[i] for i in band)
            x = margin
            placed = []
            for i in band:
                w = natural[i] * scale
                placed.append((i, x, w))
                x += w
            result.bands.append(placed)
        leading = font_size * 1.2
        label_h = row_h + (label_lines_n - 1) * leading
        result.height = title_h + (label_h + row_h) * len(result.bands)
        baseline = (row_h - font_size) / 2 + font_size * 0.18     # centres a line of text in its row
        right = margin + frame_w
        y = -title_h
        for band in result.bands:
            label_y, value_y = y - label_h, y - label_h - row_h
            result.lines += [(margin, y, right, y), (margin, label_y, right, label_y),
                             (margin, value_y, right, value_y), (right, y, right, value_y)]
            for column, x, width in band:
                result.lines.append((x, y, x, value_y))
                label = key[column]
                lines = label_lines(label, words[column], bold, font_size, width - 4)
                top = label_y + baseline + (len(lines) - 1) * leading / 2 + (label_h - row_h) / 2
                for k, line in enumerate(lines):
                    result.labels.append((x + (width - stringWidth(line, bold, font_size)) / 2, top - k * leading,
                                          line))
                result.values.append((column, x, width, value_y + baseline))
            y = value_y
        if result.height > frame_h:
            raise ExportError(f"“{title}”的每张条目过高，一页放不下")
        layouts[key] = result
        return result

    def note_lines(slip: Slip) -> list[str]:
        return _wrap(slip.note, regular, font_size, frame_w - 2 * _PAD) if slip.note else []

    notes = [note_lines(slip) for slip in slips]

    # pages first, so that every page can say how many there are
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, slip in enumerate(slips):
        height = layout_for(slip.labels, slip).height + len(notes[index]) * row_h
        if height > frame_h:
            raise ExportError(f"“{title}”中“{slip.caption}”的说明过长，一页放不下")
        needed = height + (gap if pages[-1] else 0)
        if pages[-1] and (used + needed > frame_h or (per_page is not None and len(pages[-1]) >= per_page)):
            pages.append([])
            used = 0.0
            needed = height
        pages[-1].append(index)
        used += needed
    total_pages = len(pages)

    with atomic_write(out_path) as tmp:
        # the initial font named so that no unembedded Helvetica is declared in the file
        canvas = Canvas(str(tmp), pagesize=(page_w, page_h), invariant=True, pageCompression=1, initialFontName=regular)
        date_document(canvas, None)
        canvas.setTitle(title)
        canvas.setAuthor(APP_NAME)
        canvas.setCreator(APP_NAME)
        for page_number, members in enumerate(pages, start=1):
            if progress is not None and progress(page_number - 1, total_pages) is False:
                raise ExportCancelled()
            _draw_slip_page(canvas, [(slips[i], notes[i]) for i in members], layout_for, title, regular, bold,
                            font_size, row_h, title_h, gap, margin, page_w, page_h, frame_w)
            canvas.setFont(regular, 8)
            canvas.drawCentredString(page_w / 2, margin / 2 + 2, PAGE_LABEL.format(page=page_number, pages=total_pages))
            canvas.showPage()
        canvas.save()
        if progress is not None:
            progress(total_pages, total_pages)
    return Path(out_path)


def _slip_text(slip: Slip, column: int) -> str:
    values, kinds = slip.values, slip.kinds
    value = values[column] if column < len(values) else None
    kind = kinds[column] if kinds is not None and column < len(kinds) else (
        "amount" if isinstance(value, Decimal) else "text")
    return format_value(value, kind)


def _draw_slip_page(canvas: Canvas, slips: list[tuple[Slip, list[str]]], layout_for: Callable[..., _SlipLayout],
                    title: str,
                    regular: str, bold: str, size: float, row_h: float, title_h: float, gap: float, margin: float,
                    page_w: float, page_h: float, frame_w: float) -> None:
    """Draw the slips of one page.

    The cost is in reportlab's number formatting and font-subset splitting, so: positions come precomputed
    from the layout, one text object holds the page's strings grouped by font (the font is set once per
    group), each string is placed with a relative move (2 numbers, not a 6-number text matrix), and the
    grid is written as one path formatted here rather than number by number.
    """
    runs: dict[tuple[str, float], list[tuple[float, float, str]]] = {}
    labels_run = runs.setdefault((bold, size), [])
    values_run = runs.setdefault((regular, size), [])
    titles_run = runs.setdefault((bold, size + 1), [])
    path: list[str] = []
    cuts: list[tuple[float, float, float, float]] = []
    top = page_h - margin
    right = margin + frame_w
    baseline = (row_h - size) / 2 + size * 0.18     # centres a line of text in its row, as the layout does
    for slot, (slip, note) in enumerate(slips):
        layout = layout_for(slip.labels)
        if slot:
            cut_y = top + gap / 2
            cuts.append((margin - 6 * mm, cut_y, right + 6 * mm, cut_y))
        titles_run.append((margin, top - title_h + 3, f"{title}　{slip.caption}" if slip.caption else title))
        labels_run.extend((x, top + dy, label) for x, dy, label in layout.labels)
        for column, x, width, dy in layout.values:
            shown = _slip_text(slip, column)
            if not shown:
                continue
            w = stringWidth(shown, regular, size)
            if w > width - 4:
                fit = max(_MIN_FONT, size * (width - 4) / w)
                runs.setdefault((regular, fit), []).append((x + (width - w * fit / size) / 2, top + dy, shown))
            else:
                values_run.append((x + (width - w) / 2, top + dy, shown))
        path.extend(f"{x1:.2f} {top + dy1:.2f} m {x2:.2f} {top + dy2:.2f} l" for x1, dy1, x2, dy2 in layout.lines)
        if note:
            # the note's lines under the figures, inside the slip's frame
            y = top - layout.height
            bottom = y - len(note) * row_h
            path.append(f"{margin:.2f} {y:.2f} m {margin:.2f} {bottom:.2f} l {right:.2f} {bottom:.2f} l "
                        f"{right:.2f} {y:.2f} l")
            for k, line in enumerate(note):
                values_run.append((margin + _PAD, y - (k + 1) * row_h + baseline, line))
        top -= layout.height + len(note) * row_h + gap
    text = canvas.beginText(0, 0)
    x0 = y0 = 0.0
    for (font, font_size), items in runs.items():
        if not items:
            continue
        text.setFont(font, font_size)
        if bold == regular:
            # no bold face (WenQuanYi): the slip titles are drawn filled and outlined to stand out
            text.setTextRenderMode(2 if items is titles_run else 0)
        for x, y, string in items:
            text.moveCursor(x - x0, y0 - y)      # reportlab's dy counts downwards
            x0, y0 = x, y
            text.textOut(string)
    canvas.setLineWidth(size * 0.035)
    canvas.drawText(text)
    canvas.setLineWidth(0.5)
    if path:
        canvas.addLiteral("n " + " ".join(path) + " S")
    if cuts:
        canvas.saveState()
        canvas.setDash(4, 3)
        canvas.setStrokeColor(colors.HexColor("#777777"))
        canvas.lines(cuts)
        canvas.restoreState()
