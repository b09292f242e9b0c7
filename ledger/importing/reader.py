"""Reading a clerk's file into rows of cell values: .xlsx (openpyxl, read-only), .xls (xlrd) and .csv.

The kind of file is told by its first bytes, not its name: WPS and colleagues often save an .xlsx under an
.xls name. A worksheet comes back as it is (title rows, blank rows, footers and all) with its merged ranges;
making sense of it is headers.py's job.

Why read-only openpyxl and the merges read separately: the normal openpyxl mode builds an object per cell
and is several times slower on a 10,000-row roster; read-only mode does not report merged ranges, but they
are a short list at the end of the worksheet's XML, which a regular expression finds in milliseconds.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import LedgerError

MAX_COLUMNS = 200  # wider rows are formatting debris, not ledger columns

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="\$?([A-Za-z]{1,3})\$?(\d+):\$?([A-Za-z]{1,3})\$?(\d+)"')
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(LedgerError):
    """The file cannot be read as a workbook or a CSV file; the message says why and what to do."""


@dataclass
class Sheet:
    """One worksheet's cells: rows[i] is the row a user sees as number i + 1."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col (1-based)


@dataclass
class Loaded:
    """A file read into memory: the names of its sheets and the cells of the chosen one."""

    path: Path
    kind: str                # xlsx / xls / csv
    sheet_names: list[str]
    sheet: Sheet
    digest: str = ""         # SHA-256 of the file's bytes: the same content imported again is noticed


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def file_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return "xlsx"
    if head == _OLE:
        return "xls"
    return "csv"


class Source:
    """An open file: the names of its sheets, and any sheet read whole or just its first rows."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            raise ImportFileError(f"找不到文件“{self.path}”")
        self.kind = file_kind(self.path)
        self._book = None
        self._handle = None
        with _friendly_errors(self.path):
            if self.kind == "xlsx":
                self._handle = open(self.path, "rb")
                try:
                    self._book = _open_xlsx(self.path, self._handle)
                except BaseException:
                    self._handle.close()
                    raise
                self.names = [ws.title for ws in self._book.worksheets if hasattr(ws, "iter_rows")]
            elif self.kind == "xls":
                self._book = _open_xls(self.path)
                self.names = self._book.sheet_names()
            else:
                self.names = [self.path.stem]
        self._csv: Sheet | None = None

    def read(self, name: str, limit: int | None = None) -> Sheet:
        """A sheet's rows (at most `limit` of them) with its merged ranges."""
        if name not in self.names:
            raise ImportFileError(f"“{self.path.name}”中没有名为“{name}”的工作表（有：{'、'.join(self.names)}）")
        with _friendly_errors(self.path):
            if self.kind == "xlsx":
                return _read_xlsx_sheet(self._book, self._book[name], limit)
            if self.kind == "xls":
                return _read_xls_sheet(self._book, self.names.index(name), limit)
            if self._csv is None:
                self._csv = _read_csv(self.path)
            return Sheet(self._csv.name, self._csv.rows[:limit] if limit else self._csv.rows, [])

    def close(self) -> None:
        if self._book is not None:
            if self.kind == "xlsx":
                self._book.close()
            else:
                self._book.release_resources()
            self._book = None
        if self._handle is not None:
            self._handle.close()  # on Windows an open handle would keep the clerk from saving the file
            self._handle = None

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _friendly_errors:
    """Turns the many ways a damaged file fails inside openpyxl, xlrd or zipfile into one clear refusal."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or isinstance(exc, ImportFileError):
            return False
        name = self.path.name
        if isinstance(exc, (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError, AssertionError,
                            IndexError, AttributeError)) or type(exc).__module__.startswith(("xlrd", "openpyxl", "xml")):
            raise ImportFileError(f"无法读取“{name}”：文件已损坏或不是 Excel/WPS 表格（{type(exc).__name__}）。"
                                  "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc
        return False


def read_sheets(path: Path, limit: int | None = None, only: str | None = None) -> list[Sheet]:
    """The sheets of a file (or just the one named `only`), each at most `limit` rows long."""
    with Source(path) as source:
        return [source.read(name, limit) for name in source.names if only is None or name == only]


# --- xlsx -----------------------------------------------------------------------------------------------
def _open_xlsx(path: Path, handle):
    import openpyxl
    try:
        # A file object, because openpyxl refuses a name ending in .xls even when the content is xlsx.
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(f"无法读取“{path.name}”：不是有效的 xlsx 文件（可能已损坏）；"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc


def _read_xlsx_sheet(wb, ws, limit: int | None) -> Sheet:
    try:
        rows = _xlsx_rows(wb, ws, limit)
    except Exception:  # noqa: BLE001 — anything unusual in the XML: let openpyxl's own loop read it
        rows = _openpyxl_rows(ws, limit)
    return Sheet(ws.title, rows, _xlsx_merges(wb, ws))


def _openpyxl_rows(ws, limit: int | None) -> list[list[Any]]:
    # Files written by other programs often carry a wrong <dimension>; read every row that is there.
    ws.reset_dimensions()
    rows: list[list[Any]] = []
    for values in ws.iter_rows(values_only=True, max_row=limit):
        row = list(values[:MAX_COLUMNS])
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return rows


def _xlsx_rows(wb, ws, limit: int | None) -> list[list[Any]]:
    """The cell values of a worksheet, as openpyxl's read-only iter_rows(values_only=True) gives them.

    Why a loop of our own: openpyxl's per-cell parser (coordinates, a dict per cell, generic dispatch) costs
    about twice the time of this one, which only reads values; the workbook itself — shared strings, which
    styles are dates, the 1900/1904 epoch — still comes from openpyxl, and tests compare the two readers.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_ISO8601, from_excel
    from openpyxl.xml.constants import SHEET_MAIN_NS

    cell_tag, value_tag, row_tag = f"{{{SHEET_MAIN_NS}}}c", f"{{{SHEET_MAIN_NS}}}v", f"{{{SHEET_MAIN_NS}}}row"
    inline_tag, text_tag, run_tag = f"{{{SHEET_MAIN_NS}}}is", f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"
    strings = ws._shared_strings
    dates, durations, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
    columns: dict[str, int] = {}
    rows: list[list[Any]] = []
    row: list[Any] = []
    row_number = 0
    column = 0
    with wb._archive.open(ws._worksheet_path) as source:
        for _event, element in iterparse(source):
            tag = element.tag
            if tag == cell_tag:
                ref = element.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = columns.get(letters) or columns.setdefault(letters, column_number(letters))
                else:
                    column += 1
                kind = element.get("t", "n")
                if kind == "inlineStr":
                    # <is><t>plain</t><r><t>run</t></r>…</is>, as openpyxl's Text.content joins it
                    child = element.find(inline_tag)
                    if child is None:
                        value = None
                    else:
                        parts = [child.findtext(text_tag)] + [run.findtext(text_tag) for run in child.iterfind(run_tag)]
                        value = "".join(part for part in parts if part is not None)
                else:
                    value = element.findtext(value_tag, None) or None
                    if value is not None:
                        if kind == "n":
                            value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                            style = element.get("s")
                            if style and int(style) in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=int(style) in durations)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif kind == "s":
                            value = strings[int(value)]
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            value = from_ISO8601(value)
                if value is not None and column <= MAX_COLUMNS:
                    if len(row) < column:
                        row.extend([None] * (column - len(row)))
                    row[column - 1] = value
                element.clear()
            elif tag == row_tag:
                number = element.get("r")
                number = int(number) if number else row_number + 1
                if number > row_number:
                    while len(rows) < number - 1:
                        rows.append([])   # rows absent from the XML are empty rows
                    while row and (row[-1] is None or row[-1] == ""):
                        row.pop()
                    rows.append(row)
                    row_number = number
                row = []
                column = 0
                element.clear()
                if limit is not None and len(rows) >= limit:
                    return rows[:limit]
    return rows


