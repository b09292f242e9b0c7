"""Finding the table in a worksheet as a person would: the header row(s), the columns, where the data ends.

A clerk's sheet has title rows and a 填报单位 line above the header, sometimes a two-row header (岗位等级
merged over 岗位 and 等级), merged cells, a 序号 column, blank rows, a 合计 row and signature lines below.
The header is the row (or pair of rows) whose cells name the most of the ledger's columns, by label or alias,
compared without spaces, line breaks, full-width forms or required-marks.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from ..fields import Field
from .limits import MAX_DATA_ROWS, too_many_rows
from .reader import Sheet, column_letter

SEARCH_ROWS = 30  # the header is looked for among the first rows; titles rarely take more than a few

SEQUENCE_HEADERS = {"序号", "序", "顺序号", "no", "no.", "编号序号"}
_TOTAL = re.compile(r"^(合计|总计|小计|共计|总合计|本页合计|累计)")
_FOOTER = re.compile(r"^[（(]?(填表人|填报人|制表人|审核人|审批人|复核人|负责人|单位负责人|统计负责人|部门负责人|主管领导|领导签字|"
                     r"经办人|联系人|联系电话|填报日期|填表日期|制表日期|报出日期|报送日期|签字|盖章|单位盖章|注|说明|备注|"
                     r"制表|审核|填表|填报|复核|审批)\s*[:：]")
_WHITESPACE = re.compile(r"\s+")
_MARKS = str.maketrans("", "", "*※★☆△▲")
_UNIT = re.compile(r"[(（][^()（）]*[)）]$")

# column statuses
AUTO, REMEMBERED, MANUAL, SEQUENCE, DERIVED, UNKNOWN, DUPLICATE, EMPTY = (
    "自动识别", "按上次设置", "手动指定", "序号", "自动计算", "未识别", "重复", "空")


def header_key(text: Any) -> str:
    """A header as compared: half-width, no whitespace or line breaks, no required-marks, lower-case Latin."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = _WHITESPACE.sub("", s).translate(_MARKS).rstrip(":：").lower()
    return s.replace("m²", "m2").replace("㎡", "m2")


def _without_unit(key: str) -> str:
    return _UNIT.sub("", key)


def field_index(fields: tuple[Field, ...]) -> dict[str, str]:
    """header key -> field key, for labels and aliases, and each again without a trailing (unit)."""
    index: dict[str, str] = {}
    for f in fields:
        for name in (f.label, *f.aliases):
            key = header_key(name)
            index.setdefault(key, f.key)
    for key, value in list(index.items()):
        index.setdefault(_without_unit(key), value)
    return index


def match_header(text: Any, index: dict[str, str]) -> str | None:
    key = header_key(text)
    if not key:
        return None
    if key in index:
        return index[key]
    bare = _without_unit(key)
    return index.get(bare) if bare else None


@dataclass
class Column:
    """One column of the file as the importer understood it."""

    index: int              # 0-based
    header: str             # the header text as the file shows it (two rows joined by “/”)
    field: str | None       # the ledger field it fills, if any
    status: str             # AUTO, REMEMBERED, MANUAL, SEQUENCE, DERIVED, UNKNOWN, DUPLICATE or EMPTY

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)


@dataclass
class Layout:
    """Where the table is: header rows, first data row, and the columns with their fields."""

    sheet: str
    header_first: int       # 1-based row numbers as the user sees them
    header_last: int
    columns: list[Column]
    found: bool = True      # False: no row looked like a header (the columns are then unmapped)
    fingerprint: str = ""
    remembered: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_last + 1

    def mapping(self) -> dict[int, str]:
        """column index -> field key, for the columns that fill a field."""
        return {c.index: c.field for c in self.columns if c.field}

    def column_of(self, field_key: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_key), None)

    def with_mapping(self, mapping: dict[int, str | None], status: str = MANUAL) -> "Layout":
        """The same layout with some columns set to another field (or to none); others keep theirs."""
        columns = []
        for c in self.columns:
            if c.index in mapping:
                target = mapping[c.index]
                c = replace(c, field=target or None, status=status if target else UNKNOWN if c.header else EMPTY)
            columns.append(c)
        # A field given to a column is taken from any other column that had it.
        seen: dict[str, int] = {}
        for i, c in enumerate(columns):
            if c.field is None:
                continue
            if c.field in seen:
                keep_new = c.index in mapping and columns[seen[c.field]].index not in mapping
                loser = seen[c.field] if keep_new else i
                columns[loser] = replace(columns[loser], field=None, status=DUPLICATE)
                if keep_new:
                    seen[c.field] = i
            else:
                seen[c.field] = i
        return replace(self, columns=columns)


