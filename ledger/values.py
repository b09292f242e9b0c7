"""Lenient reading of values as clerks type them: full-width digits, stray spaces, dates in many shapes.

The same parsers serve the entry forms, the command line and the importer, so a value that a form
accepts is accepted by an import and the other way round. Each raises ValueError with a Chinese reason.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

_EXCEL_EPOCH = date(1899, 12, 30)
# The largest figures a ledger stores: PostgreSQL's INTEGER, and money/areas as BIGINT hundredths kept well
# inside exact decimal range (a typo of extra digits is refused instead of overflowing the database).
INT_LIMIT = 2_147_483_647
DECIMAL_LIMIT = 10 ** 13
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")
_CONTROL[127] = None
_YES = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对", "有"}
_NO = {"否", "×", "N", "NO", "0", "FALSE", "无", ""}


def normalize(text: object) -> str:
    """Half-width, trimmed text: '１２３ ' -> '123', '　幸福社区 ' -> '幸福社区'."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return unicodedata.normalize("NFKC", str(text)).translate(_CONTROL).strip()


def printable(text: str) -> str:
    """Text without control characters (a NUL pasted from another program cannot be stored)."""
    return text.translate(_CONTROL)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (int, float, date)):   # never blank; spares NFKC on every number and date of an import
        return False
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return True
        if stripped.isprintable():   # a visible character that NFKC keeps: not blank, without normalising
            return False
    return normalize(value) == ""


def parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"“{value}”应为整数")
    text = normalize(value).replace(",", "")
    text = re.sub(r"(户|人|个|栋|名|级|年|度|年度)$", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{normalize(value)}”不是整数") from None
    if not number.is_finite():
        raise ValueError(f"“{normalize(value)}”不是整数")
    if number.adjusted() > 15:   # refused before int() would build a number of a million digits
        raise ValueError(f"“{normalize(value)}”数值过大")
    if number != number.to_integral_value():
        raise ValueError(f"“{normalize(value)}”应为整数")
    return int(number)


def parse_decimal(value: object, places: int = 2) -> Decimal:
    """An exact decimal with at most `places` decimals; floats from spreadsheets are read by their text."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, float):
        value = repr(value)
    text = normalize(value).replace(",", "").replace("¥", "").replace("￥", "")
    text = re.sub(r"(元|平方米|㎡|m2|平米|平方公里|km2)$", "", text).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{normalize(value)}”不是数字") from None
    if not number.is_finite():
        raise ValueError(f"“{normalize(value)}”不是数字")
    if number.adjusted() > 15:   # beyond any ledger figure, and beyond what quantize can hold
        raise ValueError(f"“{normalize(value)}”数值过大")
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum, rounding="ROUND_HALF_UP"):
        raise ValueError(f"“{normalize(value)}”最多{places}位小数")
    return number.quantize(quantum)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_date(value: object) -> date:
    """Dates as dates, Excel serial numbers, or text: 2015.03, 2015年3月, 2015-3-1, 2015/03/01.

    A month without a day means the first day of that month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial range (1900-01-01 .. 9999-12-31)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"“{value}”不是日期")
    text = normalize(value).replace(" ", "")
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()] + [1]
            try:
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                break
    raise ValueError(f"“{normalize(value)}”不是有效日期（可写作 2015-03-01、2015/3/1、2015.03 或 2015年3月）")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize(value).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"“{normalize(value)}”应为 是 或 否")


def parse_choice(value: object, choices: tuple[str, ...], aliases: dict[str, str] | None = None) -> str:
    text = normalize(value).replace(" ", "")
    if aliases and text in aliases:
        return aliases[text]
    if text in choices:
        return text
    raise ValueError(f"“{normalize(value)}”不在可选值中（{'/'.join(choices)}）")
