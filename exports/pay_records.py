"""Pay lines as report records: Chinese column names, Decimal yuan, and the title values every pay report shares."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.app import Ledger
from ledger.pay.runs import LineRecord, Payroll, month_key
from ledger.services.street import street_name

# report column -> LineRecord attribute (money in fen)
AMOUNTS = {
    "岗位等级工资": "grade_pay", "基础绩效": "basic_performance", "一肩挑补贴": "dual_role_allowance",
    "职业资格津贴": "qualification_allowance", "奖励性绩效": "bonus", "其他补发": "other_add", "应发合计": "gross",
    "养老保险": "pension", "医疗保险": "medical", "失业保险": "unemployment", "住房公积金": "housing_fund",
    "个人所得税": "tax", "其他扣款": "other_deduct", "扣款合计": "deduct_total", "实发工资": "net",
}
FIELDS = ("社区", "姓名", "岗位", "等级", *AMOUNTS)


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def record(line: LineRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"社区": line.community, "姓名": line.worker_name, "岗位": line.post_name, "等级": line.level}
    for label, attr in AMOUNTS.items():
        out[label] = Decimal(getattr(line, attr)).scaleb(-2)
    return out


def records(lines: Iterable[LineRecord]) -> list[dict[str, Any]]:
    return [record(line) for line in lines]


def title_values(ledger: Ledger, month: str) -> dict[str, Any]:
    month = month_key(month)
    year, mon = int(month[:4]), int(month[5:7])
    return {"街道名称": street_name(ledger) or "", "年": year, "月": mon, "报告期": f"{year}年{mon}月",
            "制表日期": date.today()}


def month_lines(ledger: Ledger, month: str) -> list[LineRecord]:
    from exports import ExportError
    lines = Payroll(ledger).lines(month)
    if not lines:
        raise ExportError(f"{month_key(month)}的工资表没有任何人员，无法导出")
    return lines


ProgressFn = Callable[[int, int], "bool | None"]
