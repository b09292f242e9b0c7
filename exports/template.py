"""Excel report templates: find, check and fill .xlsx templates with {{占位符}}, keeping their print settings.

The syntax is described for template authors in docs/templates.md. In short: `{{名称}}` anywhere in a cell is
replaced by a value; the row whose first non-empty cell starts with `{{#行}}` is repeated once per record;
an optional `{{#小计}}` row under it is emitted after each group and an optional `{{#合计}}` row after all
records, where `{{合计:字段}}` is the sum of a field and `{{计数}}` the number of records.

Why the filling is done the way it is: openpyxl is good at reading a template and writing back everything
around the table (merged cells, print titles, page setup, headers and footers, column widths), but slow at
writing many cells (its pure-Python XML serialiser costs ~10 µs a cell) and `insert_rows` is O(n²) and
breaks merges and print areas. So openpyxl keeps the template's model with the repeated block taken out and
everything below it moved down, and the repeated rows themselves are written as worksheet XML directly,
reusing the template cells' style indexes, then spliced into the saved file in place of a sentinel row.
"""
from __future__ import annotations

import difflib
import io
import math
import re
import shutil
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from exports import ExportError
from exports.cell_width import WidthCheck
from ledger.files import atomic_write, check_writable
from ledger import clock, paths

# Reserved names. 序号 numbers the detail rows 1, 2, 3 … unless the records carry their own 序号;
# 计数 is the number of records (of the group in a 小计 row, of all rows elsewhere);
# 制表日期 defaults to today unless the caller passes one.
MARK_ROWS = "行"
MARK_SUBTOTAL = "小计"
MARK_TOTAL = "合计"
SUM_PREFIX = "合计"
SEQ_NAME = "序号"
COUNT_NAME = "计数"
TODAY_NAME = "制表日期"

TEMPLATE_SUFFIX = ".xlsx"
EXCEL_MAX_ROW = 1_048_576
_FORMULA_TRIGGERS = ("=", "+", "-", "@")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_SENTINEL = "__streetledger_rows_go_here__"
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_NUMBERS = frozenset((Decimal, int, float))
_DATES = frozenset((date, datetime))


class TemplateError(ExportError):
    """A template cannot be used as it is; the message names the file and the cell."""


# ---------------------------------------------------------------------------------------------------------
# Where templates live


@dataclass(frozen=True)
class TemplateInfo:
    """One template as the 模板管理 dialog lists it."""

    name: str               # file name, e.g. 工资发放表.xlsx
    path: Path              # the file that fill() would use
    customised: bool        # an adjusted copy in the user's template folder wins over the built-in one
    has_builtin: bool       # False for a template that exists only as a user file


def builtin_templates_dir() -> Path:
    return paths.resources_dir() / "templates"


def _file_name(name: str) -> str:
    """The template's file name; refuses anything that could point outside the template folders."""
    name = name.strip()
    if not name.lower().endswith(TEMPLATE_SUFFIX):
        name += TEMPLATE_SUFFIX
    if Path(name).name != name or name.startswith(".") or "\\" in name or "/" in name:
        raise TemplateError(f"模板名称“{name}”无效：只能是文件名，不能包含路径")
    return name


def find_template(name: str) -> Path:
    """The file to fill for a template name: the user's adjusted copy if there is one, else the built-in one."""
    file_name = _file_name(name)
    for folder in (paths.user_templates_dir(), builtin_templates_dir()):
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    raise TemplateError(f"找不到模板“{file_name}”")


def list_templates() -> list[TemplateInfo]:
    """Every template known, built-in or user-made, sorted by name."""
    builtin = {p.name: p for p in builtin_templates_dir().glob(f"*{TEMPLATE_SUFFIX}") if not p.name.startswith((".", "~$"))}
    user = {p.name: p for p in paths.user_templates_dir().glob(f"*{TEMPLATE_SUFFIX}") if not p.name.startswith((".", "~$"))}
    return [
        TemplateInfo(name=name, path=user.get(name) or builtin[name], customised=name in user, has_builtin=name in builtin)
        for name in sorted(builtin.keys() | user.keys())
    ]


def export_builtin(name: str, dest: str | Path) -> Path:
    """Copy the built-in template to `dest` (a folder or a file path) so that an office can adjust it."""
    file_name = _file_name(name)
    source = builtin_templates_dir() / file_name
    if not source.is_file():
        raise TemplateError(f"没有名为“{file_name}”的内置模板")
    target = Path(dest)
    if target.is_dir():
        target = target / file_name
    with atomic_write(target) as tmp:
        shutil.copyfile(source, tmp)
    return target


def install_custom(name: str, src: str | Path, *, values: Collection[str] | None = None,
                   fields: Collection[str] | None = None) -> Path:
    """Check an adjusted template and put it in the user's template folder, where it wins over the built-in one.

    The names it may use are `values` and `fields` when given, else those the built-in template of the same
    name uses; it needs a {{#行}} row exactly when the built-in one has one.
    """
    file_name = _file_name(name)
    source = Path(src)
    builtin = builtin_templates_dir() / file_name
    require_rows = False
    if builtin.is_file():
        used = template_names(builtin)
        require_rows = used.has_rows
        if values is None:
            values = used.values
        if fields is None:
            fields = used.fields
    # messages name the file the user picked, not the template it is to replace
    validate_template(source, values=values or (), fields=fields, require_rows=require_rows, label=str(source))
    target = paths.user_templates_dir() / file_name
    with atomic_write(target) as tmp:
        shutil.copyfile(source, tmp)
    return target


def reset_to_builtin(name: str) -> bool:
    """Remove the user's adjusted copy so that the built-in template is used again; False if there was none."""
    target = paths.user_templates_dir() / _file_name(name)
    if target.is_file():
        target.unlink()
        return True
    return False


# ---------------------------------------------------------------------------------------------------------
# Parsing placeholders


@dataclass(frozen=True, slots=True)
class _Ref:
    """A resolved placeholder: where its value comes from."""

    source: str   # "value" | "field" | "sum" | "count" | "seq"
    name: str
    text: str     # as written, for messages


@dataclass(frozen=True)
class TemplateNames:
    """The names a template uses, for checking an adjusted copy against the built-in one."""

    values: frozenset[str]
    fields: frozenset[str]
    has_rows: bool


