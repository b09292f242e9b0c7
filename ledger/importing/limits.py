"""How much of a file an import will read, and the collector that holds a worksheet to it.

A workbook is a clerk's, but it may also be hostile or broken: a zip bomb (1.5 MB that expands to 1.5 GB
of XML), a sheet of a million rows, a row of a million cells. Each reader passes its rows through
`SheetRows`, which stops at the first bound crossed with a message that says which and what to do, so
memory stays bounded whatever the file holds. The bounds are generous for real work: a city has about
10,000 社区工作者 and about 100,000 经费 entries a year.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .sheet import ImportFileError, Sheet

MAX_DATA_ROWS = 100_000       # rows of data in one import
EXTRA_ROWS = 100              # titles, the header, 合计 rows and signatures around the data
MAX_COLUMNS = 200             # wider rows are formatting debris, not ledger columns
MAX_CELLS = 3_000_000         # 100,000 rows of 30 filled columns; each cell is a Python object in memory
MAX_TEXT = 60_000_000         # characters in all text cells (100,000 rows of 30 cells of 20 characters)
MAX_CELL_TEXT = 32_767        # characters in one cell, Excel's own limit; more is not a table's cell
MAX_MERGES = 100_000          # merged ranges of one sheet (a 社区 merged over its workers: a few hundred)
EXCEL_ROWS = 1_048_576        # Excel's last row: a row number beyond it is not from a real workbook

# An xlsx is a zip of XML parts, read only after these checks of what the archive declares. Inflating
# deflated XML by more than 100 times is what zip bombs do and real sheets do not (Apache POI refuses the
# same ratio, ZipSecureFile.MIN_INFLATE_RATIO = 0.01); the sizes leave room for 100,000 rows of 30 columns.
MAX_RATIO = 100
RATIO_GRACE = 1024 * 1024              # small parts (styles, an empty sheet) may compress better than that
MAX_SHEET_PART = 256 * 1024 * 1024     # one worksheet's XML, read in pieces
MAX_STRINGS_PART = 16 * 1024 * 1024    # the shared strings, all kept by openpyxl at ~150 bytes each however
                                       # short: 16 MB of tiny ones peak at ~200 MB
MAX_XML_PART = 8 * 1024 * 1024         # styles, the workbook, relations: openpyxl parses each whole into a tree
MAX_ARCHIVE = 512 * 1024 * 1024        # all parts together
MAX_MEMBERS = 10_000                   # parts in the archive (a workbook has tens)
MAX_FILE = 256 * 1024 * 1024           # .csv, web-page and XML files, read in pieces
MAX_XLS_FILE = 32 * 1024 * 1024        # .xls (Excel 97-2003), which xlrd reads whole


_SHAREABLE = (str, date, datetime)


def too_big(name: str, what: str) -> ImportFileError:
    """The refusal for a file beyond the bounds: which file, what was too much, what to do."""
    return ImportFileError(f"“{name}”{what}，超出了导入能处理的范围，没有导入。"
                           f"请只保留要导入的表格（一次最多{MAX_DATA_ROWS:,}行），另存为 .xlsx 后再导入")


def too_many_rows(sheet: str, file_name: str | None = None) -> ImportFileError:
    where = f"“{file_name}”的工作表“{sheet}”" if file_name else f"工作表“{sheet}”"
    return ImportFileError(f"{where}超过{MAX_DATA_ROWS:,}行数据，没有导入。"
                           f"一次最多导入{MAX_DATA_ROWS:,}行：请把表格分成几个文件，分别导入")


class SheetRows:
    """A sheet's rows as a reader finds them, held to the bounds above.

    `put(number, cells)` places a row at its 1-based number (rows skipped in between are empty rows, as the
    user sees them); with `limit`, `full` says when the first `limit` rows are there and the reader may stop.
    """

    def __init__(self, file_name: str, sheet_name: str, limit: int | None = None):
        self.file_name, self.sheet_name, self.limit = file_name, sheet_name, limit
        self.rows: list[list[Any]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self._filled = 0
        self._cells = 0
        self._text = 0
        self._same: dict[Any, Any] = {}

    @property
    def full(self) -> bool:
        return self.limit is not None and len(self.rows) >= self.limit

    def put(self, number: int, cells: list[Any]) -> None:
        """Row `number` (1-based); trailing empty cells are dropped, wide rows cut."""
        number = max(number, len(self.rows) + 1)     # a row numbered out of order goes after the others
        if number > EXCEL_ROWS:
            raise too_big(self.file_name, f"的工作表“{self.sheet_name}”有第{number:,}行（Excel 最多{EXCEL_ROWS:,}行）")
        if len(cells) > MAX_COLUMNS:
            del cells[MAX_COLUMNS:]
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        while len(self.rows) < number - 1:
            self.rows.append([])
        self.rows.append(cells)
        if cells:
            self._share(cells)
            self._filled += 1
            self._cells += len(cells)
            if self._filled > MAX_DATA_ROWS + EXTRA_ROWS:
                raise too_many_rows(self.sheet_name, self.file_name)
            self._text += sum(len(v) for v in cells if type(v) is str)
            if self._cells > MAX_CELLS or self._text > MAX_TEXT:
                raise too_big(self.file_name, f"的工作表“{self.sheet_name}”内容过多")

    def _share(self, cells: list[Any]) -> None:
        """One object for values that repeat down a column (a 社区, a 类别, a date): a reader makes a new one per
        cell, and 100,000 rows of them are most of a sheet's memory. The first 10,000 distinct values are
        remembered, which is where the repeating ones are; equal values of these types are of the same type."""
        same = self._same
        for i, value in enumerate(cells):
            if type(value) in _SHAREABLE:
                cells[i] = same.setdefault(value, value) if len(same) < 10_000 else same.get(value, value)

    def append(self, cells: list[Any]) -> None:
        self.put(len(self.rows) + 1, cells)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if len(self.merges) >= MAX_MERGES:
            raise too_big(self.file_name, f"的工作表“{self.sheet_name}”合并单元格过多（超过{MAX_MERGES:,}处）")
        self.merges.append((first_row, first_col, last_row, last_col))

    def sheet(self) -> Sheet:
        rows = self.rows[:self.limit] if self.limit is not None else self.rows
        return Sheet(self.sheet_name, rows, self.merges)