def filled(rows: list[list[Any]], merges: list[tuple[int, int, int, int]], header_last: int | None) -> list[list[Any]]:
    """Rows with merged cells filled in place: in the header (and above) the whole range has the value; below it,
    a range merged down its rows (a 社区 name over its workers) gives every row the value in its first column.
    With header_last None, every range is filled whole (for finding the header). The sheet's rows are not changed:
    a row that receives a value is copied first."""
    rows = list(rows)
    copied: set[int] = set()
    for r1, c1, r2, c2 in merges:
        if r1 < 1 or c1 < 1 or r1 > len(rows):
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if value is None:
            continue
        whole = header_last is None or r1 <= header_last
        last_col = c2 if whole else c1
        for r in range(r1, min(r2, len(rows)) + 1):
            if r not in copied:
                rows[r - 1] = list(rows[r - 1])
                copied.add(r)
            row = rows[r - 1]
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            for c in range(c1, last_col + 1):
                if row[c - 1] is None or (r, c) == (r1, c1):
                    row[c - 1] = value
    return rows


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _display(value: Any) -> str:
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


def _map_row(texts: list[list[Any]], width: int, index: dict[str, str], derived: set[str]):
    """Columns for a header of one or two rows: per column the lower row wins, then both joined, then the upper."""
    columns: list[Column] = []
    taken: set[str] = set()
    for c in range(width):
        cells = [row[c] if c < len(row) else None for row in texts]
        if len(cells) == 2:
            upper, lower = cells
            candidates = [lower, f"{_display(upper)}{_display(lower)}" if not _is_blank(upper) and not _is_blank(lower) else None,
                          upper]
            shown = "/".join(dict.fromkeys(_display(x) for x in (upper, lower) if not _is_blank(x)))
        else:
            candidates = [cells[0]]
            shown = _display(cells[0])
        target, status = None, UNKNOWN if shown else EMPTY
        for text in candidates:
            if _is_blank(text):
                continue
            key = header_key(text)
            if key in SEQUENCE_HEADERS:
                status = SEQUENCE
                break
            found = match_header(text, index)
            if found:
                if found in derived:
                    status = DERIVED
                    target = None
                    break
                if found in taken:
                    status = DUPLICATE
                    break
                target, status = found, AUTO
                break
        if target:
            taken.add(target)
        columns.append(Column(c, shown, target, status))
    return columns


def _score(columns: list[Column], required: set[str]) -> int:
    mapped = {c.field for c in columns if c.field}
    return len(mapped) + len(mapped & required)


