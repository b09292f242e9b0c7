"""经费台账: funding entries, annual budgets, and the derived 累计拨入/累计支出/结余/执行率."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, extract, select, type_coerce

from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Budget, Community, FundEntry
from ..money import from_fen, round_half_up
from ..settings import FUND_CEILING
from ..shared_reads import count_if, shared, shared_by_day, split_by_day
from .base import LedgerService, community_names
from .columns import plain_rows
from .facts import facts_for

CATEGORIES = ("社区工作经费", "党组织服务群众专项经费", "网格化管理经费", "共建项目资金", "其他")
DIRECTIONS = ("拨入", "支出")
EXPENSE_CATEGORIES = ("党建工作", "公共服务", "自治管理", "其他")
# The shorter names clerks use for the categories, in entries and budgets alike.
CATEGORY_ALIASES = {"服务群众专项经费": "党组织服务群众专项经费", "工作经费": "社区工作经费",
                    "网格经费": "网格化管理经费", "共建资金": "共建项目资金"}

FIELDS = (
    Field("entry_date", "日期", "date", required=True, months_ahead=0, aliases=("发生日期", "记账日期", "时间")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称")),
    Field("category", "经费类别", "choice", required=True, choices=CATEGORIES, aliases=("类别", "经费类型"),
          value_aliases=CATEGORY_ALIASES),
    Field("direction", "收支", "choice", required=True, choices=DIRECTIONS, aliases=("收支类型", "收/支"),
          value_aliases={"收入": "拨入", "拨款": "拨入", "收": "拨入", "支": "支出", "付": "支出"}),
    Field("amount", "金额", "money", required=True, unit="元", minimum=Decimal("0.01"), aliases=("金额(元)", "金额（元）"),
          ceiling=FUND_CEILING),
    Field("voucher_no", "凭证号", max_length=64, aliases=("凭证编号", "凭证")),
    Field("expense_category", "支出类别", "choice", choices=EXPENSE_CATEGORIES, aliases=("支出类型", "用途")),
    Field("project", "项目名称", max_length=100, aliases=("项目", "摘要")),
    Field("handler", "经办人", max_length=30, person=True),
    Field("approver", "审批人", max_length=30, person=True),
    Field("note", "备注", max_length=500, multiline=True),
)

BUDGET_FIELDS = (
    Field("year", "年度", "int", required=True, minimum=2000, maximum=2100, aliases=("年份",)),
    Field("community", "所属社区", "ref", required=True, aliases=("社区",)),
    Field("category", "经费类别", "choice", required=True, choices=CATEGORIES, aliases=("类别", "经费类型"),
          value_aliases=CATEGORY_ALIASES),
    Field("amount", "预算金额", "money", required=True, minimum=0, aliases=("预算", "金额"), ceiling=FUND_CEILING),
)


class FundService(LedgerService):
    match_on = ("voucher_no",)   # entries without a 凭证号 are always new

    def list(self, community_id=None, year: int | None = None, **filters):
        """Entries, optionally of one year (filtered in SQL: the city scale has ~100,000)."""
        if year is None:
            return super().list(community_id, **filters)
        with self.ledger.reading() as session:
            stmt = self._select(session).where(FundEntry.entry_date >= date(year, 1, 1),
                                               FundEntry.entry_date <= date(year, 12, 31))
            if community_id is not None:
                stmt = stmt.where(FundEntry.community_id == community_id)
            names = community_names(session)
            return self._mask([self._to_record(r, names) for r in plain_rows(session, stmt.order_by(FundEntry.id))])

    def repeated_entry(self, session, attrs) -> str | None:
        """The stored entry that a new one without 凭证号 repeats (same 日期, 社区, 经费类别, 收支, 金额 and 项目名称),
        described for the clerk; None if there is none. Such a row is more likely last month's workbook imported
        again than a second payment, so an import adds it only when the clerk confirms."""
        if attrs.get("voucher_no"):
            return None   # a 凭证号 of its own makes it another entry
        found = [e for e in facts_for(session).find(
            FundEntry, entry_date=attrs.get("entry_date"), community_id=attrs.get("community_id"),
            category=attrs.get("category"), direction=attrs.get("direction"), amount=attrs.get("amount"),
            project=attrs.get("project")) if e.id > 0]   # stored entries, not rows planned from the same file
        if not found:
            return None
        e = found[0]
        what = f"{e.entry_date.isoformat()} {e.category}{e.direction}{e.amount:,.2f}元" + (f"“{e.project}”" if e.project else "")
        return f"与已登记的经费相同（{what}{'，凭证号' + e.voucher_no if e.voucher_no else ''}）"

    def _check(self, session, attrs, problems, existing, row):
        voucher = attrs.get("voucher_no")
        if voucher:
            if self._taken(facts_for(session).find(FundEntry, voucher_no=voucher), existing):
                problems.append(Problem("凭证号", f"“{voucher}”已被另一条经费记录使用", row))
        if attrs.get("direction") == "拨入" and attrs.get("expense_category"):
            problems.append(Problem("支出类别", "拨入的经费不填支出类别", row))


    def summary(self, year: int, until: date | None = None, community_id: int | None = None) -> list[FundSummary]:
        """预算执行 of a year per community and category, as far as the account may see."""
        with self.ledger.reading() as session:
            return fund_summary(session, year, until, community_id)


class BudgetService(LedgerService):
    match_on = ("year", "community_id", "category")

    def _check(self, session, attrs, problems, existing, row):
        found = facts_for(session).find(Budget, year=attrs["year"], community_id=attrs["community_id"],
                                        category=attrs["category"])
        if self._taken(found, existing):
            problems.append(Problem("经费类别", f"{attrs['year']}年该社区的“{attrs['category']}”预算已存在", row))


@dataclass(frozen=True)
class FundSummary:
    """Budget against money in and out for one community and category in a year."""

    community_id: int
    community: str
    category: str
    budget: Decimal
    allocated: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def execution_rate(self) -> Decimal | None:
        return execution_rate(self.spent, self.budget)


def execution_rate(spent: Decimal, budget: Decimal) -> Decimal | None:
    """执行率 = 累计支出 ÷ 年度预算, in per cent to one decimal (half up); None without a budget."""
    if not budget:
        return None
    return round_half_up(spent * 100 / budget, Decimal("0.1"))


def fund_summary(session, year: int, until: date | None = None, community_id: int | None = None) -> list[FundSummary]:
    """Per community and category: budget, 累计拨入, 累计支出 (to `until`, default year end), in one SQL pass."""
    until = until or date(year, 12, 31)
    return shared_by_day(session, ("fund_summary", year, community_id), until,
                         lambda days: _fund_summaries(session, year, days, community_id))


def _fund_summaries(session, year: int, days: tuple[date, ...],
                    community_id: int | None) -> dict[date, list[FundSummary]]:
    """fund_summary to each day, the entries read in one statement."""
    fen = type_coerce(FundEntry.amount, BigInteger)  # sum the stored integer fen, exact on every backend

    def summed(condition):
        return type_coerce(count_if(condition, fen), BigInteger)

    columns = []
    for day in days:
        by_then = FundEntry.entry_date <= day
        columns += [count_if(by_then), summed(by_then & (FundEntry.direction == "拨入")),
                    summed(by_then & (FundEntry.direction == "支出"))]
    stmt = (select(FundEntry.community_id, FundEntry.category, *columns)
            .where(extract("year", FundEntry.entry_date) == year, FundEntry.entry_date <= max(days))
            .group_by(FundEntry.community_id, FundEntry.category))
    if community_id is not None:
        stmt = stmt.where(FundEntry.community_id == community_id)
    return {day: _fund_summary(session, year, rows, community_id)
            for day, rows in split_by_day(session.execute(stmt), days, keys=2).items()}


def _fund_summary(session, year: int, entries: list[tuple], community_id: int | None) -> list[FundSummary]:
    """The summary of one day from its entries' sums (community, category, entries, 拨入, 支出) and the budgets."""
    moved = {(c, k): (from_fen(a or 0), from_fen(s or 0)) for c, k, _n, a, s in entries}
    bstmt = select(Budget.community_id, Budget.category, Budget.amount).where(Budget.year == year)
    budgets = {(c, k): amount for c, k, amount in shared(session, ("budgets", year), lambda: list(session.execute(bstmt)))
               if community_id in (None, c)}
    names = community_names(session)
    order = {name: i for i, name in enumerate(CATEGORIES)}
    keys = sorted(set(moved) | set(budgets), key=lambda k: (names.get(k[0], ""), order.get(k[1], 99)))
    zero = Decimal("0.00")
    return [FundSummary(c, names.get(c, ""), k, budgets.get((c, k), zero),
                        moved.get((c, k), (zero, zero))[0].quantize(zero), moved.get((c, k), (zero, zero))[1].quantize(zero))
            for c, k in keys]


FUNDS = LedgerDef(
    "funds", "经费", FundEntry, FIELDS, FundService, label="voucher_no",
    page=PageHint("经", 50, facets=("community", "entry_date", "category", "direction"), hidden=("note",),
                  totals=(("amount", "direction", "拨入"), ("amount", "direction", "支出"))))
BUDGETS = LedgerDef("budgets", "预算", Budget, BUDGET_FIELDS, BudgetService, label="category")

__all__ = ["FundService", "BudgetService", "FundSummary", "fund_summary", "execution_rate", "Community"]
