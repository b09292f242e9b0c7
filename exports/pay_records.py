"""Pay lines as report records: the sheet's columns of ledger.pay.columns by label, and the title values every pay
report shares."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ledger import clock
from ledger.app import Ledger
from ledger.pay.columns import SHEET
from ledger.pay.runs import LineRecord, Payroll, month_key
from ledger.services.street import street_name

REMARK = "备注"
FIELDS = (*(c.label for c in SHEET), REMARK)   # the record fields a pay template may name


def bank_remark(line: LineRecord) -> str:
    """Why the bank list leaves a line out ('' if it does not): the bank pays only a 实发 above zero."""
    if line.net < 0:
        return "实发为负，不列入银行代发"
    return "实发为零，不列入银行代发" if line.net == 0 else ""


def record(line: LineRecord) -> dict[str, Any]:
    """A line as {label: value} for the sheet's columns (amounts in Decimal yuan, as the line holds them),
    with its 备注."""
    values: dict[str, Any] = {c.label: getattr(line, c.key) for c in SHEET}
    values[REMARK] = bank_remark(line)
    return values


def records(lines: Iterable[LineRecord]) -> list[dict[str, Any]]:
    return [record(line) for line in lines]


def title_values(ledger: Ledger, month: str) -> dict[str, Any]:
    month = month_key(month)
    year, mon = int(month[:4]), int(month[5:7])
    return {"街道名称": street_name(ledger) or "", "年": year, "月": mon, "报告期": f"{year}年{mon}月",
            "制表日期": clock.today()}


def month_lines(ledger: Ledger, month: str) -> list[LineRecord]:
    from exports import ExportError
    lines = Payroll(ledger).lines(month)
    if not lines:
        raise ExportError(f"{month_key(month)}的工资表没有任何人员，无法导出")
    return lines


ProgressFn = Callable[[int, int], "bool | None"]
