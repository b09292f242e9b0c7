"""The words around a form's table as the xlsx template states them, for the PDF of the same form.

An office adjusts its title and signature lines in its installed copy of the template (docs/templates.md); the
PDF reads them from the same file, so that both formats say the same: the title (the largest type above the
table), the legal marks of a statistical table (表号, 制定机关, 批准文号/备案文号, 有效期至) and every row under the
table (signatures, 补充资料, 填表说明), each cell placed where it starts across the table's width. Placeholders are
filled as the xlsx fills text that mixes them with words, so a date reads "2026年1月5日" in both.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from exports.template import TODAY_NAME, TemplateError, cell_text, fill_text, load_template, template_path
from ledger import clock

MARK_WORDS = ("表号", "制定机关", "批准文号", "备案文号", "有效期至")
_MARKER = re.compile(r"^\s*\{\{\s*#")


class FooterCell(NamedTuple):
    start: float        # where the cell starts, as a share of the table's width (0 … 1)
    end: float          # where the next cell of the row starts (or the table ends)
    text: str


@dataclass(frozen=True)
class FormText:
    title: str
    marks: tuple[str, ...]                          # top right, in the template's order
    footer: tuple[tuple[FooterCell, ...], ...]      # the rows under the table, top down


def form_text(template: str | Path, values: Mapping[str, Any]) -> FormText:
    """The title, legal marks and rows under the table of a template (the office's installed copy wins), with
    its placeholders filled from `values` (制表日期 defaults to today); raises TemplateError."""
    source = template_path(template)
    wb = load_template(source, source.name)
    values = {TODAY_NAME: clock.today(), **values}
    for ws in wb.worksheets:
        rows = _marker_rows(ws)
        if rows:
            return _read(ws, min(rows), max(rows), values, source.name)
    raise TemplateError(f"模板“{source.name}”缺少明细行：请在明细行第一个单元格的开头写 {{{{#行}}}}")


def _marker_rows(ws) -> list[int]:
    first: dict[int, str] = {}
    for (row, _col), cell in sorted(ws._cells.items()):
        text = cell_text(cell)
        if row not in first and text:
            first[row] = text
    return [row for row, text in first.items() if _MARKER.match(text)]


def _read(ws, start: int, end: int, values: Mapping[str, Any], label: str) -> FormText:
    texts: dict[tuple[int, int], str] = {}
    sizes: dict[tuple[int, int], float] = {}
    for (row, col), cell in ws._cells.items():
        text = cell_text(cell)
        if isinstance(cell, MergedCell) or not text or not text.strip() or start <= row <= end:
            continue
        texts[(row, col)] = fill_text(text, values, lambda: f"模板“{label}”的单元格 {cell.coordinate} ")
        sizes[(row, col)] = cell.font.sz or 11
    above = [key for key in texts if key[0] < start]
    title_key = max(above, key=lambda k: (sizes[k], -k[0], -k[1]), default=None)
    marks = tuple(texts[k] for k in sorted(above)
                  if re.sub(r"\s", "", texts[k]).startswith(MARK_WORDS) and k != title_key)
    last_col = max((col for (row, col) in ws._cells if start <= row <= end), default=1)
    widths = [_width(ws, col) for col in range(1, last_col + 1)]
    edges = [sum(widths[:i]) / sum(widths) for i in range(last_col + 1)]
    footer = []
    for row in sorted({r for (r, _c) in texts if r > end}):
        cols = sorted(c for (r, c) in texts if r == row)
        cells = tuple(FooterCell(edges[min(col, last_col + 1) - 1],
                                 edges[min(cols[i + 1], last_col + 1) - 1] if i + 1 < len(cols) else 1.0,
                                 texts[(row, col)]) for i, col in enumerate(cols) if col <= last_col)
        if cells:
            footer.append(cells)
    return FormText(texts[title_key] if title_key else "", marks, tuple(footer))


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 8.43      # Excel's default column width
