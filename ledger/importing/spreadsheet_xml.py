"""Reading an Excel 2003 XML document (XML Spreadsheet 2003, "SpreadsheetML"): the ".xls" or ".xml" that WPS,
Excel's 另存为 XML 表格 and many reporting platforms write.

Each <Worksheet> is a sheet. A <Row>/<Cell> takes the position its ss:Index gives, else the next one (after
the previous cell's ss:MergeAcross); ss:MergeAcross/ss:MergeDown become merged ranges, and ss:Type gives the
value its type (Number, DateTime, Boolean, String), as the xlsx reader does. The document is parsed in pieces
by expat, so memory is bounded by what is kept; a document type declaration (where entity expansion attacks
live) is refused, since a spreadsheet never needs one.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat

from .limits import MAX_CELL_TEXT, MAX_COLUMNS, SheetRows
from .sheet import ImportFileError, Sheet
from .text_files import open_text

NS = "urn:schemas-microsoft-com:office:spreadsheet"
_WORKSHEET, _ROW, _CELL, _DATA = (f"{NS} {name}" for name in ("Worksheet", "Row", "Cell", "Data"))
_NAME, _INDEX, _ACROSS, _DOWN, _TYPE, _SPAN = (f"{NS} {name}" for name in
                                              ("Name", "Index", "MergeAcross", "MergeDown", "Type", "Span"))
_INTEGER = re.compile(r"[+-]?\d+")


def read_worksheets(path: Path) -> list[Sheet]:
    """The document's worksheets as sheets (an empty one still counts, so that its name can be chosen)."""
    reader = _Worksheets(path.name)
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.StartDoctypeDeclHandler = reader.refuse_doctype
    parser.EntityDeclHandler = reader.refuse_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    parser.buffer_text = True
    with open_text(path, declared=_declared_encoding) as text:
        try:
            while chunk := text.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse("", True)
        except expat.ExpatError as exc:
            raise ImportFileError(f"“{path.name}”不是完整的 Excel 2003 XML 表格（第{exc.lineno}行有错）：文件可能已损坏"
                                  "或只保存了一部分。请用 Excel/WPS 打开后另存为 .xlsx 再导入") from exc
    if not reader.sheets:
        raise ImportFileError(f"“{path.name}”是 Excel 2003 XML 文件，但里面没有工作表")
    return [rows.sheet() for rows in reader.sheets]


def _declared_encoding(head: bytes) -> str | None:
    found = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_\-]+)", head)
    return found.group(1).decode("ascii").lower() if found else None


class _Worksheets:
    """expat's handlers: where each cell goes, and its value."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.sheets: list[SheetRows] = []
        self.path: list[str] = []        # the open elements
        self.row_number = 0
        self.span = 0
        self.cells: list[Any] | None = None
        self.column = 0                  # the current cell's column (1-based)
        self.next_column = 1             # where a cell without ss:Index goes (after a MergeAcross)
        self.kind: str | None = None     # the ss:Type of the value being read
        self.text: list[str] = []
        self.text_length = 0

    def refuse_doctype(self, *args) -> None:
        raise ImportFileError(f"“{self.file_name}”含有文档类型声明（DTD），Excel 表格不会有，为安全起见不读取。"
                              "请用 Excel/WPS 打开后另存为 .xlsx 再导入")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        parent = self.path[-1] if self.path else None
        self.path.append(tag)
        if tag == _WORKSHEET:
            self.sheets.append(SheetRows(self.file_name, attrs.get(_NAME) or f"工作表{len(self.sheets) + 1}"))
            self.row_number = 0
        elif tag == _ROW and self.sheets:
            self.row_number = _number(attrs.get(_INDEX), self.row_number + 1)
            self.span = _number(attrs.get(_SPAN), 0)
            self.cells = []
            self.next_column = 1
        elif tag == _CELL and self.cells is not None:
            self.column = _number(attrs.get(_INDEX), self.next_column)
            across, down = _number(attrs.get(_ACROSS), 0), _number(attrs.get(_DOWN), 0)
            if (across or down) and self.column <= MAX_COLUMNS:
                self.sheets[-1].merge(self.row_number, self.column, self.row_number + down,
                                      min(self.column + across, MAX_COLUMNS))
            self.next_column = self.column + across + 1
        elif tag == _DATA and parent == _CELL and self.cells is not None:   # not a comment's Data
            self.kind = attrs.get(_TYPE, "String")
            self.text, self.text_length = [], 0

    def characters(self, data: str) -> None:
        if self.kind is not None and self.text_length < MAX_CELL_TEXT:
            self.text.append(data)
            self.text_length += len(data)

    def end(self, tag: str) -> None:
        self.path.pop()
        if tag == _DATA and self.kind is not None and self.path[-1] == _CELL:
            self._place(_value(self.kind, "".join(self.text)[:MAX_CELL_TEXT]))
            self.kind = None
        elif tag == _ROW and self.cells is not None:
            self.sheets[-1].put(self.row_number, self.cells)
            self.row_number += self.span     # ss:Span: as many more rows like this one (empty ones, in practice)
            self.cells = None

    def _place(self, value: Any) -> None:
        if self.column > MAX_COLUMNS or value is None:
            return
        if len(self.cells) < self.column:
            self.cells.extend([None] * (self.column - len(self.cells)))
        self.cells[self.column - 1] = value


def _number(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return max(0, int(text))
    except ValueError:
        return default


def _value(kind: str, text: str) -> Any:
    """A cell's value by its ss:Type, as the xlsx reader would give it."""
    if kind == "Number":
        try:
            return int(text) if _INTEGER.fullmatch(text.strip()) else float(text)
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            return text
        return value.date() if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) else value
    if kind == "Boolean":
        return text.strip().lower() in ("1", "true")
    return text if text != "" else None
