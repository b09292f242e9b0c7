"""Reading a web page saved as a table: the ".xls" many government platforms export (and Excel's 另存为网页).

Each <table> becomes a sheet (表格1, 表格2 …), so the import picks the first one whose header fits the
ledger, as it does among a workbook's sheets. colspan and rowspan become merged ranges, laid out the way a
browser lays out the grid; <br> and block elements inside a cell become line breaks. Cell values stay text,
as in a CSV file: the ledger's own parsers read numbers and dates from text. The standard library's
html.parser reads the page in pieces, so the whole page never has to be in memory at once; it expands only
HTML's fixed named character references, never a document's own entities.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .limits import EXCEL_ROWS, MAX_CELL_TEXT, MAX_COLUMNS, SheetRows
from .sheet import ImportFileError, Sheet
from .text_files import open_text

_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u3000]+")
_BREAKS = {"br", "p", "div", "li"}     # a new line inside a cell
_SKIPPED = {"script", "style", "title", "head"}


def read_tables(path: Path) -> list[Sheet]:
    """Every table of the page with at least one row, as sheets; refused when the page has none."""
    parser = _Tables(path.name)
    with open_text(path, declared=_declared_charset) as text:
        while chunk := text.read(1 << 20):
            parser.feed(chunk)
    parser.close()
    tables = sorted(parser.finished, key=lambda t: t.number)    # in the order they begin (nested ones close first)
    sheets = [t.rows.sheet() for t in tables if t.rows.rows]
    if not sheets:
        raise ImportFileError(f"“{path.name}”是一个网页文件，不是表格：里面没有表格。请在原系统中导出 Excel 格式"
                              "（.xlsx 或 .xls），或用 Excel/WPS 打开后另存为 .xlsx 再导入")
    return sheets


def _declared_charset(head: bytes) -> str | None:
    """The encoding a page declares in its first bytes (<meta charset=…> or http-equiv content=…charset=…)."""
    found = re.search(rb"<meta[^>]*charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", head, re.IGNORECASE)
    return found.group(1).decode("ascii").lower() if found else None


class _Table:
    """One table being laid out: the grid position of each cell, with the spans of rows above."""

    def __init__(self, file_name: str, number: int):
        self.number = number
        self.rows = SheetRows(file_name, f"表格{number}")
        self.row_number = 0
        self.cells: list[Any] | None = None     # the row being read
        self.column = 0                         # where the next cell of the row may start (0-based)
        self.spans: list[tuple[int, int, int]] = []   # (first col, last col, last row) of rowspans from above
        self.text: list[str] | None = None      # the cell being read
        self.text_length = 0
        self.cell_at = (0, 0, 1, 1)             # its column, and colspan and rowspan

    def start_row(self) -> None:
        self.end_row()
        self.row_number += 1
        self.cells = []
        self.column = 0
        self.spans = [s for s in self.spans if s[2] >= self.row_number]

    def end_row(self) -> None:
        self.end_cell()
        if self.cells is not None:
            self.rows.put(self.row_number, self.cells)
            self.cells = None

    def start_cell(self, colspan: int, rowspan: int) -> None:
        self.end_cell()
        if self.cells is None:
            self.start_row()      # a cell outside any <tr>: browsers start a row for it
        column = self.column
        while any(first <= column <= last for first, last, _ in self.spans):
            column += 1
        self.text, self.text_length = [], 0
        self.cell_at = (column, colspan, rowspan)
        self.column = column + colspan

    def add_text(self, text: str) -> None:
        if self.text is not None and self.text_length < MAX_CELL_TEXT:   # beyond that, not a table's cell
            self.text.append(text)
            self.text_length += len(text)

    def end_cell(self) -> None:
        if self.text is None:
            return
        column, colspan, rowspan = self.cell_at
        value = _cell_text(self.text)[:MAX_CELL_TEXT]
        self.text = None
        if column >= MAX_COLUMNS:
            return
        if len(self.cells) <= column:
            self.cells.extend([None] * (column + 1 - len(self.cells)))
        self.cells[column] = value or None
        last_col = min(column + colspan, MAX_COLUMNS)
        if colspan > 1 or rowspan > 1:
            self.rows.merge(self.row_number, column + 1, self.row_number + rowspan - 1, last_col)
        if rowspan > 1:
            self.spans.append((column, last_col - 1, self.row_number + rowspan - 1))


def _cell_text(parts: list[str]) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _span(attrs: list[tuple[str, str | None]], name: str, most: int) -> int:
    value = next((v for k, v in attrs if k == name), None)
    try:
        number = int(str(value).strip())
    except ValueError:
        return 1
    return min(max(number, 1), most)   # rowspan="0" (to the end of the group) is taken as one row


class _Tables(HTMLParser):
    def __init__(self, file_name: str):
        super().__init__(convert_charrefs=True)
        self.file_name = file_name
        self.open: list[_Table] = []      # nested tables: the innermost last
        self.finished: list[_Table] = []
        self.skipping = 0
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "table":
            self.count += 1
            self.open.append(_Table(self.file_name, self.count))
        elif not self.open:
            return
        elif tag == "tr":
            self.open[-1].start_row()
        elif tag in ("td", "th"):
            self.open[-1].start_cell(_span(attrs, "colspan", MAX_COLUMNS), _span(attrs, "rowspan", EXCEL_ROWS))
        elif tag in _BREAKS:
            self.open[-1].add_text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif not self.open:
            return
        elif tag == "table":
            table = self.open.pop()
            table.end_row()
            self.finished.append(table)
        elif tag == "tr":
            self.open[-1].end_row()
        elif tag in ("td", "th"):
            self.open[-1].end_cell()

    def handle_data(self, data: str) -> None:
        if self.open and not self.skipping:
            self.open[-1].add_text(data)

    def close(self) -> None:
        super().close()
        while self.open:                  # a page cut short: what was read of its tables still counts
            table = self.open.pop()
            table.end_row()
            self.finished.append(table)
