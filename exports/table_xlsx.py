"""Any table as a workbook to file and to work on: the xlsx twin of exports/table_pdf.py.

Amounts are numbers (#,##0.00), dates are dates, codes such as 身份证号 stay text; every column is as wide as its
widest value (text columns up to their hint, then wrapped, rows growing). On paper: A4, portrait when the table
fits, else landscape; a table up to a quarter wider than the page is shrunk to its width (never below 8 pt), a
wider one runs over several pages side by side with the key columns and the title rows repeated on each.

The sheet is a small template made here and filled by exports.template, whose row writer emits sheet XML
directly: measured on the city demo's 94,400 funding entries, openpyxl's write-only mode alone took longer than
the 3× of xlsxwriter that an export may cost, while the template engine stays within it (bench/reports.py).
"""
from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.cell_width import fitted_width, shown, text_points
from exports.table import NUMBER_FORMATS, UNBROKEN_KINDS, TableColumn
from exports.template import FillResult, fill

BODY_SIZE = 10
THIN = Side(style="thin", color="999999")
BOX = Border(THIN, THIN, THIN, THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
TEXT_CAP = 18               # characters on a line of a text column without a width hint
# printable widths of A4 in column-width units (10 pt 宋体, 0.4" margins), and the least print scale
PORTRAIT_UNITS, LANDSCAPE_UNITS = 95, 140
LEAST_SCALE = 0.8           # 10 pt printed at 80 % is 8 pt
# spreadsheets grow no row for wrapped text when they open a file: its height is set from these (a little short
# of the 6.5 points per unit of exports/cell_width.py, so that a row is never too low)
POINTS_PER_UNIT_TEXT = 6.0
LINE_HEIGHT = 13.5


def render_table_xlsx(title: str, subtitle: str, columns: Sequence[TableColumn], rows: Iterable[Sequence[Any]],
                      out: str | Path, *, warn: Callable[[str], None] | None = None) -> FillResult:
    """Write `rows` (one value per column) under `title` and `subtitle` (say the street and the date)."""
    columns = list(columns)
    rows = [list(row) for row in rows]
    widths = fitted_widths(columns, rows)
    names = [f"c{i}" for i in range(len(columns))]
    records = ({name: _cell(row[i] if i < len(row) else None, column.kind)
                for i, (name, column) in enumerate(zip(names, columns))} for row in rows)
    wrapped = [(name, width * POINTS_PER_UNIT_TEXT) for name, column, width in zip(names, columns, widths)
               if column.kind not in UNBROKEN_KINDS]

    def row_height(record: dict[str, Any]) -> float | None:
        lines = max((_lines(record[name], room) for name, room in wrapped), default=1)
        return lines * LINE_HEIGHT + 3 if lines > 1 else None

    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "表格.xlsx"
        _template(template, title, columns, widths, names)
        return fill(template, {"标题": title, "说明": subtitle}, records, out_path=out, fields=names,
                    row_height=row_height, warn=warn)


def fitted_widths(columns: Sequence[TableColumn], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Per column, the width of its widest value (see exports/cell_width.py), a text column up to its hint; the
    header may take up to three lines."""
    out = []
    for i, column in enumerate(columns):
        fmt = NUMBER_FORMATS.get(column.kind, "@")
        widest = 0.0
        for row in rows:
            value = row[i] if i < len(row) else None
            if value is None or value == "":
                continue
            text = shown(value, fmt)
            if text is not None:
                widest = max(widest, fitted_width(text, BODY_SIZE))
            else:
                widest = max(widest, max(_text_width(line) for line in str(value).split("\n")))
        if column.kind not in UNBROKEN_KINDS:
            widest = min(widest, 2 * (column.width or TEXT_CAP))
        label = column.label.replace("\n", "")
        lines = 1 if len(label) <= 3 else min(3, math.ceil(len(label) / 4))
        label_width = _text_width(label[:math.ceil(len(label) / lines)]) + 1
        out.append(max(widest + 1, label_width, 5.0))
    return out


def _lines(value: Any, room: float) -> int:
    """How many lines a text takes in a column `room` points wide (breaking anywhere, as Chinese may)."""
    if not isinstance(value, str) or not value:
        return 1
    count = 0
    for paragraph in value.split("\n"):
        count += 1
        if text_points(paragraph, BODY_SIZE) <= room:
            continue
        used = 0.0
        for ch in paragraph:
            w = text_points(ch, BODY_SIZE)
            if used and used + w > room:
                count += 1
                used = 0.0
            used += w
    return count


def _text_width(text: str) -> float:
    """Excel's count: a Chinese character is as wide as two digits."""
    return float(sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text))


def _cell(value: Any, kind: str) -> Any:
    if kind in ("money", "decimal") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    if kind == "code" and value is not None and not isinstance(value, str):
        return str(value)
    return value


def _template(path: Path, title: str, columns: Sequence[TableColumn], widths: Sequence[float],
              names: Sequence[str]) -> None:
    """Title and note rows, the header, one {{#行}} row styled per column kind."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    ws["A1"] = "{{标题}}"
    ws["A1"].font = Font(name="黑体", size=14)
    ws.row_dimensions[1].height = 24
    ws["A2"] = "{{说明}}"
    ws["A2"].font = Font(name="宋体", size=9, color="555555")
    head_font = Font(name="宋体", size=BODY_SIZE, bold=True)
    body_font = Font(name="宋体", size=BODY_SIZE)
    most_lines = 1
    for index, (column, width, name) in enumerate(zip(columns, widths, names), start=1):
        head = ws.cell(3, index, column.label)
        head.font, head.fill, head.border = head_font, HEAD_FILL, BOX
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        most_lines = max(most_lines, math.ceil(_text_width(column.label) / max(1.0, width - 1)))
        cell = ws.cell(4, index, ("{{#行}}" if index == 1 else "") + "{{" + name + "}}")
        cell.font, cell.border = body_font, BOX
        # text columns are formatted as text, so that Excel keeps 身份证号 and 编码 as typed when edited
        cell.number_format = NUMBER_FORMATS.get(column.kind, "@")
        if column.numeric:
            cell.alignment = Alignment(horizontal="right", vertical="top")
        elif column.kind in ("date", "short"):
            cell.alignment = Alignment(horizontal="center", vertical="top")
        else:
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=column.kind != "code")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[3].height = 14 * min(3, most_lines) + 4
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A3:{last}4"
    keys = _leading_keys(columns)
    ws.freeze_panes = f"{get_column_letter(keys + 1)}4"
    print_setup(ws, widths, title_rows="1:3", key_columns=keys)
    wb.save(path)


def print_setup(ws: Worksheet, widths: Sequence[float], *, title_rows: str, key_columns: int = 0) -> None:
    """A4; portrait when the columns fit, else landscape; shrunk to the page width when that keeps 8 pt, else over
    several pages side by side, the first `key_columns` and the `title_rows` repeated on each."""
    total = sum(widths)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    landscape = total > PORTRAIT_UNITS
    room = LANDSCAPE_UNITS if landscape else PORTRAIT_UNITS
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if total * LEAST_SCALE <= room:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = 100
        ws.page_setup.pageOrder = "overThenDown"     # the pages of one run of rows follow each other
        if key_columns:
            ws.print_title_cols = f"A:{get_column_letter(key_columns)}"
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _leading_keys(columns: Sequence[TableColumn]) -> int:
    """How many columns from the left are key columns (a spreadsheet repeats only a leading run of columns)."""
    count = 0
    for column in columns:
        if not column.key:
            break
        count += 1
    return count


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, "_")
    return title[:31] or "表格"
