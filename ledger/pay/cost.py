"""年度人力成本: a year's 应发 plus employer contributions per worker, and what a change of the standard would cost.

Months that have a pay run (approved or draft) count with their stored lines; the other months are projected
with the engine from the current roster and the standard in force then, 奖励性绩效 in the standard's bonus
month by the latest appraisal. The what-if raises every 岗位等级工资 by the same amount from a chosen month
(by default the first month not yet approved) and recomputes the months from then for the current roster, so the
difference includes the 缴费基数 and employer shares it moves; an approved month is never priced again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from .. import settings
from ..app import Ledger
from ..errors import ValidationError
from ..models import Appraisal, Community, PayLine, PayRun, Worker
from ..money import ZERO, format_yuan, from_fen, parse_amount, to_fen
from ..paystandard import PayStandard
from ..services.paystandards import standard_in_force
from .calc import CompiledStandard, Extras, PayFigures, WorkerFacts, YearToDate, figures
from .columns import EMPLOYER_KEYS
from .runs import APPROVED, _highest, _qualifications, month_bounds, month_key, month_label

SUMMED = ("gross", *EMPLOYER_KEYS)   # what a worker's year adds up: 应发 and the employer's contributions


@dataclass
class CostRow:
    worker_id: int
    community: str
    name: str
    post_name: str
    level: int
    months: int = 0
    approved_months: int = 0
    sums: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(SUMMED, ZERO))   # by column of the line

    @property
    def gross(self) -> Decimal:
        return self.sums["gross"]

    @property
    def employer_total(self) -> Decimal:
        return sum((self.sums[key] for key in EMPLOYER_KEYS), ZERO)

    @property
    def cost(self) -> Decimal:
        return self.gross + self.employer_total

    def add(self, amounts: Mapping[str, Decimal]) -> None:
        """Count one month's line (its SUMMED amounts)."""
        self.months += 1
        for key in SUMMED:
            self.sums[key] += amounts[key]


@dataclass(frozen=True)
class CostReport:
    year: int
    rows: list[CostRow]
    run_months: list[str]           # months taken from pay runs
    raise_amount: Decimal           # the what-if: 岗位等级工资 + this, every level, per month
    extra_cost: Decimal             # the year's 应发 + employer contributions it adds
    raise_from: str = ""            # the first month the raise applies to ('2026-07'); after the year: none

    @property
    def total(self) -> Decimal:
        return sum((r.cost for r in self.rows), ZERO)

    @property
    def note(self) -> str:
        runs = "、".join(f"{int(m[5:7])}月" for m in self.run_months) or "无"
        return (f"已生成工资表的月份（{runs}）按工资表计，其余月份按现有在岗人员和当时的工资标准测算；"
                f"人力成本 = 应发 + 单位缴纳的社会保险和住房公积金。")

    @property
    def what_if(self) -> str:
        amount = _plain(self.raise_amount)
        if int(self.raise_from[:4]) > self.year:
            return (f"{self.year}年各月工资表均已审批，等级额上调{amount}元（每人每月）不再影响{self.year}年的"
                    f"财政支出；已审批的月份不按新标准重算。")
        start = int(self.raise_from[5:7])
        counted = "全年" if start == 1 else f"{start}—12月"
        return (f"若自{self.year}年{start}月起等级额上调{amount}元（每人每月），{self.year}年{counted}财政支出增加"
                f"{format_yuan(self.extra_cost)}元（含单位缴费）；已审批的月份不按新标准重算。")


def _plain(amount: Decimal) -> str:
    """100 rather than 100.00 for a whole number of yuan, as a sentence says it."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else format_yuan(amount)


def first_open_month(ledger: Ledger, year: int) -> str:
    """The first month of the year without an approved pay run ('2027-01' when all twelve are approved): the
    month a raise applies from unless the clerk says otherwise."""
    with ledger.reading("pay.read") as session:
        approved = set(session.scalars(select(PayRun.month).where(PayRun.month.like(f"{year:04d}-%"),
                                                                    PayRun.status == APPROVED)))
    return next((m for m in (f"{year:04d}-{n:02d}" for n in range(1, 13)) if m not in approved), f"{year + 1:04d}-01")


def _standards(session, year: int) -> dict[int, PayStandard]:
    """Each month's standard: the one in force on its last day, as a pay run takes it."""
    return {month: standard_in_force(session, month_bounds(f"{year:04d}-{month:02d}")[1]) for month in range(1, 13)}


