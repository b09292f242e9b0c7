"""How wide a spreadsheet column must be for a figure to print whole rather than as ###.

One estimate serves the built-in templates (their widths are made from it) and the check of an office's own
copy (a figure wider than its column is reported). Widths are Excel's unit, the column width a user sees.

The estimate is of the widest case: LibreOffice on Linux prints 宋体 and 黑体 with DejaVu Sans, whose digits
are wider than SimSun's. Measured with LibreOffice 7.4 (pdftotext of the printed sheet, 0.5 steps, 宋体 9–11 pt,
regular and bold, at 100 % and fitted to the page width, 96 figures from 9,999.99 to 9,999,999,999.99): the
narrowest column that printed a figure held 6.16–6.81 points of its text per unit of width. At 6.5 points per
unit every figure measured that printed as ### was estimated too wide for its column, and a width rounded up
to half a unit printed each of them; a column within half a unit of the estimate may be reported although it
would print.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

POINTS_PER_UNIT = 6.5
DEFAULT_FONT_SIZE = 11.0

# advance widths in em of DejaVu Sans and DejaVu Sans Bold (the fonts that stand in for 宋体/黑体)
_EM = {
    False: {"digit": 0.636, ",": 0.318, ".": 0.318, ":": 0.337, "-": 0.361, " ": 0.318, "%": 0.950, "/": 0.337,
            "(": 0.390, ")": 0.390, "latin": 0.70, "wide": 1.0},
    True: {"digit": 0.696, ",": 0.380, ".": 0.380, ":": 0.400, "-": 0.415, " ": 0.348, "%": 1.002, "/": 0.365,
           "(": 0.457, ")": 0.457, "latin": 0.78, "wide": 1.0},
}
_MARKER = re.compile(r"^\s*\{\{\s*#[^{}]*\}\}")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def text_points(text: str, size: float, bold: bool = False) -> float:
    """The printed length of `text` in points at a font size."""
    em = _EM[bool(bold)]
    total = 0.0
    for ch in text:
        if ch.isdigit() and ch.isascii():
            total += em["digit"]
        elif ch in em:
            total += em[ch]
        elif ord(ch) >= 0x2E80:
            total += em["wide"]
        else:
            total += em["latin"]
    return total * size


def needed_width(text: str, size: float | None = None, bold: bool = False) -> float:
    """The narrowest column width that prints `text` whole (estimated; see the module's note)."""
    return text_points(text, size or DEFAULT_FONT_SIZE, bold) / POINTS_PER_UNIT


def fitted_width(text: str, size: float | None = None, bold: bool = False) -> float:
    """A column width for `text`, in the half units a person would type."""
    return math.ceil(needed_width(text, size, bold) * 2) / 2


def shown(value: Any, number_format: str = "General") -> str | None:
    """The text a spreadsheet shows for a number or date in a number format; None for text (it never shows ###)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    section = number_format.split(";")[0] if number_format else "General"
    if isinstance(value, (date, datetime, time)):
        return _shown_date(value, section if is_date_format(section) else "yyyy-mm-dd")
    if not isinstance(value, (Decimal, int, float)):
        return None
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return None
    literal = _QUOTED.sub("", section)
    if section in ("General", "@") or not re.search(r"[0#?]", literal):
        text = format(number.normalize(), "f") if number != number.to_integral() else str(int(number))
        return text
    if "%" in literal:
        number *= 100
    places = 0
    point = literal.find(".")
    if point >= 0:
        places = len(re.match(r"[0#?]*", literal[point + 1:]).group(0))
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}" if "," in literal.split(".")[0] else f"{rounded:.{places}f}"
    # the format's own characters around the digits (a unit, a percent sign) are printed too
    extra = re.sub(r"[0#?,.]", "", literal) + "".join(re.findall(r'"([^"]*)"', section))
    return text + extra


def _shown_date(value: date | datetime | time, fmt: str) -> str:
    """A date as a date format shows it; only its length matters here, so tokens become digits of their width."""
    fmt = _QUOTED.sub(lambda m: m.group(0).strip('"\\') if m.group(0).startswith(('"', "\\")) else "", fmt)
    return re.sub(r"yyyy|yy|mmmm|mmm|mm|m|dd|d|hh|h|ss|s|am/pm", lambda m: "0" * max(2, min(4, len(m.group(0)))),
                  fmt, flags=re.IGNORECASE)


def column_width(ws: Worksheet, column: int) -> float | None:
    """The width of a column as the sheet sets it; None when the column is hidden."""
    for dim in ws.column_dimensions.values():
        low, high = dim.min or 0, dim.max or 0
        if low <= column <= high or (not low and dim.index == get_column_letter(column)):
            if dim.hidden:
                return None
            if dim.width:
                return float(dim.width)
            break
    return float(ws.sheet_format.defaultColWidth or (ws.sheet_format.baseColWidth or 8) + 0.43)


@dataclass(frozen=True)
class Narrow:
    """A column too narrow for a figure written into it."""

    letter: str
    header: str
    text: str            # the figure as printed
    needed: float
    width: float


class WidthCheck:
    """Collects the widest figure per column (and cell style) while a sheet is filled, then names the columns that
    would print ### — without changing the sheet, which may be an office's own template.
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.wb = ws.parent
        # (column, columns merged, font, number format, alignment, row the header is searched above) -> [lo, hi, date]
        self.spans: dict[tuple[int, int, int, int, int, int], list[Any]] = {}

    def add(self, column: int, style: Any, value: Any, *, row: int, columns: int = 1) -> None:
        """Note a value written at (row, column) with a cell style (openpyxl's StyleArray)."""
        key = (column, columns, style.fontId, style.numFmtId, style.alignmentId, row)
        span = self.spans.get(key)
        if span is None:
            span = self.spans[key] = [math.inf, -math.inf, None]
        if isinstance(value, (date, time)):
            span[2] = value
        elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            if value < span[0]:
                span[0] = value
            if value > span[1]:
                span[1] = value

    def add_span(self, column: int, style: Any, low: Any, high: Any, *, row: int, columns: int = 1) -> None:
        """Note the least and greatest of many numbers written in one column with one style."""
        if low is not None and low != math.inf:
            self.add(column, style, low, row=row, columns=columns)
        if high is not None and high != -math.inf:
            self.add(column, style, high, row=row, columns=columns)

    def problems(self) -> list[Narrow]:
        found: dict[int, Narrow] = {}
        for (column, columns, font_id, fmt_id, align_id, row), (low, high, when) in sorted(self.spans.items()):
            alignment = self.wb._alignments[align_id] if align_id < len(self.wb._alignments) else None
            if alignment is not None and (alignment.shrinkToFit or alignment.textRotation):
                continue     # the spreadsheet shrinks or turns the text instead of printing ###
            widths = [column_width(self.ws, c) for c in range(column, column + columns)]
            if any(w is None for w in widths):
                continue
            width = sum(widths)
            font = self.wb._fonts[font_id] if font_id < len(self.wb._fonts) else None
            size = float(font.sz) if font is not None and font.sz else DEFAULT_FONT_SIZE
            bold = bool(font is not None and font.b)
            fmt = _number_format(self.wb, fmt_id)
            for value in (high, low, when):
                if value is None or value in (math.inf, -math.inf):
                    continue
                text = shown(value, fmt)
                if text is None:
                    continue
                needed = needed_width(text, size, bold)
                widest = found.get(column)
                if needed > width and (widest is None or needed - width > widest.needed - widest.width):
                    found[column] = Narrow(get_column_letter(column), column_header(self.ws, column, row), text,
                                           math.ceil(needed * 2) / 2, width)
        return [found[c] for c in sorted(found)]


def column_header(ws: Worksheet, column: int, row: int) -> str:
    """The nearest text above `row` in a column (a merged header counts for every column it spans)."""
    merged = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_col <= column <= rng.max_col and rng.max_row < row:
            for r in range(rng.min_row, rng.max_row + 1):
                merged[r] = (rng.min_row, rng.min_col)
    for r in range(row - 1, 0, -1):
        at = merged.get(r, (r, column))
        cell = ws._cells.get(at)
        value = cell.value if cell is not None else None
        if isinstance(value, str):
            value = _MARKER.sub("", value)     # a header that is itself a repeated row (a slip's labels)
        if isinstance(value, str) and value.strip() and "{{" not in value:
            return "".join(value.split())
    return ""


def _number_format(wb: Any, fmt_id: int) -> str:
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    if fmt_id in BUILTIN_FORMATS:
        return BUILTIN_FORMATS[fmt_id]
    try:
        return wb._number_formats[fmt_id - 164]
    except IndexError:
        return "General"