def _xlsx_merges(wb, ws) -> list[tuple[int, int, int, int]]:
    archive, part = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or part is None:
        return []
    data = archive.read(part)
    tail = data.rfind(b"sheetData>")
    merges = []
    for c1, r1, c2, r2 in _MERGE.findall(data[tail if tail > 0 else 0:]):
        merges.append((int(r1), column_number(c1.decode()), int(r2), column_number(c2.decode())))
    return merges


# --- xls ------------------------------------------------------------------------------------------------
def _open_xls(path: Path):
    import xlrd
    try:
        # formatting_info is what makes xlrd report merged ranges
        return xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ImportFileError(f"“{path.name}”设置了密码保护，请先取消保护再导入") from exc
        raise ImportFileError(f"无法读取“{path.name}”：{exc}") from exc
    except Exception as exc:
        # An OLE file that is not a BIFF workbook: most often an xlsx with a password (stored as OLE).
        raise ImportFileError(f"无法读取“{path.name}”：不是 Excel 97-2003 工作簿，或设置了密码保护；"
                              "请在 Excel/WPS 中取消密码并另存为 .xlsx 后再导入") from exc


def _read_xls_sheet(book, index: int, limit: int | None) -> Sheet:
    import xlrd
    sh = book.sheet_by_index(index)
    nrows = sh.nrows if limit is None else min(sh.nrows, limit)
    rows = []
    for r in range(nrows):
        row: list[Any] = []
        for c in range(min(sh.row_len(r), MAX_COLUMNS)):
            cell = sh.cell(r, c)
            ctype, value = cell.ctype, cell.value
            if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                value = None
            elif ctype == xlrd.XL_CELL_DATE:
                try:
                    value = _plain_datetime(xlrd.xldate_as_datetime(value, book.datemode))
                except (ValueError, OverflowError):
                    pass  # an impossible serial stays a number; the date field explains
            elif ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(value, "#错误")
            row.append(value)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        rows.append(row)
    merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sh.merged_cells]
    return Sheet(sh.name, rows, merges)


def _plain_datetime(value: datetime):
    return value.date() if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) else value


# --- csv ------------------------------------------------------------------------------------------------
def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's “Unicode 文本”), else GBK/GB18030 as Chinese Windows saves."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"无法识别“{name}”的文字编码（既不是 UTF-8 也不是 GBK）；请用 Excel 另存为 .xlsx 再导入")


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"“{path.name}”不是文本或 Excel 文件，无法导入")
    text = decode_text(data, path.name)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row = [v if v.strip() != "" else None for v in values[:MAX_COLUMNS]]
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(f"“{path.name}”第{len(rows) + 1}行无法按 CSV 读取：{exc}") from exc
    return Sheet(path.stem, rows, [])