def annual_cost(ledger: Ledger, year: int, raise_amount: Decimal | str | int = Decimal(100),
                raise_from: str | None = None) -> CostReport:
    """The year's cost, and what raising every 等级额 by `raise_amount` from the month `raise_from` (default: the
    first month not yet approved) would add to it; a month already approved is refused as a start."""
    start = first_open_month(ledger, year)
    if raise_from is not None:
        wanted = month_key(raise_from)
        if int(wanted[:4]) != year:
            raise ValidationError.single("起始月份", f"{month_label(wanted)}不在{year}年内")
        if wanted < start:
            raise ValidationError.single("起始月份", f"{month_label(wanted)}的工资表已审批，不按新标准重算；"
                                                 f"最早从{month_label(start)}起测算")
        start = wanted
    with ledger.reading("pay.read") as session:
        try:
            raise_amount = parse_amount(raise_amount, settings.ceiling(session, settings.PAY_CEILING), negative=True)
        except ValueError as exc:
            raise ValidationError.single("上调金额", str(exc)) from None
        communities = dict(session.execute(select(Community.id, Community.name)).all())
        standards = _standards(session, year)
        compiled = {m: CompiledStandard(s) for m, s in standards.items()}
        raised = {m: CompiledStandard(replace(s, matrix={k: v + raise_amount for k, v in s.matrix.items()}))
                  for m, s in standards.items()}
        runs = session.execute(select(PayRun.id, PayRun.month, PayRun.status, PayRun.pays_bonus)
                               .where(PayRun.month.like(f"{year:04d}-%")).order_by(PayRun.month)).all()
        bonus_paid = any(r.pays_bonus for r in runs)
        rows: dict[int, CostRow] = {}
        line = PayLine   # the mapped class: a community-limited account reads its community's lines (ledger.scope)
        for run_id, month, status, _ in runs:
            for stored in session.execute(select(line.worker_id, line.community, line.worker_name, line.post_name,
                                                 line.level, *(getattr(line, key) for key in SUMMED))
                                          .where(line.run_id == run_id).order_by(line.id)).mappings():
                row = rows.get(stored["worker_id"])
                if row is None:
                    row = rows[stored["worker_id"]] = CostRow(stored["worker_id"], stored["community"],
                                                              stored["worker_name"], stored["post_name"],
                                                              stored["level"])
                row.add(stored)
                row.approved_months += status == APPROVED
        workers = session.execute(select(Worker.id, Worker.name, Worker.community_id, Worker.post, Worker.level,
                                         Worker.dual_role, Worker.qualification, Worker.started_on,
                                         Worker.contribution_base)
                                  .where(Worker.status == "在岗").order_by(Worker.community_id, Worker.post,
                                                                          Worker.level.desc(), Worker.id)).all()
        grades: dict[int, str] = {}
        for wid, grade in session.execute(select(Appraisal.worker_id, Appraisal.grade).where(Appraisal.year <= year)
                                          .order_by(Appraisal.year)):
            grades[wid] = grade          # the latest year's grade wins
        quals = _qualifications(session, date(year, 12, 31))
    run_months = {int(m[5:7]) for _, m, _, _ in runs}
    approved_months = {int(m[5:7]) for _, m, status, _ in runs if status == APPROVED}
    extra = 0    # fen
    cache: dict[tuple, tuple[PayFigures[int], dict[str, Decimal]]] = {}
    zero = YearToDate()

    def line_for(std: CompiledStandard, facts: WorkerFacts, extras: Extras) -> tuple[PayFigures[int], dict]:
        """A month's line (fen) and its SUMMED amounts in yuan, computed once per place on the scale."""
        key = (id(std), facts.post, facts.level, facts.dual_role, facts.qualification, facts.contribution_base,
               extras.appraisal, extras.pays_bonus)
        found = cache.get(key)
        if found is None:
            line = figures(std, facts, zero, extras)
            found = cache[key] = (line, {k: line.amount(k) for k in SUMMED})
        return found

    for w in workers:
        base = None if w.contribution_base is None else to_fen(w.contribution_base)
        facts = WorkerFacts(w.id, w.post, w.level, bool(w.dual_role), _highest(w.qualification, quals.get(w.id)), base)
        for month in range(1, 13):
            first, last = month_bounds(f"{year:04d}-{month:02d}")
            if w.started_on is not None and w.started_on > last:
                continue
            if (w.post, w.level) not in compiled[month].matrix:
                continue
            pays = month == standards[month].bonus_month and not bonus_paid
            extras = Extras(grades.get(w.id), pays)
            now, now_amounts = line_for(compiled[month], facts, extras)
            if f"{year:04d}-{month:02d}" >= start and month not in approved_months:
                then, _ = line_for(raised[month], facts, extras)
                extra += (then.gross + then.employer_total) - (now.gross + now.employer_total)
            if month in run_months:
                continue
            row = rows.get(w.id)
            if row is None:
                post = standards[month].post(w.post)
                row = rows[w.id] = CostRow(w.id, communities.get(w.community_id, ""), w.name, post.name, w.level)
            row.add(now_amounts)
    order = {cid: i for i, cid in enumerate(sorted(communities))}
    by_name = {name: order[cid] for cid, name in communities.items()}
    # stable: within a community the rows keep the runs' and the roster's order (岗位, then 等级 from the top)
    ordered = sorted(rows.values(), key=lambda r: by_name.get(r.community, len(order)))
    return CostReport(year, ordered, [m for _, m, _, _ in runs], raise_amount, from_fen(extra), start)


__all__ = ["CostRow", "CostReport", "annual_cost", "first_open_month"]
