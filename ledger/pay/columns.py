"""The columns of a pay line, declared once: PayFigures is the typed record and the list of its columns.

Each field of PayFigures carries its Chinese label, its group on the 工资发放表 (应发项目, 扣款项目, …), its kind
(how it is stored and printed) and whether the sheet shows it. Everything else takes the columns from here by
name: the engine fills the record by name (ledger.pay.calc), the stored line has one column per field
(ledger.models.pay.PayLine), and the pay page, the 工资发放表 (xlsx and PDF), the 工资条, the bank list and
the annual cost report use SHEET and the labels. Adding a figure is one field here, a migration for its
column, and the template if the sheet shows it; nothing is matched by position.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Generic, TypeVar

from ..money import from_fen

A = TypeVar("A", int, Decimal)   # an amount: integer fen inside the engine, Decimal yuan outside it

# kinds: how a column is stored and printed
MONEY = "money"     # an amount (BIGINT fen in the database)
COUNT = "count"     # a whole number printed as it is (等级, 任职月数)
CODE = "code"       # a number for the program, never printed (岗位代码)
TEXT = "text"

# groups: the spanning header above a run of the sheet's columns, and what a figure adds up to
EARNINGS = "应发项目"
DEDUCTIONS = "扣款项目"
TAX = "个税计算"
EMPLOYER = "单位缴费"


@dataclass(frozen=True)
class PayColumn:
    key: str          # the attribute of the record and the column of pay_line
    label: str        # the header a user reads
    kind: str = MONEY
    group: str = ""
    sheet: bool = False   # shown on the 工资发放表, the 工资 page and the 工资条, in declaration order
    centered: bool = False
    width: int = 9        # characters, in the built-in xlsx templates
    words: tuple[str, ...] = ()   # the label's words: a printed header breaks its line only between them

    @property
    def report_kind(self) -> str:
        """How reports print it (exports.pdf.Column.kind): amounts right with two decimals, short codes centred."""
        if self.kind == MONEY:
            return "amount"
        return "center" if self.centered or self.kind == COUNT else "text"


def _column(words: str, kind: str = MONEY, group: str = "", sheet: bool = False, centered: bool = False,
            width: int = 9) -> Any:
    """A column declared by its label with "|" between its words ("岗位|等级|工资")."""
    return field(metadata={"column": (words.replace("|", ""), kind, group, sheet, centered, width,
                                      tuple(words.split("|")))})


@dataclass(slots=True)
class PayFigures(Generic[A]):
    """One worker's month: every figure of the pay line, in the order the 工资发放表 shows them."""

    post: int = _column("岗位|代码", CODE)
    post_name: str = _column("岗位", TEXT, sheet=True, centered=True, width=6)
    level: int = _column("等级", COUNT, sheet=True, width=5)
    grade_pay: A = _column("岗位|等级|工资", group=EARNINGS, sheet=True, width=11)
    basic_performance: A = _column("基础|绩效", group=EARNINGS, sheet=True)
    dual_role_allowance: A = _column("一肩挑|补贴", group=EARNINGS, sheet=True)
    qualification_allowance: A = _column("职业|资格|津贴", group=EARNINGS, sheet=True)
    bonus: A = _column("奖励性|绩效", group=EARNINGS, sheet=True, width=10)
    other_add: A = _column("其他|补发", group=EARNINGS, sheet=True)
    gross: A = _column("应发|合计", group=EARNINGS, sheet=True, width=11)
    contribution_base: A = _column("缴费|基数")
    pension: A = _column("养老|保险", group=DEDUCTIONS, sheet=True)
    medical: A = _column("医疗|保险", group=DEDUCTIONS, sheet=True)
    unemployment: A = _column("失业|保险", group=DEDUCTIONS, sheet=True, width=8)
    housing_fund: A = _column("住房|公积金", group=DEDUCTIONS, sheet=True, width=10)
    tax: A = _column("个人|所得税", group=DEDUCTIONS, sheet=True)
    other_deduct: A = _column("其他|扣款", group=DEDUCTIONS, sheet=True)
    deduct_total: A = _column("扣款|合计", group=DEDUCTIONS, sheet=True, width=10)
    net: A = _column("实发|工资", sheet=True, width=11)
    special_deduction: A = _column("专项|附加|扣除", group=TAX)
    cum_gross: A = _column("累计|应发", group=TAX)
    cum_insurance: A = _column("累计|专项|扣除", group=TAX)
    cum_special: A = _column("累计|专项|附加|扣除", group=TAX)
    cum_taxable: A = _column("累计|应纳税|所得额", group=TAX)
    cum_tax: A = _column("累计|已预扣|税额", group=TAX)
    months_employed: int = _column("任职|月数", COUNT, group=TAX)
    er_pension: A = _column("单位|养老", group=EMPLOYER, width=11)
    er_medical: A = _column("单位|医疗", group=EMPLOYER, width=11)
    er_unemployment: A = _column("单位|失业", group=EMPLOYER)
    er_injury: A = _column("单位|工伤", group=EMPLOYER)
    er_housing_fund: A = _column("单位|公积金", group=EMPLOYER, width=11)

    @property
    def employer_total(self) -> A:
        """单位缴费合计: the employer's contributions (cost side only)."""
        return sum(getattr(self, key) for key in EMPLOYER_KEYS)

    def amount(self, key: str) -> Decimal:
        """A money column in Decimal yuan, whichever side of the engine the record is on."""
        value = getattr(self, key)
        return value if isinstance(value, Decimal) else from_fen(value)


FIGURES: tuple[PayColumn, ...] = tuple(PayColumn(f.name, *f.metadata["column"]) for f in fields(PayFigures))
KEYS = tuple(c.key for c in FIGURES)
MONEY_KEYS = tuple(c.key for c in FIGURES if c.kind == MONEY)
EMPLOYER_KEYS = tuple(c.key for c in FIGURES if c.group == EMPLOYER)

# Who was paid: the columns of a stored line besides its figures that people read.
PERSON: tuple[PayColumn, ...] = (PayColumn("community", "社区", TEXT, sheet=True, width=12),
                                 PayColumn("worker_name", "姓名", TEXT, sheet=True, width=8),
                                 PayColumn("id_number", "身份证号", TEXT),
                                 PayColumn("bank_account", "银行账号", TEXT, words=("银行", "账号")))
# The 工资发放表's columns between 序号 and 领款人签字; the 工资 page and the 工资条 show the same.
SHEET: tuple[PayColumn, ...] = tuple(c for c in PERSON + FIGURES if c.sheet)
SHEET_AMOUNTS: tuple[PayColumn, ...] = tuple(c for c in SHEET if c.kind == MONEY)
COLUMN: Mapping[str, PayColumn] = {c.key: c for c in PERSON + FIGURES}


def label(key: str) -> str:
    return COLUMN[key].label


def spans(columns: tuple[PayColumn, ...]) -> list[tuple[str, int, int]]:
    """The groups over runs of columns: (group, first index, last index), for a two-row header."""
    out: list[tuple[str, int, int]] = []
    for i, column in enumerate(columns):
        if column.group and out and out[-1][0] == column.group and out[-1][2] == i - 1:
            out[-1] = (column.group, out[-1][1], i)
        elif column.group:
            out.append((column.group, i, i))
    return out