def detect(sheet: Sheet, fields: tuple[Field, ...], header_row: int | None = None) -> Layout:
    """The header row(s) and columns of a sheet for a ledger's fields; `header_row` forces a one-row header there."""
    head = filled(sheet.rows[:SEARCH_ROWS + 1], [m for m in sheet.merges if m[0] <= SEARCH_ROWS + 1], None)
    index = field_index(fields)
    derived = {f.key for f in fields if f.derived}
    required = {f.key for f in fields if f.required and not f.derived}
    width = max((len(r) for r in head), default=0)
    best: tuple | None = None
    if header_row is not None:
        if not 1 <= header_row <= len(sheet.rows):
            return Layout(sheet.name, 1, 0, [Column(c, "", None, EMPTY) for c in range(width)], found=False)
        row = filled(sheet.rows[:header_row], [m for m in sheet.merges if m[0] <= header_row], None)[header_row - 1]
        width = max(width, len(row))
        columns = _map_row([row], width, index, derived)
        return Layout(sheet.name, header_row, header_row, columns, fingerprint=fingerprint(columns))
    for r in range(min(len(head), SEARCH_ROWS)):
        if not any(not _is_blank(v) for v in head[r]):
            continue
        options = [(1, [head[r]])]
        if r + 1 < len(head) and any(not _is_blank(v) for v in head[r + 1]):
            options.append((2, [head[r], head[r + 1]]))
        for size, texts in options:
            columns = _map_row(texts, width, index, derived)
            score = _score(columns, required)
            # Higher score wins; on a tie one row beats two (the second may be data), and earlier beats later.
            rank = (score, -size, -r)
            if best is None or rank > best[0]:
                best = (rank, r + 1, r + size, columns)
    if best is None or best[0][0] < 2:
        columns = [Column(c, "", None, EMPTY) for c in range(width)]
        return Layout(sheet.name, 1, 0, columns, found=False)
    _, first, last, columns = best
    return Layout(sheet.name, first, last, columns, fingerprint=fingerprint(columns))


def fingerprint(columns: list[Column]) -> str:
    """The layout's identity for remembering a mapping: the header texts, in order, as compared."""
    text = "\x1f".join(header_key(c.header) for c in columns)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class DataRow:
    number: int             # the row number the user sees
    cells: list[Any]


@dataclass
class Body:
    """The rows below the header: data rows, and those left out with the reason (for the preview)."""

    rows: list[DataRow]
    skipped: list[tuple[int, str]]
    blank: int


def body(sheet: Sheet, layout: Layout) -> Body:
    """Data rows below the header, leaving out blank rows, 合计 rows, repeated headers and the footer."""
    rows = filled(sheet.rows, sheet.merges, layout.header_last) if sheet.merges else sheet.rows
    ignore = {c.index for c in layout.columns if c.status == SEQUENCE}
    header_keys = {c.index: header_key(c.header.split("/")[-1]) for c in layout.columns if c.field}
    out: list[DataRow] = []
    skipped: list[tuple[int, str]] = []
    blank = 0
    footer_from = None
    for number in range(layout.data_start, len(rows) + 1):
        cells = rows[number - 1]
        first = next((v for v in cells if not _is_blank(v)), None)
        if first is None:
            blank += 1
            continue
        # 合计 and 填表人 often sit in the 序号 column, so the first non-empty cell of the whole row is read;
        # a row with nothing but a number in the 序号 column is an unused row of a prepared sheet.
        squeezed = _WHITESPACE.sub("", unicodedata.normalize("NFKC", first)) if isinstance(first, str) else ""
        marked = bool(squeezed) and bool(_TOTAL.match(squeezed) or _FOOTER.match(squeezed))
        if not marked and not any(i not in ignore and not _is_blank(v) for i, v in enumerate(cells)):
            blank += 1
            continue
        if footer_from is not None:
            continue
        if _TOTAL.match(squeezed) and len(squeezed) <= 12:
            skipped.append((number, "合计行，已跳过"))
            continue
        if _FOOTER.match(squeezed):
            footer_from = number
            skipped.append((number, "表尾（签字、说明等），此行及以下未导入"))
            continue
        if header_keys and isinstance(first, str) and _repeats_header(cells, header_keys):
            skipped.append((number, "重复的表头行，已跳过"))
            continue
        out.append(DataRow(number, cells))
        if len(out) > MAX_DATA_ROWS:
            raise too_many_rows(sheet.name)
    return Body(out, skipped, blank)


def _repeats_header(cells: list[Any], header_keys: dict[int, str]) -> bool:
    """A header printed again inside the table (sheets pasted together, or a header repeated per page)."""
    same = sum(1 for i, key in header_keys.items()
               if i < len(cells) and isinstance(cells[i], str) and header_key(cells[i]) == key)
    return same * 2 >= len(header_keys)
