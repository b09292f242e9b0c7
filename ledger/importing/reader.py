"""Reading a clerk's file into rows of cell values: .xlsx (openpyxl, read-only), .xls (xlrd), .csv, and the
".xls" files other systems export, which are really a web page (html_table.py) or an Excel 2003 XML document
(spreadsheet_xml.py).

The kind of file is told by its first bytes, not its name (file_kinds.py): WPS and colleagues often save an
.xlsx under an .xls name. A worksheet comes back as it is (title rows, blank rows, footers and all) with its
merged ranges; making sense of it is headers.py's job. Every reader holds a sheet to the bounds of limits.py,
and an xlsx archive is checked against them before any of it is inflated, so a hostile file costs a refusal,
not the machine's memory.

Why read-only openpyxl and the merges read separately: the normal openpyxl mode builds an object per cell
and is several times slower on a 10,000-row roster; read-only mode does not report merged ranges, but they
are a short list at the end of the worksheet's XML, which a scan of the inflated stream finds quickly.
"""
from __future__ import annotations

import csv
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import file_kinds, limits
from .file_kinds import HTML, XLS, XLSX, XML, file_kind
from .limits import MAX_COLUMNS, SheetRows, too_big
from .sheet import ImportFileError, Sheet
from .text_files import open_text

__all__ = ["ImportFileError", "Loaded", "MAX_COLUMNS", "Sheet", "Source", "column_letter", "column_number",
           "file_kind", "read_sheets"]

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="\$?([A-Za-z]{1,3})\$?(\d+):\$?([A-Za-z]{1,3})\$?(\d+)"')


@dataclass
class Loaded:
    """A file read into memory: the names of its sheets and the cells of the chosen one."""

    path: Path
    kind: str                # xlsx / xls / csv / html / xml
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


class Source:
    """An open file: the names of its sheets, and any sheet read whole or just its first rows."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise ImportFileError(f"找不到文件“{self.path}”")
        self._book = None
        self._handle = None
        self._sheets: dict[str, Sheet] = {}     # the kinds read whole at opening (csv, web page, XML)
        with _friendly_errors(self.path):
            self.kind = file_kind(self.path)
            if self.kind == XLSX:
                self._handle = open(self.path, "rb")
                try:
                    self._book = _open_xlsx(self.path, self._handle)
                except BaseException:
                    self._handle.close()
                    raise
                self.names = [ws.title for ws in self._book.worksheets if hasattr(ws, "iter_rows")]
            elif self.kind == XLS:
                self._book = _open_xls(self.path)
                self.names = self._book.sheet_names()
            else:
                _check_size(self.path)
                if self.kind == HTML:
                    from .html_table import read_tables
                    sheets = read_tables(self.path)
                elif self.kind == XML:
                    from .spreadsheet_xml import read_worksheets
                    sheets = read_worksheets(self.path)
                else:
                    sheets = [_read_csv(self.path)]
                self._sheets = {sheet.name: sheet for sheet in sheets}
                self.names = list(self._sheets)

    def read(self, name: str, limit: int | None = None) -> Sheet:
        """A sheet's rows (at most `limit` of them) with its merged ranges."""
        if name not in self.names:
            raise ImportFileError(f"“{self.path.name}”中没有名为“{name}”的工作表（有：{'、'.join(self.names)}）")
        with _friendly_errors(self.path):
            if self.kind == XLSX:
                return _read_xlsx_sheet(self.path, self._book, self._book[name], limit)
            if self.kind == XLS:
                return _read_xls_sheet(self.path, self._book, self.names.index(name), limit)
            sheet = self._sheets[name]
            return Sheet(sheet.name, sheet.rows[:limit], sheet.merges) if limit else sheet

    def close(self) -> None:
        if self._book is not None:
            if self.kind == XLSX:
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


