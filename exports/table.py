"""A printable table: its columns, and how each kind of value is shown — shared by the PDF and the xlsx renderer.

A ledger export passes a ledger's fields and records; the window passes the columns and rows of the view a clerk
is looking at. Rows hold values (Decimal, int, date, text); a value that is already text is printed as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# kind -> the xlsx number format; text kinds are formatted as text so that Excel keeps 身份证号 and 编码 as typed
NUMBER_FORMATS = {"money": "#,##0.00", "decimal": "0.00", "int": "0", "date": "yyyy-mm-dd"}
NUMERIC_KINDS = frozenset(("money", "decimal", "int"))
# kinds whose text is never broken over lines: numbers, dates, and codes such as 身份证号 or 银行账号
UNBROKEN_KINDS = NUMERIC_KINDS | {"date", "code"}


@dataclass(frozen=True)
class TableColumn:
    """One column of a printed table."""

    label: str
    kind: str = "text"          # text, short (centred: 是/否), code (digits kept as typed), money, decimal, int, date
    width: float | None = None  # the widest text worth a line of its own, in characters; longer text wraps
    key: bool = False           # printed on every page when the columns are spread over several pages

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


def display(value: Any, kind: str) -> str:
    """A value as printed in a cell of its column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if kind == "money" and isinstance(value, (Decimal, int, float)):
        return f"{Decimal(str(value)):,.2f}"
    if kind == "decimal" and isinstance(value, (Decimal, int, float)):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