def _parse(text: str, where: Callable[[], str]) -> list[str | tuple[str, str]]:
    """Split cell text into literal pieces and ("name", raw) placeholder pieces; refuses broken braces."""
    parts: list[str | tuple[str, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        literal = text[pos:m.start()]
        if "{{" in literal or "}}" in literal:
            raise TemplateError(f"{where()}的占位符缺少“{{{{”或“}}}}”：{text}")
        if literal:
            parts.append(literal)
        inner = m.group(1).strip()
        if not inner or "{" in inner or "}" in inner:
            raise TemplateError(f"{where()}有无效的占位符 {m.group(0)}")
        parts.append((inner, m.group(0)))
        pos = m.end()
    rest = text[pos:]
    if "{{" in rest or "}}" in rest:
        raise TemplateError(f"{where()}的占位符缺少“{{{{”或“}}}}”：{text}")
    if rest:
        parts.append(rest)
    return parts


def _sum_field(inner: str) -> str | None:
    """The field of a {{合计:字段}} placeholder (half- or full-width colon), else None."""
    for colon in (":", "："):
        prefix = SUM_PREFIX + colon
        if inner.startswith(prefix):
            return inner[len(prefix):].strip()
    return None


class _Resolver:
    """Turns placeholder names into _Refs for one kind of row, and words the refusal of an unknown one."""

    def __init__(self, label: str, values: Collection[str], fields: Collection[str] | None, has_block: bool):
        self.label = label
        self.values = set(values)
        self.fields = set(fields) if fields is not None else None
        self.has_block = has_block

    def resolve(self, inner: str, raw: str, context: str, where: Callable[[], str]) -> _Ref:
        if inner.startswith("#"):
            raise TemplateError(f"{where()}的标记 {raw} 必须写在该行第一个非空单元格的开头")
        summed = _sum_field(inner)
        if summed is not None:
            if context == "row":
                raise TemplateError(f"{where()}在明细行中使用了 {raw}：合计只能写在小计行、合计行或表格以外的单元格")
            if not self.has_block:
                raise TemplateError(f"{where()}的 {raw} 没有可合计的明细行（缺少 {{{{#{MARK_ROWS}}}}} 行）")
            if self.fields is None or summed in self.fields:
                return _Ref("sum", summed, raw)
            self._unknown(summed, raw, where, self.fields)
        # a record field wins over a single value of the same name; with no fields known (no records to look
        # at) a name is taken for a field unless it is a single value
        if context in ("row", "sub") and (inner in self.fields if self.fields is not None else inner not in self.values):
            return _Ref("field", inner, raw)
        if inner in self.values:
            return _Ref("value", inner, raw)
        if context == "row" and inner == SEQ_NAME:
            return _Ref("seq", inner, raw)
        if context != "row" and inner == COUNT_NAME and self.has_block:
            return _Ref("count", inner, raw)
        known = set(self.values)
        if context in ("row", "sub") and self.fields:
            known |= self.fields
        self._unknown(inner, raw, where, known)
        raise AssertionError  # unreachable: _unknown raises

    def _unknown(self, name: str, raw: str, where: Callable[[], str], known: Collection[str]) -> None:
        hint = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
        suggestion = f"（是否应为 {{{{{hint[0]}}}}}？）" if hint else ""
        raise TemplateError(f"{where()}有未知的占位符 {raw}{suggestion}")


# ---------------------------------------------------------------------------------------------------------
# The plan of one template: what to replace where


@dataclass(slots=True)
class _Col:
    """One cell of a repeated row (detail, 小计 or 合计), ready to be written many times."""

    column: int
    letter: str
    kind: str                 # "empty" | "literal" | "formula" | "one" (a single placeholder) | "mixed"
    ref: _Ref | None = None
    parts: list[str | _Ref] = field(default_factory=list)
    literal: Any = None
    style: Any = None         # the template cell's StyleArray
    s: str = ""               # ' s="N"' for the cell's own style
    s_date: str = ""
    s_datetime: str = ""
    s_text: str = ""          # the style with quotePrefix, for text that looks like a formula


@dataclass(slots=True)
class _RowProto:
    row: int
    cols: list[_Col]
    attrs: str = ""                                    # the <row> attributes: height, hidden, row style
    merges: list[tuple[int, int]] = field(default_factory=list)  # (first, last) column merged within the row


@dataclass(slots=True)
class _Block:
    ws: Worksheet
    details: list[_RowProto]        # a record's rows: usually one, several for a record printed as a block (a slip)
    subtotal: _RowProto | None
    total: _RowProto | None

    @property
    def detail(self) -> _RowProto:
        return self.details[0]

    @property
    def start(self) -> int:
        return self.detail.row

    @property
    def end(self) -> int:
        return max(p.row for p in (*self.details, self.subtotal, self.total) if p is not None)

    @property
    def protos(self) -> list[_RowProto]:
        return [p for p in (*self.details, self.subtotal, self.total) if p is not None]


@dataclass(slots=True)
class _Static:
    """A cell outside the repeated block with placeholders, filled once."""

    cell: Cell
    parts: list[str | _Ref]
    rich: CellRichText | None = None


@dataclass(slots=True)
class _HeaderFooterText:
    part: Any                 # openpyxl _HeaderFooterPart with .text
    parts: list[str | _Ref]


@dataclass
class _Plan:
    label: str
    statics: list[_Static]
    header_footers: list[_HeaderFooterText]
    block: _Block | None
    sum_fields: set[str]


def _cell_text(cell: Cell) -> str | None:
    value = cell._value
    if isinstance(value, CellRichText):
        return str(value)
    if isinstance(value, str) and cell.data_type != "f":
        return value
    return None


def _analyse(wb: openpyxl.Workbook, label: str, values: Collection[str], fields: Collection[str] | None,
             require_rows: bool) -> _Plan:
    """Find the markers and placeholders of a template and check every name; raises TemplateError."""
    multi = len(wb.worksheets) > 1

    def at(ws: Worksheet, coordinate: str) -> Callable[[], str]:
        sheet = f"工作表“{ws.title}”的" if multi else "的"
        return lambda: f"模板“{label}”{sheet}单元格 {coordinate} "

    # Pass 1: find the marker rows, so that the names in them can be resolved in the right context.
    markers: dict[str, tuple[Worksheet, int, Cell]] = {}
    detail_rows: list[int] = []      # a record may take several consecutive {{#行}} rows
    for ws in wb.worksheets:
        first_in_row: dict[int, Cell] = {}
        for (row, col), cell in sorted(ws._cells.items()):
            if row not in first_in_row and not isinstance(cell, MergedCell) and cell._value not in (None, ""):
                first_in_row[row] = cell
        for row, cell in first_in_row.items():
            text = _cell_text(cell)
            if not text:
                continue
            m = re.match(r"\s*\{\{\s*#\s*([^{}]*?)\s*\}\}", text)
            if not m:
                continue
            mark = m.group(1)
            if mark not in (MARK_ROWS, MARK_SUBTOTAL, MARK_TOTAL):
                raise TemplateError(f"{at(ws, cell.coordinate)()}有未知的标记 {m.group(0).strip()}"
                                    f"（可用的标记：{{{{#{MARK_ROWS}}}}}、{{{{#{MARK_SUBTOTAL}}}}}、{{{{#{MARK_TOTAL}}}}}）")
            if mark == MARK_ROWS and mark in markers and markers[mark][0] is ws and row == detail_rows[-1] + 1:
                detail_rows.append(row)
                continue
            if mark in markers:
                other = markers[mark]
                more = "（一条记录占几行时，这几行须上下相连）" if mark == MARK_ROWS else ""
                raise TemplateError(f"模板“{label}”有多个 {{{{#{mark}}}}} 行（单元格 {other[2].coordinate} 和 "
                                    f"{cell.coordinate}），只能有一个{more}")
            markers[mark] = (ws, row, cell)
            if mark == MARK_ROWS:
                detail_rows.append(row)

    if MARK_ROWS not in markers:
        if require_rows:
            raise TemplateError(f"模板“{label}”缺少明细行：请在明细行第一个单元格的开头写 {{{{#{MARK_ROWS}}}}}")
        for mark in (MARK_SUBTOTAL, MARK_TOTAL):
            if mark in markers:
                raise TemplateError(f"模板“{label}”的单元格 {markers[mark][2].coordinate} 有 {{{{#{mark}}}}} 行，"
                                    f"但缺少明细行 {{{{#{MARK_ROWS}}}}}")
    block_ws = markers[MARK_ROWS][0] if MARK_ROWS in markers else None
    expected = detail_rows[-1] + 1 if detail_rows else 1
    for mark, word in ((MARK_SUBTOTAL, "小计行"), (MARK_TOTAL, "合计行")):
        if mark in markers:
            ws, row, cell = markers[mark]
            if ws is not block_ws or row != expected:
                raise TemplateError(f"模板“{label}”的{word}（单元格 {cell.coordinate}）必须紧接在明细行"
                                    f"{'或小计行' if mark == MARK_TOTAL else ''}之下（第 {expected} 行）")
            expected += 1

    resolver = _Resolver(label, values, fields, has_block=block_ws is not None)
    sum_fields: set[str] = set()

    def compile_text(text: str, context: str, where: Callable[[], str]) -> list[str | _Ref]:
        out: list[str | _Ref] = []
        for piece in _parse(text, where):
            if isinstance(piece, str):
                out.append(piece)
            else:
                ref = resolver.resolve(piece[0], piece[1], context, where)
                if ref.source == "sum":
                    sum_fields.add(ref.name)
                out.append(ref)
        return out

    marker_rows = {row: mark for mark, (ws, row, _) in markers.items()}
    marker_rows.update(dict.fromkeys(detail_rows, MARK_ROWS))
    statics: list[_Static] = []
    protos: dict[str, _RowProto] = {}
    details: list[_RowProto] = []
    for ws in wb.worksheets:
        in_block = ws is block_ws
        proto_cells: dict[int, list[Cell]] = {}
        for (row, col), cell in ws._cells.items():
            if in_block and row in marker_rows:
                proto_cells.setdefault(row, []).append(cell)
                continue
            text = _cell_text(cell)
            if text and ("{{" in text or "}}" in text):
                parts = compile_text(text, "static", at(ws, cell.coordinate))
                if any(isinstance(p, _Ref) for p in parts):
                    rich = cell._value if isinstance(cell._value, CellRichText) else None
                    statics.append(_Static(cell, parts, rich))
        if in_block:
            for row, mark in sorted(marker_rows.items()):
                context = {MARK_ROWS: "row", MARK_SUBTOTAL: "sub", MARK_TOTAL: "total"}[mark]
                proto = _compile_row(ws, row, proto_cells.get(row, []), mark, context, compile_text, at)
                if mark == MARK_ROWS:
                    details.append(proto)
                else:
                    protos[mark] = proto

    header_footers: list[_HeaderFooterText] = []
    for ws in wb.worksheets:
        hf = ws.HeaderFooter
        for item_name, item_word in (("oddHeader", "页眉"), ("oddFooter", "页脚"), ("evenHeader", "偶数页页眉"),
                                     ("evenFooter", "偶数页页脚"), ("firstHeader", "首页页眉"), ("firstFooter", "首页页脚")):
            item = getattr(hf, item_name, None)
            if item is None:
                continue
            for side, side_word in (("left", "左"), ("center", "中"), ("right", "右")):
                part = getattr(item, side, None)
                text = getattr(part, "text", None)
                if text and ("{{" in text or "}}" in text):
                    sheet = f"工作表“{ws.title}”的" if multi else "的"
                    where = lambda w=f"模板“{label}”{sheet}{item_word}（{side_word}）": w
                    parts = compile_text(text, "static", where)
                    header_footers.append(_HeaderFooterText(part, parts))

    block = None
    if block_ws is not None:
        block = _Block(block_ws, details, protos.get(MARK_SUBTOTAL), protos.get(MARK_TOTAL))
        _check_merges(block, label)
    return _Plan(label, statics, header_footers, block, sum_fields)


def _compile_row(ws: Worksheet, row: int, cells: list[Cell], mark: str, context: str,
                 compile_text: Callable[..., list[str | _Ref]], at: Callable[[Worksheet, str], Callable[[], str]]) -> _RowProto:
    """Compile one marker row into per-column instructions."""
    wb = ws.parent
    cols: list[_Col] = []
    marker_removed = False
    for cell in sorted(cells, key=lambda c: c.column):
        col = _Col(column=cell.column, letter=get_column_letter(cell.column), kind="empty", style=cell._style)
        if not isinstance(cell, MergedCell) and cell._value not in (None, ""):
            text = _cell_text(cell)
            if text is not None and not marker_removed:
                # the marker sits at the start of the row's first non-empty cell; what follows it is content
                text = re.sub(r"^\s*\{\{\s*#\s*[^{}]*?\s*\}\}", "", text, count=1)
                marker_removed = True
            if cell.data_type == "f":
                col.kind, col.literal = "formula", cell._value
            elif text is None:
                col.kind, col.literal = "literal", cell._value
            elif text == "":
                col.kind = "empty"
            else:
                parts = compile_text(text, context, at(ws, cell.coordinate))
                refs = [p for p in parts if isinstance(p, _Ref)]
                if not refs:
                    col.kind, col.literal = "literal", text
                elif len(parts) == 1:
                    col.kind, col.ref = "one", refs[0]
                else:
                    col.kind, col.parts = "mixed", parts
        _style_ids(wb, col)
        cols.append(col)
    attrs = ""
    dims = ws.row_dimensions.get(row)
    if dims is not None:
        attrs = "".join(f' {k}="{_xml_escape(str(v), {chr(34): "&quot;"})}"' for k, v in dict(dims).items() if k != "r")
    merges = []
    for rng in ws.merged_cells.ranges:
        if rng.min_row == row and rng.max_row == row:
            merges.append((rng.min_col, rng.max_col))
    return _RowProto(row, cols, attrs, merges)


def _style_ids(wb: openpyxl.Workbook, col: _Col) -> None:
    """Style indexes for the column's cells: its own, and variants for dates and for formula-like text.

    The variants are registered once per template column, so writing 10,000 rows creates no style objects.
    """
    style = col.style
    if style is None:
        return

    def sid(array: Any) -> str:
        index = wb._cell_styles.add(array)
        return f' s="{index}"' if index else ""

    col.s = sid(style)
    current_format = _number_format(wb, style.numFmtId)
    if is_date_format(current_format):
        col.s_date = col.s_datetime = col.s
    else:
        for attr, fmt in (("s_date", _DATE_FORMAT), ("s_datetime", _DATETIME_FORMAT)):
            variant = copy(style)
            variant.numFmtId = _format_id(wb, fmt)
            setattr(col, attr, sid(variant))
    quoted = copy(style)
    quoted.quotePrefix = 1
    col.s_text = sid(quoted)


def _number_format(wb: openpyxl.Workbook, fmt_id: int) -> str:
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    if fmt_id in BUILTIN_FORMATS:
        return BUILTIN_FORMATS[fmt_id]
    try:
        return wb._number_formats[fmt_id - 164]
    except IndexError:
        return "General"


def _format_id(wb: openpyxl.Workbook, fmt: str) -> int:
    from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
    if fmt in BUILTIN_FORMATS_REVERSE:
        return BUILTIN_FORMATS_REVERSE[fmt]
    return wb._number_formats.add(fmt) + 164


def _check_merges(block: _Block, label: str) -> None:
    """A merge may lie within one marker row (it is repeated) or span the whole block (it grows); not across."""
    start, end = block.start, block.end
    for rng in block.ws.merged_cells.ranges:
        if rng.max_row < start or rng.min_row > end:
            continue
        if rng.min_row == rng.max_row:
            continue
        if rng.min_row <= start and rng.max_row >= end:
            continue
        raise TemplateError(f"模板“{label}”的合并单元格 {rng.coord} 跨越了明细行的边界，无法随明细行扩展；"
                            f"请只在一行之内合并，或合并覆盖整个明细区域")


def template_names(path: str | Path) -> TemplateNames:
    """The names a template uses (single values and record fields) and whether it has a {{#行}} row."""
    wb = _load(Path(path), Path(path).name)
    values: set[str] = set()
    fields: set[str] = set()
    has_rows = False
    for ws in wb.worksheets:
        marker_rows: set[int] = set()
        for (row, col), cell in ws._cells.items():
            text = _cell_text(cell)
            if text and re.match(r"\s*\{\{\s*#\s*" + MARK_ROWS + r"\s*\}\}", text):
                has_rows = True
            if text and re.match(r"\s*\{\{\s*#", text):
                marker_rows.add(row)
        for (row, col), cell in ws._cells.items():
            text = _cell_text(cell)
            if not text:
                continue
            for inner in (m.group(1).strip() for m in _PLACEHOLDER.finditer(text)):
                if inner.startswith("#") or inner in (SEQ_NAME, COUNT_NAME):
                    continue
                summed = _sum_field(inner)
                if summed is not None:
                    fields.add(summed)
                elif row in marker_rows:
                    fields.add(inner)
                else:
                    values.add(inner)
    return TemplateNames(frozenset(values), frozenset(fields), has_rows)


def validate_template(path: str | Path, *, values: Collection[str], fields: Collection[str] | None = None,
                      require_rows: bool = False, label: str | None = None) -> None:
    """Refuse a template that uses an unknown name or lacks a needed {{#行}} row, naming the file and cell."""
    path = Path(path)
    label = label or path.name
    wb = _load(path, label)
    _analyse(wb, label, set(values) | {TODAY_NAME}, fields, require_rows)


def _load(path: Path, label: str) -> openpyxl.Workbook:
    if not path.is_file():
        raise TemplateError(f"找不到模板文件“{label}”")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. data-validation lists from other sheets); the
            # template still fills, and a clerk cannot act on a library warning.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, rich_text=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError) as exc:
        # an .xlsx with an opening password is an encrypted OLE file, not a zip: same refusal, with the hint
        raise TemplateError(f"无法打开模板“{label}”：它不是有效的 Excel（.xlsx）文件，或设置了打开密码（{exc}）") from None


# ---------------------------------------------------------------------------------------------------------
# Values to cells


def _text_of(value: Any) -> str:
    """A value as it reads inside a sentence of cell text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF): dropped, since a
# workbook containing one will not open at all
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    return text


def _xml_escape_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = _xml_escape(text)
    if "\r" in text:
        text = text.replace("\r", "&#13;")   # a raw CR would be read back as LF
    return text


def _xml_text_cell(coord: str, text: str, col: _Col) -> str:
    text = _clean(text)
    if not text:
        return f'<c r="{coord}"{col.s}/>' if col.s else ""
    # Text from the data is always a string cell, never a formula; one that starts like a formula also gets
    # the quote-prefix style, so that editing the cell in Excel does not turn it into one either.
    s = col.s_text if text[0] in _FORMULA_TRIGGERS else col.s
    text = _xml_escape_text(text)
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{coord}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _xml_cell(coord: str, value: Any, col: _Col, epoch: datetime) -> str:
    kind = type(value)
    if kind is str:
        return _xml_text_cell(coord, value, col)
    if value is None:
        return f'<c r="{coord}"{col.s}/>' if col.s else ""
    if kind is Decimal:
        if value.is_finite():
            return f'<c r="{coord}"{col.s}><v>{value:f}</v></c>'
        return _xml_text_cell(coord, str(value), col)
    if kind is int:
        return f'<c r="{coord}"{col.s}><v>{value}</v></c>'
    if kind is bool:
        return f'<c r="{coord}"{col.s} t="b"><v>{int(value)}</v></c>'
    if kind is float:
        if math.isfinite(value):
            return f'<c r="{coord}"{col.s}><v>{value!r}</v></c>'
        return _xml_text_cell(coord, "", col)
    if isinstance(value, datetime):
        return f'<c r="{coord}"{col.s_datetime}><v>{to_excel(value, epoch)!r}</v></c>'
    if isinstance(value, (date, time)):
        return f'<c r="{coord}"{col.s_date}><v>{to_excel(value, epoch)!r}</v></c>'
    if isinstance(value, (Decimal, int, float)):   # subclasses such as IntEnum
        return _xml_cell(coord, (Decimal if isinstance(value, Decimal) else int if isinstance(value, int) else float)(value), col, epoch)
    return _xml_text_cell(coord, _text_of(value), col)


def _set_cell(cell: Cell, value: Any) -> None:
    """Put a value into an openpyxl cell keeping its type; text never becomes a formula."""
    if isinstance(value, str):
        text = _clean(value)
        cell._value = text if text else None
        cell.data_type = "s" if text else "n"
        if text and text[0] in _FORMULA_TRIGGERS:
            cell._style = copy(cell._style)
            cell._style.quotePrefix = 1
    elif value is None:
        cell._value = None
        cell.data_type = "n"
    elif isinstance(value, (bool, Decimal, int, float, date, time, datetime)):
        cell.value = value       # openpyxl gives dates a date format when the cell's is General
    else:
        _set_cell(cell, _text_of(value))


@dataclass
class _Totals:
    sums: dict[str, Any]
    count: int = 0


def _add(sums: dict[str, Any], fields: Iterable[str], record: Mapping[str, Any]) -> None:
    for name in fields:
        value = record.get(name)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, float):
            value = Decimal(repr(value))     # keep sums exact; money should arrive as Decimal anyway
        elif not isinstance(value, (Decimal, int)):
            continue
        sums[name] = sums.get(name, 0) + value


class _Context:
    """What a placeholder resolves to while one row is written."""

    __slots__ = ("record", "seq", "totals", "values")

    def __init__(self, values: Mapping[str, Any], record: Mapping[str, Any] | None, totals: _Totals | None, seq: int = 0):
        self.values = values
        self.record = record
        self.totals = totals
        self.seq = seq

    def get(self, ref: _Ref) -> Any:
        source = ref.source
        if source == "field":
            return self.record.get(ref.name) if self.record is not None else None
        if source == "value":
            return self.values.get(ref.name)
        if source == "sum":
            return self.totals.sums.get(ref.name, 0) if self.totals is not None else None
        if source == "count":
            return self.totals.count if self.totals is not None else None
        if source == "seq":
            return self.seq
        raise AssertionError(source)

    def text(self, parts: list[str | _Ref]) -> str:
        return "".join(p if isinstance(p, str) else _text_of(self.get(p)) for p in parts)


# ---------------------------------------------------------------------------------------------------------
# Filling


@dataclass(frozen=True)
class FillResult:
    """What fill() wrote."""

    path: Path
    rows: int                       # records written
    groups: int                     # 小计 rows written
    totals: dict[str, Any]          # the {{合计:字段}} sums over all records
    warnings: list[str] = field(default_factory=list)   # columns too narrow for a figure written into them


def fill(template: str | Path, values: Mapping[str, Any] | None = None,
         rows: Iterable[Mapping[str, Any]] | None = None, *, out_path: str | Path,
         fields: Collection[str] | None = None,
         group_key: str | Callable[[Mapping[str, Any]], Any] | None = None,
         row_height: Callable[[Mapping[str, Any]], float | None] | None = None,
         warn: Callable[[str], None] | None = None, stamp: datetime | None = None) -> FillResult:
    """Fill a template and save the workbook to `out_path`.

    `template` is a template name (looked up with find_template) or a path to an .xlsx file. `values` are the
    single values ({{街道名称}}, {{报告期}}; 制表日期 defaults to today). `rows` are the records, one dict per
    detail row; `fields` are the record keys a template may use (default: the keys of the first record).
    With `group_key` (a field name or a function of the record) a {{#小计}} row is written whenever the key
    changes between consecutive records, so the caller sorts the records by group. `row_height(record)` may give
    a detail row its own height in points (None keeps the template's): spreadsheets do not grow a row for wrapped
    text when they open a file (LibreOffice never does), so a caller that wraps text says how high. Raises
    TemplateError.

    A figure wider than its column (it would print as ###) does not stop the export: the template may be an
    office's own copy, which is never changed. Each such column is named in FillResult.warnings and to `warn`.

    `stamp` dates the file (its document properties and the times of its zip entries) instead of now: the same
    content filled with the same stamp is the same file byte for byte, as a closed quarter's reprint must be.
    """
    check_writable(out_path)
    source = _template_path(template)
    try:
        return _fill(source, values, rows, out_path, fields, group_key, row_height, warn, stamp)
    except TemplateError as exc:
        if not is_installed(source):
            raise
        raise TemplateError(f"{exc}。{installed_hint(source)}") from None


def is_installed(path: Path) -> bool:
    """Whether a template file is an office's adjusted copy (in the user's template folder)."""
    return path.parent.resolve() == paths.user_templates_dir().resolve()


def installed_hint(path: Path) -> str:
    """Where an office's own copy is and how to go back to the built-in one, for a message about it."""
    return (f"这是本单位安装的模板（{path}）：请在 Excel/WPS 中改正后重新安装，或恢复内置模板"
            f"（“报表模板”页的“恢复内置模板”按钮，或命令 report-template reset {path.name}）")


def _fill(source: Path, values: Mapping[str, Any] | None, rows: Iterable[Mapping[str, Any]] | None,
          out_path: str | Path, fields: Collection[str] | None,
          group_key: str | Callable[[Mapping[str, Any]], Any] | None,
          row_height: Callable[[Mapping[str, Any]], float | None] | None,
          warn: Callable[[str], None] | None, stamp: datetime | None) -> FillResult:
    label = source.name
    values = {TODAY_NAME: clock.today(), **(values or {})}
    records: Iterator[Mapping[str, Any]] | None = None
    if rows is not None:
        records = iter(rows)
        if fields is None:
            first = next(records, None)
            if first is not None:
                fields = list(first.keys())
                records = _chain_first(first, records)

    wb = _load(source, label)
    plan = _analyse(wb, label, set(values), fields, require_rows=rows is not None)
    if plan.block is None and rows is not None:
        raise TemplateError(f"模板“{label}”缺少明细行：请在明细行第一个单元格的开头写 {{{{#{MARK_ROWS}}}}}")

    grand = _Totals({})
    rows_xml: list[str] = []
    extra_merges: list[CellRange] = []
    n_out = groups = 0
    checks: dict[str, WidthCheck] = {ws.title: WidthCheck(ws) for ws in wb.worksheets}
    if plan.block is not None:
        key_fn = (lambda r, k=group_key: r.get(k)) if isinstance(group_key, str) else group_key
        n_out, groups = _write_block(plan, wb, records or iter(()), values, key_fn, grand, rows_xml, extra_merges,
                                     checks[plan.block.ws.title], row_height)

    static_context = _Context(values, None, grand)
    for static in plan.statics:
        if static.rich is not None and _fill_rich(static, static_context):
            continue
        if len(static.parts) == 1 and isinstance(static.parts[0], _Ref):
            value = static_context.get(static.parts[0])
            _set_cell(static.cell, value)
            checks[static.cell.parent.title].add(static.cell.column, static.cell._style, value, row=static.cell.row,
                                                 columns=_merged_columns(static.cell))
        else:
            _set_cell(static.cell, static_context.text(static.parts))
    warnings = _width_warnings(label, checks, multi=len(wb.worksheets) > 1)
    if warnings and is_installed(source):
        warnings = [f"{text}（{installed_hint(source)}）" for text in warnings]
    for text in warnings:
        if warn is not None:
            warn(text)
    for hf in plan.header_footers:
        # '&' starts a header/footer code (&P page, &D date …); a literal one is written '&&'
        hf.part.text = "".join(p if isinstance(p, str) else _text_of(static_context.get(p)).replace("&", "&&")
                               for p in hf.parts)

    if stamp is not None:
        wb.properties.created = wb.properties.modified = _utc(stamp)
    if plan.block is None:
        with atomic_write(out_path) as tmp:
            _save_spliced(wb, None, [], 0, tmp, label, stamp)
        return FillResult(Path(out_path), 0, 0, {}, warnings)

    block = plan.block
    template_rows = block.end - block.start + 1
    delta = n_out - template_rows
    if block.end + delta > EXCEL_MAX_ROW or block.ws.max_row + delta > EXCEL_MAX_ROW:
        raise TemplateError(f"模板“{label}”填入 {grand.count} 行后超过了 Excel 的最大行数 {EXCEL_MAX_ROW}")
    _restructure(block, n_out, extra_merges)
    if n_out:
        # the sentinel keeps a <row> for the block in openpyxl's output, to be replaced by the written rows
        sentinel = Cell(block.ws, row=block.start, column=1)
        sentinel._value, sentinel.data_type = _SENTINEL, "s"
        block.ws._cells[(block.start, 1)] = sentinel
    with atomic_write(out_path) as tmp:
        _save_spliced(wb, block, rows_xml, n_out, tmp, label, stamp)
    return FillResult(Path(out_path), grand.count, groups, dict(grand.sums), warnings)


def _merged_columns(cell: Cell) -> int:
    """How many columns a cell spans (a merge starting at it), for the room its figure has."""
    for rng in cell.parent.merged_cells.ranges:
        if rng.min_row == cell.row and rng.min_col == cell.column:
            return rng.max_col - rng.min_col + 1
    return 1


def _width_warnings(label: str, checks: Mapping[str, WidthCheck], multi: bool) -> list[str]:
    """One sentence per column too narrow for its widest figure."""
    out = []
    for title, check in checks.items():
        sheet = f"工作表“{title}”" if multi else ""
        for narrow in check.problems():
            header = f"（{narrow.header}）" if narrow.header else ""
            out.append(f"模板“{label}”{sheet}第{narrow.letter}列{header}宽度不足，打印时将显示###："
                       f"{narrow.text} 需要列宽约 {narrow.needed:g}，现为 {narrow.width:g}")
    return out


def fill_text(text: str, values: Mapping[str, Any], where: Callable[[], str]) -> str:
    """Cell text with its {{名称}} placeholders replaced from `values` as fill writes text that mixes words and
    values (a date as 2026年1月5日), for another format of the same form; an unknown name is a TemplateError."""
    def value(match: re.Match) -> str:
        name = match.group(1).strip()
        if name not in values:
            raise TemplateError(f"{where()}的占位符 {{{{{name}}}}} 在此处无法填写")
        return _text_of(values[name])
    return _PLACEHOLDER.sub(value, text)


# the template machinery other exports of the same form read with (exports/form_text.py)
cell_text = _cell_text


def load_template(path: Path, label: str) -> openpyxl.Workbook:
    return _load(path, label)


def template_path(template: str | Path) -> Path:
    return _template_path(template)


def _template_path(template: str | Path) -> Path:
    """A path is used as it is; a bare name is looked up in the user's and the built-in template folders."""
    if isinstance(template, Path) or "/" in template or "\\" in template:
        return Path(template)
    return find_template(template)


def _chain_first(first: Mapping[str, Any], rest: Iterator[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    yield first
    yield from rest


def _fill_rich(static: _Static, context: _Context) -> bool:
    """Replace placeholders run by run in rich text, keeping each run's font; False if one spans runs."""
    rich = static.rich
    assert rich is not None
    pieces: list[Any] = []
    found = 0
    for run in rich:
        text = run.text if isinstance(run, TextBlock) else run
        replaced = _PLACEHOLDER.sub(lambda m: _text_of(context.get(_find_ref(static.parts, m.group(0)))), text)
        found += len(_PLACEHOLDER.findall(text))
        pieces.append(TextBlock(run.font, replaced) if isinstance(run, TextBlock) else replaced)
    if found != sum(isinstance(p, _Ref) for p in static.parts):
        return False
    static.cell._value = CellRichText(*pieces)
    static.cell.data_type = "s"
    return True


def _find_ref(parts: list[str | _Ref], raw: str) -> _Ref:
    for part in parts:
        if isinstance(part, _Ref) and part.text == raw:
            return part
    raise KeyError(raw)


def _write_block(plan: _Plan, wb: openpyxl.Workbook, records: Iterator[Mapping[str, Any]], values: Mapping[str, Any],
                 key_fn: Callable[[Mapping[str, Any]], Any] | None, grand: _Totals, out: list[str],
                 merges: list[CellRange], check: WidthCheck,
                 row_height: Callable[[Mapping[str, Any]], float | None] | None = None) -> tuple[int, int]:
    """Write the detail, 小计 and 合计 rows as worksheet XML; returns (rows written, 小计 rows written).

    A record takes each of the block's detail rows in turn; `row_height` sizes its last one. The least and
    greatest number of each column go to `check`, which tells whether they fit their columns.
    """
    block = plan.block
    assert block is not None
    epoch = wb.epoch
    sum_fields = sorted(plan.sum_fields)
    subtotal = block.subtotal if key_fn is not None else None
    row_number = block.start
    groups = 0
    context = _Context(values, None, None)

    def emit_marker_row(proto: _RowProto, record: Mapping[str, Any] | None, totals: _Totals) -> None:
        nonlocal row_number
        ctx = _Context(values, record, totals)
        r = str(row_number)
        cells = []
        spans = merged_widths[proto.row]
        for col in proto.cols:
            cells.append(_proto_cell(col, r, ctx, epoch, None))
            if col.kind == "one" and col.style is not None:
                check.add(col.column, col.style, ctx.get(col.ref), row=block.start, columns=spans.get(col.column, 1))
        out.append(f'<row r="{r}"{proto.attrs}>{"".join(cells)}</row>')
        for first, last in proto.merges:
            merges.append(CellRange(min_col=first, min_row=row_number, max_col=last, max_row=row_number))
        row_number += 1

    merged_widths = {p.row: {first: last - first + 1 for first, last in p.merges} for p in block.protos}
    group_totals = _Totals({})
    group_first: Mapping[str, Any] | None = None
    group_value: Any = None
    # per detail row, per column: 0 = one field, 1 = the running 序号, 2 = anything else (literal, mixed, formula)
    rows_plan = []
    for index, detail in enumerate(block.details):
        plan_cols = [(c.letter, 0 if c.kind == "one" and c.ref.source == "field" else
                      1 if c.kind == "one" and c.ref.source == "seq" else 2, c.ref.name if c.ref else "", c,
                      [math.inf, -math.inf, None])
                     for c in detail.cols]
        translators = {c.column: Translator(c.literal, f"{c.letter}{detail.row}") for c in detail.cols
                       if c.kind == "formula"}
        sized = row_height is not None and index == len(block.details) - 1
        rows_plan.append((detail, plan_cols, translators, sized, re.sub(r' (ht|customHeight)="[^"]*"', "", detail.attrs)))
    for record in records:
        if subtotal is not None:
            key = key_fn(record)
            if group_first is not None and key != group_value:
                emit_marker_row(subtotal, group_first, group_totals)
                groups += 1
                group_totals = _Totals({})
                group_first = None
            if group_first is None:
                group_first, group_value = record, key
            group_totals.count += 1
            _add(group_totals.sums, sum_fields, record)
        grand.count += 1
        if sum_fields:
            _add(grand.sums, sum_fields, record)
        # kept free of helper calls where possible: this loop runs once per cell, 200,000 times for a big sheet
        get = record.get
        context.record = record
        context.seq = grand.count
        for detail, plan_cols, translators, sized, unsized_attrs in rows_plan:
            r = str(row_number)
            height = row_height(record) if sized else None
            if height:
                cells = [f'<row r="{r}" ht="{height:g}" customHeight="1"{unsized_attrs}>']
            else:
                cells = [f'<row r="{r}"{detail.attrs}>']
            for letter, code, name, col, span in plan_cols:
                if code == 0:
                    value = get(name)
                    cells.append(_xml_cell(letter + r, value, col, epoch))
                    if value.__class__ in _NUMBERS:
                        if value < span[0]:
                            span[0] = value
                        if value > span[1]:
                            span[1] = value
                    elif value.__class__ in _DATES:
                        span[2] = value
                elif code == 1:
                    cells.append(_xml_cell(letter + r, grand.count, col, epoch))
                else:
                    cells.append(_proto_cell(col, r, context, epoch, translators))
            cells.append("</row>")
            out.append("".join(cells))
            for first, last in detail.merges:
                merges.append(CellRange(min_col=first, min_row=row_number, max_col=last, max_row=row_number))
            row_number += 1
    if subtotal is not None and group_first is not None:
        emit_marker_row(subtotal, group_first, group_totals)
        groups += 1
    if block.total is not None:
        emit_marker_row(block.total, None, grand)
    for detail, plan_cols, _translators, _sized, _attrs in rows_plan:
        detail_spans = merged_widths[detail.row]
        for _letter, code, _name, col, span in plan_cols:
            if col.style is None:
                continue
            columns = detail_spans.get(col.column, 1)
            if code == 1 and grand.count:
                check.add(col.column, col.style, grand.count, row=block.start, columns=columns)
            check.add_span(col.column, col.style, span[0], span[1], row=block.start, columns=columns)
            if span[2] is not None:
                check.add(col.column, col.style, span[2], row=block.start, columns=columns)
    return row_number - block.start, groups


def _proto_cell(col: _Col, r: str, ctx: _Context, epoch: datetime, translators: dict[int, Translator] | None) -> str:
    coord = col.letter + r
    kind = col.kind
    if kind == "one":
        return _xml_cell(coord, ctx.get(col.ref), col, epoch)
    if kind == "mixed":
        return _xml_text_cell(coord, ctx.text(col.parts), col)
    if kind == "empty":
        return f'<c r="{coord}"{col.s}/>' if col.s else ""
    if kind == "formula":
        formula = col.literal
        if translators and col.column in translators:
            # a formula in the detail row moves with its row, as if the row had been copied down in Excel
            formula = translators[col.column].translate_formula(coord)
        if isinstance(formula, str) and formula.startswith("="):
            return f'<c r="{coord}"{col.s}><f>{_xml_escape(formula[1:])}</f></c>'
        return f'<c r="{coord}"{col.s}/>' if col.s else ""
    value = col.literal
    if isinstance(value, CellRichText):
        value = str(value)
    if isinstance(value, str):
        # literal text typed by the template's author: written as it is (no quote prefix)
        text = _clean(value)
        if not text:
            return f'<c r="{coord}"{col.s}/>' if col.s else ""
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return f'<c r="{coord}"{col.s} t="inlineStr"><is><t{space}>{_xml_escape_text(text)}</t></is></c>'
    return _xml_cell(coord, value, col, epoch)


# ---------------------------------------------------------------------------------------------------------
# Moving the rest of the sheet


def _restructure(block: _Block, n_out: int, extra_merges: list[CellRange]) -> None:
    """Take the marker rows out of the openpyxl model and move everything below them by the rows written."""
    ws = block.ws
    start, end = block.start, block.end
    delta = n_out - (end - start + 1)

    def move_row(r: int) -> int:
        return r + delta if r > end else r

    cells = {}
    for (r, c), cell in ws._cells.items():
        if start <= r <= end:
            continue
        if r > end:
            cell.row = r + delta
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
        cells[(cell.row, c)] = cell
    ws._cells = cells

    dims = list(ws.row_dimensions.items())
    ws.row_dimensions.clear()
    for r, dim in dims:
        if start <= r <= end:
            continue
        new_r = move_row(r)
        dim.index = new_r
        ws.row_dimensions[new_r] = dim

    last_out = start + n_out - 1

    def span(rng: CellRange) -> CellRange | None:
        """A range after the move: below shifts, one touching the block covers all written rows."""
        min_row, max_row = rng.min_row, rng.max_row
        if max_row < start:
            return rng
        if min_row > end:
            return CellRange(min_col=rng.min_col, min_row=min_row + delta, max_col=rng.max_col, max_row=max_row + delta)
        new_min = min(start, min_row)
        new_max = max_row + delta if max_row > end else last_out
        if new_max < new_min:
            return None
        return CellRange(min_col=rng.min_col, min_row=new_min, max_col=rng.max_col, max_row=new_max)

    merged = set()
    for rng in ws.merged_cells.ranges:
        if start <= rng.min_row and rng.max_row <= end:
            continue        # a merge within a marker row: repeated per written row in extra_merges
        moved = span(rng)
        if moved is not None and (moved.min_row != moved.max_row or moved.min_col != moved.max_col):
            merged.add(moved)
    merged.update(extra_merges)
    # assigned directly: MultiCellRange.add checks containment against every range, O(n²) for 10,000 merges
    ws.merged_cells = MultiCellRange()
    ws.merged_cells.ranges = merged

    if ws._print_area and ws._print_area.ranges:
        ws._print_area.ranges = {r for r in (span(x) for x in ws._print_area.ranges) if r is not None}
    if ws._print_rows is not None and ws._print_rows.min_row and int(ws._print_rows.min_row) > end:
        ws._print_rows.min_row = int(ws._print_rows.min_row) + delta
        ws._print_rows.max_row = int(ws._print_rows.max_row) + delta

    if ws.freeze_panes:
        col, row = _split_coordinate(ws.freeze_panes)
        if row > end:
            ws.freeze_panes = f"{col}{row + delta}"

    cf_old = ws.conditional_formatting
    if cf_old:
        from openpyxl.formatting.formatting import (
            ConditionalFormatting,
            ConditionalFormattingList,
        )
        cf_new = ConditionalFormattingList()
        cf_new.max_priority = cf_old.max_priority
        for cf in cf_old:
            ranges = [s for s in (span(r) for r in cf.sqref.ranges) if s is not None]
            if ranges:
                key = ConditionalFormatting(sqref=" ".join(r.coord for r in ranges))
                cf_new._cf_rules.setdefault(key, []).extend(cf.rules)
        ws.conditional_formatting = cf_new

    for dv in list(ws.data_validations.dataValidation):
        ranges = [s for s in (span(r) for r in dv.sqref.ranges) if s is not None]
        if ranges:
            dv.sqref = MultiCellRange(" ".join(r.coord for r in ranges))
        else:
            ws.data_validations.dataValidation.remove(dv)

    if ws.auto_filter.ref:
        moved = span(CellRange(ws.auto_filter.ref))
        ws.auto_filter.ref = moved.coord if moved is not None else None
    for table in ws.tables.values():
        moved = span(CellRange(table.ref))
        if moved is not None:
            table.ref = moved.coord
            if table.autoFilter is not None and table.autoFilter.ref:
                table.autoFilter.ref = moved.coord

    for brk in list(ws.row_breaks.brk):
        if start <= brk.id <= end:
            ws.row_breaks.brk.remove(brk)
        elif brk.id > end:
            brk.id += delta

    for drawing in list(ws._images) + list(ws._charts):
        anchor = getattr(drawing, "anchor", None)
        for marker in (getattr(anchor, "_from", None), getattr(anchor, "to", None)):
            if marker is not None and marker.row + 1 > end:   # anchors count rows from 0
                marker.row += delta


def _split_coordinate(coordinate: str) -> tuple[str, int]:
    m = re.match(r"\$?([A-Za-z]+)\$?(\d+)$", coordinate)
    if not m:
        return coordinate, 0
    return m.group(1), int(m.group(2))


def _save_spliced(wb: openpyxl.Workbook, block: _Block | None, rows_xml: list[str], n_out: int, target: Path,
                  label: str, stamp: datetime | None = None) -> None:
    """Save with openpyxl, then put the written rows in place of the sentinel row of the block's sheet; with a
    `stamp`, every zip entry and the document's modification time carry it instead of the time of saving."""
    buffer = io.BytesIO()
    wb.save(buffer)
    if not n_out and stamp is None:
        target.write_bytes(buffer.getvalue())
        return
    sheet_name = block.ws.path.lstrip("/") if block is not None and n_out else None
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if stamp is not None:
                item = _dated(item, stamp)
                if item.filename == _CORE_PROPERTIES:
                    data = _MODIFIED.sub(lambda m: m.group(1) + _w3c(stamp) + m.group(2), data.decode("utf-8")).encode()
            if item.filename != sheet_name:
                zout.writestr(item, data)
                continue
            assert block is not None
            xml = data.decode("utf-8")
            m = re.search(rf'<row r="{block.start}"[^>]*>.*?</row>', xml, re.DOTALL)
            if m is None or _SENTINEL not in m.group(0):
                raise TemplateError(f"模板“{label}”填充失败：未找到明细行的位置")
            head, tail = xml[:m.start()], xml[m.end():]
            head = _fix_dimension(head, block, n_out)
            info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(info, "w", force_zip64=True) as stream:
                stream.write(head.encode("utf-8"))
                # encoded in slices: one join of 10,000 rows would briefly hold the whole sheet twice
                for i in range(0, len(rows_xml), 2000):
                    stream.write("".join(rows_xml[i:i + 2000]).encode("utf-8"))
                stream.write(tail.encode("utf-8"))


_CORE_PROPERTIES = "docProps/core.xml"
# openpyxl dates the document when it saves it; a stamped file says its stamp instead
_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _utc(stamp: datetime) -> datetime:
    """A local time as the UTC time document properties hold."""
    return stamp.astimezone(timezone.utc).replace(tzinfo=None)


def _w3c(stamp: datetime) -> str:
    return _utc(stamp).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dated(item: zipfile.ZipInfo, stamp: datetime) -> zipfile.ZipInfo:
    """A copy of a zip entry's header with the stamp as its time (zip times are local, to two seconds)."""
    info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
    info.compress_type = item.compress_type
    info.external_attr = item.external_attr
    info.create_system = item.create_system
    return info


def _fix_dimension(head: str, block: _Block, n_out: int) -> str:
    """The <dimension> openpyxl wrote does not know the spliced rows; widen it to include them."""
    m = re.search(r'<dimension ref="([^"]*)"\s*/>', head)
    if m is None:
        return head
    try:
        min_col, min_row, max_col, max_row = range_boundaries(m.group(1))
    except (ValueError, TypeError):
        return head
    cols = [c.column for p in block.protos for c in p.cols]
    if cols:
        min_col, max_col = min(min_col, min(cols)), max(max_col, max(cols))
    max_row = max(max_row, block.start + n_out - 1)
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    return head[:m.start()] + f'<dimension ref="{ref}"/>' + head[m.end():]