def _check_size(path: Path, most: int = limits.MAX_FILE) -> None:
    size = path.stat().st_size
    if size > most:
        raise too_big(path.name, f"有{size / 1024 / 1024:,.0f} MB")


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
            raise ImportFileError(f"无法读取“{name}”：文件已损坏或加密，不是可以读取的 Excel/WPS 表格。"
                                  "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc
        return False


def read_sheets(path: Path, limit: int | None = None, only: str | None = None) -> list[Sheet]:
    """The sheets of a file (or just the one named `only`), each at most `limit` rows long."""
    with Source(path) as source:
        return [source.read(name, limit) for name in source.names if only is None or name == only]


# --- xlsx -----------------------------------------------------------------------------------------------
def _open_xlsx(path: Path, handle):
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnmeasuredSheet(ReadOnlyWorksheet):
        """A read-only sheet that does not look for its size when the workbook opens: openpyxl parses a sheet
        without a <dimension> (its own write-only files have none) whole for that, keeping an element per row,
        so a hostile sheet of millions of empty rows would fill the memory. Our loop reads the rows later, in
        bounded memory; the fallback loop lets openpyxl find the size as it reads (reset_dimensions)."""

        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:   # the read-only branch of openpyxl's, with the sheet above
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    ws = UnmeasuredSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    ws.sheet_state = sheet.state
                    self.wb._sheets.append(ws)

    _check_archive(path, handle)
    try:
        # A file object, because openpyxl refuses a name ending in .xls even when the content is xlsx.
        reader = Reader(handle, read_only=True, data_only=True)
        reader.read()
        return reader.wb
    except zipfile.BadZipFile as exc:
        raise ImportFileError(f"无法读取“{path.name}”：文件已损坏或加密，不是有效的 xlsx 文件；"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc


def _check_archive(path: Path, handle) -> None:
    """Refuse an archive whose parts, as its directory declares them, would inflate beyond the bounds — before
    anything is inflated. zipfile stops reading a part at its declared size (and then fails its CRC), so a
    part cannot grow past what was checked here."""
    _check_directory_size(path, handle)
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(f"无法读取“{path.name}”：文件已损坏或加密，不是有效的 xlsx 文件；"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc
    with archive:
        members = archive.infolist()
        if (other := file_kinds.zip_contents({m.filename for m in members})) is not None:
            raise file_kinds.not_a_table(path, other)
        total = 0
        for member in members:
            size, packed = member.file_size, max(member.compress_size, 1)
            total += size
            if size > _most(member.filename) or total > limits.MAX_ARCHIVE \
                    or (size > limits.RATIO_GRACE and size > packed * limits.MAX_RATIO):
                raise too_big(path.name, f"解压后有{max(size, total) / 1024 / 1024:,.0f} MB"
                                         f"（压缩前{packed / 1024 / 1024:,.1f} MB），可能是损坏或恶意构造的文件")
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as part:
                    head = part.read(65536)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ImportFileError(f"“{path.name}”含有文档类型声明（DTD），Excel 表格不会有，为安全起见不读取。"
                                          "请用 Excel/WPS 打开后另存为 .xlsx 再导入")
    handle.seek(0)


def _most(part: str) -> int:
    """The largest a part may inflate to: a sheet is read in pieces, an XML part openpyxl reads whole."""
    if part.startswith("xl/worksheets/"):
        return limits.MAX_SHEET_PART
    if part.endswith("sharedStrings.xml"):
        return limits.MAX_STRINGS_PART
    if part.endswith((".xml", ".rels")):
        return limits.MAX_XML_PART
    return limits.MAX_ARCHIVE    # pictures and the like, never inflated by the importer


def _check_directory_size(path: Path, handle) -> None:
    """The archive's member count, from its end record, before zipfile builds an object for each member."""
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(max(0, size - 65536 - 22))
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return   # not a zip end record: zipfile says so in its own way
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    # 0xFFFF / 0xFFFFFFFF: a ZIP64 archive, which only more than 65,535 parts or 4 GB need
    if entries > limits.MAX_MEMBERS or directory > limits.MAX_MEMBERS * 1024:
        raise too_big(path.name, f"有{entries:,}个部件")


def _read_xlsx_sheet(path: Path, wb, ws, limit: int | None) -> Sheet:
    rows = SheetRows(path.name, ws.title, limit)
    try:
        _xlsx_rows(wb, ws, rows)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 — anything unusual in the XML: let openpyxl's own loop read it
        rows = SheetRows(path.name, ws.title, limit)
        _openpyxl_rows(ws, rows)
    _xlsx_merges(wb, ws, rows)
    return rows.sheet()


def _openpyxl_rows(ws, rows: SheetRows) -> None:
    # Files written by other programs often carry a wrong <dimension>; read every row that is there.
    ws.reset_dimensions()
    for values in ws.iter_rows(values_only=True, max_row=rows.limit):
        rows.append(list(values[:MAX_COLUMNS]))
        if rows.full:
            break


def _xlsx_rows(wb, ws, rows: SheetRows) -> None:
    """The cell values of a worksheet, as openpyxl's read-only iter_rows(values_only=True) gives them.

    Why a loop of our own: openpyxl's per-cell parser (coordinates, a dict per cell, generic dispatch) costs
    about twice the time of this one, which only reads values; the workbook itself — shared strings, which
    styles are dates, the 1900/1904 epoch — still comes from openpyxl, and tests compare the two readers.
    Each row is dropped from the parsed tree once read, so memory holds the values and nothing else.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_ISO8601, from_excel
    from openpyxl.xml.constants import SHEET_MAIN_NS

    cell_tag, value_tag, row_tag = f"{{{SHEET_MAIN_NS}}}c", f"{{{SHEET_MAIN_NS}}}v", f"{{{SHEET_MAIN_NS}}}row"
    inline_tag, text_tag, run_tag = f"{{{SHEET_MAIN_NS}}}is", f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"
    data_tag = f"{{{SHEET_MAIN_NS}}}sheetData"
    strings = ws._shared_strings
    dates, durations, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
    columns: dict[str, int] = {}
    row: list[Any] = []
    row_number = 0
    column = 0
    sheet_data = None
    with wb._archive.open(ws._worksheet_path) as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == data_tag:
                    sheet_data = element
                continue
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
                if number > row_number:   # a row numbered out of order is left out, as openpyxl does
                    rows.put(number, row)
                    row_number = number
                row = []
                column = 0
                if sheet_data is not None:
                    sheet_data.clear()    # the rows read so far, emptied but still attached
                else:
                    element.clear()
                if rows.full:
                    return


def _xlsx_merges(wb, ws, rows: SheetRows) -> None:
    """The sheet's merged ranges, from a scan of the inflated XML in pieces: <mergeCells> sits after the rows."""
    archive, part = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or part is None:
        return
    carry = b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = carry + chunk
            cut = data.rfind(b">") + 1          # a tag cut at the chunk's end waits for the next one
            if b"mergeCell" in data[:cut]:
                for c1, r1, c2, r2 in _MERGE.findall(data, 0, cut):
                    rows.merge(int(r1), column_number(c1.decode()), int(r2), column_number(c2.decode()))
            carry = data[cut:][-4096:]          # a mergeCell tag is short; text without a tag is not kept


# --- xls ------------------------------------------------------------------------------------------------
def _open_xls(path: Path):
    import xlrd
    # xlrd holds the whole file and every cell of a sheet in memory; an Excel 97-2003 sheet has at most
    # 65,536 rows, which real workbooks hold in a few MB.
    _check_size(path, limits.MAX_XLS_FILE)
    try:
        # formatting_info is what makes xlrd report merged ranges
        return xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ImportFileError(f"“{path.name}”设置了密码保护，请先取消保护再导入") from exc
        raise file_kinds.not_a_table(path, file_kinds.ole_contents(path, path.read_bytes())) from exc
    except Exception as exc:
        # An OLE file that is not a BIFF workbook: an encrypted xlsx (stored as OLE), a Word document …
        raise file_kinds.not_a_table(path, file_kinds.ole_contents(path, path.read_bytes())) from exc


def _read_xls_sheet(path: Path, book, index: int, limit: int | None) -> Sheet:
    import xlrd
    sh = book.sheet_by_index(index)
    rows = SheetRows(path.name, sh.name, limit)
    for r in range(sh.nrows if limit is None else min(sh.nrows, limit)):
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
        rows.append(row)
    for rlo, rhi, clo, chi in sh.merged_cells:
        rows.merge(rlo + 1, clo + 1, rhi, chi)
    return rows.sheet()


def _plain_datetime(value: datetime):
    return value.date() if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) else value


# --- csv ------------------------------------------------------------------------------------------------
MAX_LINE = 1024 * 1024   # characters in one line of a CSV file; a longer one is not a table's row


def _read_csv(path: Path) -> Sheet:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"“{path.name}”不是文本或 Excel 文件，无法导入")
    rows = SheetRows(path.name, path.stem)
    with open_text(path) as text:
        sample = text.read(8192)
        text.seek(0)
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;，").delimiter
        except csv.Error:
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        try:
            for values in csv.reader(_lines(path, text), delimiter=delimiter):
                rows.append([v if v.strip() != "" else None for v in values[:MAX_COLUMNS]])
        except csv.Error as exc:
            raise ImportFileError(f"“{path.name}”第{len(rows.rows) + 1}行无法按 CSV 读取：{exc}") from exc
    return rows.sheet()


def _lines(path: Path, text):
    """The file's lines, each read with a bound, so that one endless line cannot fill the memory."""
    while line := text.readline(MAX_LINE):
        if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
            raise too_big(path.name, f"有一行超过{MAX_LINE:,}个字符")
        yield line
