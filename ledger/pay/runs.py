"""Monthly pay runs: compute a draft, approve (lock) it, manual 补发/扣款 lines, and the year's opening figures.

Every action is one unit of work under "pay.write" (reads under "pay.read"), all or nothing. An approved run
is never touched again by any function here: re-running, adjusting or discarding it is refused, and a
correction goes into a later month as a 其他补发 or 其他扣款 line with its reason. A run reads each table it needs
once and writes its lines as integer fen in one batched insert (ledger.bulk), all through Core, which keeps a
city of 10,000 workers within a few tenths of a second, even as a fresh process's first action.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from dataclasses import fields as dc_fields
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from sqlalchemy import BigInteger, Date, column, delete, func, insert, or_, select, table, type_coerce, update
from sqlalchemy.orm import Session

from .. import audit, bulk, collector, scope, settings
from ..app import Ledger
from ..errors import LedgerError, NotFound, Problem, ValidationError
from ..models import (Appraisal, Certificate, Community, LevelChange, PayAdjustment, PayLine, PayRun,
                      PayStandardVersion, PostChange, Worker, YearOpening)
from ..models.base import Scaled
from ..money import format_yuan, from_fen, parse_amount
from ..paystandard import QUALIFICATIONS, PayStandard, default_standard
from ..progress import SILENT, Progress
from ..services.paystandards import standard_in_force, version_in_force
from ..values import parse_date
from .calc import CompiledStandard, Extras, PayError, WorkerFacts, YearToDate, explain, line_values, restore_line
from .columns import EMPLOYER_KEYS, KEYS, MONEY_KEYS, PayFigures, label

DRAFT, APPROVED = "草稿", "已审批"
ADD, DEDUCT = "补发", "扣款"

# Views of the tables without the amounts' conversion: amounts pass as the integer fen they are stored as, with
# no per-value work (pay_line's amounts typed as the BIGINT they are, which the bulk insert's arrays need).
# They serve the computation, which is street-wide bookkeeping; what a person reads goes through `_stored`.
_lines = table("pay_line", *(column(c.name, BigInteger() if isinstance(c.type, Scaled) else c.type)
                             for c in PayLine.__table__.columns))
_workers = table("worker", *(column(c) for c in (
    "id", "name", "id_number", "community_id", "post", "level", "dual_role", "qualification",
    "bank_account", "contribution_base", "special_deduction", "status")), column("started_on", Date))
_openings = table("year_opening", *(column(c) for c in (
    "worker_id", "year", "cum_gross", "cum_insurance", "cum_special", "cum_tax", "months")))
# Core views of the rest a run reads and writes (typed: dates and flags come back as Python values).
_runs = PayRun.__table__
_standards = PayStandardVersion.__table__
_communities = Community.__table__
_appraisals = Appraisal.__table__
_adjustments = table("pay_adjustment", *(column(c) for c in (
    "id", "month", "worker_id", "kind", "amount", "taxable", "reason")))


class PayrollError(LedgerError):
    """A refused pay-run action; the message names the month and says what to do first."""


@dataclass(frozen=True)
class NegativeLine:
    """A worker whose 实发 is below zero: the bank cannot pay it, and approval asks why it stands."""

    worker_id: int
    worker_name: str
    community: str
    net: Decimal

    def __str__(self) -> str:
        return f"{self.worker_name}（{self.community}）实发{format_yuan(self.net)}元"


class NegativePayError(PayrollError):
    """Approval refused until a reason is given: some 实发 are below zero (`lines` names them)."""

    def __init__(self, month: str, lines: Sequence[NegativeLine]):
        self.lines = tuple(lines)
        shown = "、".join(map(str, self.lines[:10])) + (f"等{len(self.lines)}人" if len(self.lines) > 10 else "")
        super().__init__(f"{month_label(month)}的工资表中有{len(self.lines)}人实发为负：{shown}。"
                         f"他们不列入银行代发清单；请核对其扣款，确需照此审批时须写明原因")


# --- months -----------------------------------------------------------------------------------------
def month_key(text: str | date) -> str:
    """'2026-03' from 2026-03, 2026-3, 2026.03, 2026年3月 or a date."""
    try:
        day = parse_date(text)
    except ValueError:
        raise PayrollError(f"“{text}”不是有效月份，请写作 2026-03") from None
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - (mon == 1):04d}-{(mon - 2) % 12 + 1:02d}"


def month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


# --- what the services return (money in Decimal yuan) ---------------------------------------------------
@dataclass(frozen=True)
class RunSummary:
    month: str
    status: str
    pays_bonus: bool
    workers: int
    gross: Decimal
    deduct: Decimal
    net: Decimal
    employer: Decimal
    standard_name: str | None
    computed_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None

    @property
    def approved(self) -> bool:
        return self.status == APPROVED


@dataclass(slots=True)
class LineRecord(PayFigures[Decimal]):
    """One stored line of a run, with the identity of who was paid."""

    id: int
    worker_id: int
    community: str
    worker_name: str
    id_number: str
    bank_account: str | None


# A stored line is selected as the record's fields, by name and in the record's order (money in fen).
_FIELDS = tuple(f.name for f in dc_fields(LineRecord))
_MONEY_AT = tuple(i for i, name in enumerate(_FIELDS) if name in MONEY_KEYS)


def _stored(name: str):
    """A pay_line column for reading, as stored (amounts in integer fen), through the mapped class so that the
    account's community limit applies (ledger.scope)."""
    attribute = getattr(PayLine, name)
    return type_coerce(attribute, BigInteger).label(name) if name in MONEY_KEYS else attribute


def _record(row: Sequence[Any]) -> LineRecord:
    """A stored line, selected as _FIELDS, as the record the services return (money in Decimal yuan)."""
    values = list(row)
    for i in _MONEY_AT:
        values[i] = from_fen(values[i])
    return LineRecord(*values)


@dataclass(frozen=True)
class AdjustmentRecord:
    id: int
    month: str
    worker_id: int
    worker_name: str
    community: str
    kind: str
    amount: Decimal
    taxable: bool
    reason: str
    created_by: str | None


@dataclass(frozen=True)
class Opening:
    """期初累计 of one worker for a year (money in Decimal yuan), identified by 身份证号 or 姓名."""

    id_number: str | None
    name: str | None
    cum_gross: Decimal
    cum_insurance: Decimal
    cum_special: Decimal
    cum_tax: Decimal
    months: int


# The year's cumulative figures a line carries, as Opening names them; the sheet's headers are their labels.
OPENING_AMOUNTS = ("cum_gross", "cum_insurance", "cum_special", "cum_tax")
OPENING_HEADERS = ("姓名", "身份证号", *map(label, OPENING_AMOUNTS), label("months_employed"))


# --- the service -----------------------------------------------------------------------------------------
class Payroll:
    """The pay-run service: the same calls serve the 工资 page and `python main.py payroll …`."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    # reading ------------------------------------------------------------------------------------------
    def runs(self) -> list[RunSummary]:
        with self.ledger.reading("pay.read") as session:
            return [self._summary(session, run) for run in session.scalars(select(PayRun).order_by(PayRun.month))]

    def summary(self, month: str) -> RunSummary | None:
        month = month_key(month)
        with self.ledger.reading("pay.read") as session:
            run = session.scalar(select(PayRun).where(PayRun.month == month))
            return None if run is None else self._summary(session, run)

    def lines(self, month: str) -> list[LineRecord]:
        """The run's lines in sheet order (社区, then 岗位 and 等级); refuses a month not yet run."""
        month = month_key(month)
        with self.ledger.reading("pay.read") as session:
            run = self._run(session, month)
            rows = session.execute(select(*(_stored(name) for name in _FIELDS)).where(PayLine.run_id == run.id)
                                   .order_by(PayLine.id)).all()
        records = [_record(row) for row in rows]
        actor = self.ledger.actor
        if not actor.shows_personal:      # e.g. 领导: sees pay, not 身份证号 and 银行账号 in full
            records = [replace(r, id_number=actor.personal(r.id_number), bank_account=actor.personal(r.bank_account))
                       for r in records]
        return records

    def next_month_to_run(self) -> str | None:
        """The month the next run must be (None before the first run: any month may start)."""
        with self.ledger.reading("pay.read") as session:
            runs = dict(session.execute(select(PayRun.month, PayRun.status)).all())
        drafts = sorted(m for m, s in runs.items() if s == DRAFT)
        if drafts:
            return drafts[0]
        approved = sorted(m for m, s in runs.items() if s == APPROVED)
        return next_month(approved[-1]) if approved else None

    def standard_for(self, month: str) -> PayStandard:
        with self.ledger.reading("pay.read") as session:
            return standard_in_force(session, month_bounds(month_key(month))[1])

    # running ----------------------------------------------------------------------------------------------
    def run(self, month: str, pays_bonus: bool | None = None, progress: Progress = SILENT) -> RunSummary:
        """Create or recompute the month's draft from the current data; refused for an approved month."""
        month = month_key(month)
        with self.ledger.unit("pay.run") as session:
            run_id = self._compute(session, month, pays_bonus, progress)
            summary = self._summary(session, session.execute(select(_runs).where(_runs.c.id == run_id)).one(),
                                    street_wide=True)
            audit.record(session, "生成工资表", "工资表", run_id, month, [
                {"field": "人数", "old": None, "new": summary.workers},
                {"field": "实发合计", "old": None, "new": format_yuan(summary.net)}])
        return summary

    def negative_lines(self, month: str) -> list[NegativeLine]:
        """The month's lines whose 实发 is below zero, which approval asks a reason for."""
        month = month_key(month)
        with self.ledger.reading("pay.read") as session:
            return _negative(session, self._run(session, month).id)

    def approve(self, month: str, negative_reason: str | None = None) -> RunSummary:
        """Lock the month's draft: from now on its figures never change.

        A draft in which someone's 实发 is below zero (a 扣款 larger than the pay) is approved only with
        `negative_reason`, which goes into the audit trail with the workers concerned; without it the refusal
        (NegativePayError) names them.
        """
        month = month_key(month)
        reason = (negative_reason or "").strip()
        with self.ledger.unit("pay.run") as session:
            run = session.scalar(select(PayRun).where(PayRun.month == month).with_for_update())
            if run is None:
                raise PayrollError(f"{month_label(month)}还没有工资表，请先生成再审批")
            if run.status == APPROVED:
                raise PayrollError(f"{month_label(month)}的工资表已审批（{run.approved_at:%Y-%m-%d}），不能重复审批")
            if not session.scalar(select(func.count()).select_from(_lines).where(_lines.c.run_id == run.id)):
                raise PayrollError(f"{month_label(month)}的工资表没有任何人员，不能审批；请检查社区工作者台账后重新生成")
            previous = session.scalar(select(PayRun.status).where(PayRun.month == previous_month(month)))
            earlier = session.scalar(select(func.count()).select_from(PayRun).where(PayRun.month < month))
            if earlier and previous != APPROVED:
                raise PayrollError(f"请先审批{month_label(previous_month(month))}的工资表，再审批{month_label(month)}")
            negative = _negative(session, run.id)
            if negative and not reason:
                raise NegativePayError(month, negative)
            run.status = APPROVED
            run.approved_at = datetime.now()
            run.approved_by = self.ledger.actor.name
            session.flush()
            summary = self._summary(session, run)
            audit.record(session, "审批工资表", "工资表", run.id, month, [
                {"field": "状态", "old": DRAFT, "new": APPROVED},
                {"field": "人数", "old": None, "new": summary.workers},
                {"field": "应发合计", "old": None, "new": format_yuan(summary.gross)},
                {"field": "实发合计", "old": None, "new": format_yuan(summary.net)}]
                + ([{"field": "实发为负", "old": None, "new": "；".join(map(str, negative))},
                    {"field": "审批原因", "old": None, "new": reason[:200]}] if negative else []))
        return summary

    def discard(self, month: str) -> None:
        """Delete a draft (never an approved run)."""
        month = month_key(month)
        with self.ledger.unit("pay.run") as session:
            run = self._run(session, month)
            if run.status == APPROVED:
                raise PayrollError(f"{month_label(month)}的工资表已审批，不能删除")
            session.execute(delete(PayLine).where(PayLine.run_id == run.id))
            session.execute(delete(PayRun).where(PayRun.id == run.id))
            audit.record(session, "删除工资表草稿", "工资表", run.id, month)

    def explain(self, month: str, worker_id: int) -> str:
        """How each figure of a worker's line was reached (from the stored figures and the run's standard)."""
        month = month_key(month)
        with self.ledger.reading("pay.read") as session:
            run = self._run(session, month)
            row = session.execute(select(*(_stored(c.name) for c in PayLine.__table__.columns)).where(
                PayLine.run_id == run.id, PayLine.worker_id == worker_id)).mappings().first()
            if row is None:
                raise NotFound(f"{month_label(month)}的工资表中没有这名社区工作者")
            version = session.get(PayStandardVersion, run.standard_id) if run.standard_id else None
            standard = PayStandard.from_json(version.spec) if version else default_standard()
            grade = session.scalar(select(Appraisal.grade).where(Appraisal.worker_id == worker_id,
                                                                 Appraisal.year == int(month[:4])))
            notes = _extras(session, month, worker_id).get(worker_id, Extras()).notes
        if run.pays_bonus and grade is None:
            notes = ("无本年度考核结果，未发奖励性绩效",) + notes
        stored = PayFigures(**{key: row[key] for key in KEYS})
        line = restore_line(stored, worker_id, CompiledStandard(standard), grade if run.pays_bonus else None, notes)
        head = f"{row['worker_name']}（{row['community']}）{month_label(month)}，工资标准“{standard.name}”"
        return head + "\n" + explain(line)

    # adjustments ------------------------------------------------------------------------------------------
    def adjustments(self, month: str) -> list[AdjustmentRecord]:
        month = month_key(month)
        with self.ledger.reading("pay.read") as session:
            names = dict(session.execute(select(Community.id, Community.name)).all())
            rows = session.execute(select(PayAdjustment, Worker.name, Worker.community_id)
                                   .join(Worker, Worker.id == PayAdjustment.worker_id)
                                   .where(PayAdjustment.month == month).order_by(PayAdjustment.id)).all()
            return [AdjustmentRecord(a.id, a.month, a.worker_id, wname, names.get(cid, ""), a.kind, a.amount,
                                     a.taxable, a.reason, a.created_by) for a, wname, cid in rows]

    def add_adjustment(self, month: str, worker_id: int, kind: str, amount: Decimal | str, reason: str,
                       taxable: bool = True) -> int:
        """A 其他补发 or 其他扣款 line in a month not yet approved; a draft of that month is recomputed.

        `taxable` means: for 补发, the amount is taxable income; for 扣款, it is pay withheld (扣发) and so
        reduces taxable income — False for a deduction made from pay after tax (代扣).
        """
        month = month_key(month)
        kind = {"其他补发": ADD, "补发": ADD, "其他扣款": DEDUCT, "扣款": DEDUCT, "扣发": DEDUCT}.get(kind.strip(), kind)
        with self.ledger.unit("pay.write") as session:
            problems = []
            if kind not in (ADD, DEDUCT):
                problems.append(Problem("类别", "应为“其他补发”或“其他扣款”"))
            try:
                value = parse_amount(amount, settings.ceiling(session, settings.PAY_CEILING))
                if not value:
                    problems.append(Problem("金额", "应大于0"))
            except ValueError as exc:
                problems.append(Problem("金额", str(exc)))
            if not (reason or "").strip():
                problems.append(Problem("原因", "必填：请写明补发或扣款的原因"))
            if problems:
                raise ValidationError(problems)
            if scope.visible(session, Worker, worker_id) is None:
                raise NotFound(f"社区工作者不存在（编号 {worker_id}）")
            run = session.scalar(select(PayRun).where(PayRun.month == month))
            if run is not None and run.status == APPROVED:
                raise PayrollError(f"{month_label(month)}的工资表已审批，不能再改；请把这笔{kind}记在以后月份的工资表中")
            adjustment = PayAdjustment(month=month, worker_id=worker_id, kind=kind, amount=value,
                                       taxable=taxable, reason=reason.strip()[:200], created_at=datetime.now(),
                                       created_by=self.ledger.actor.name)
            session.add(adjustment)
            session.flush()
            if run is not None:
                self._recompute(session, month)
            return adjustment.id

    def remove_adjustment(self, adjustment_id: int) -> None:
        with self.ledger.unit("pay.write") as session:
            adjustment = scope.visible(session, PayAdjustment, adjustment_id)
            if adjustment is None:
                raise NotFound(f"补发/扣款记录不存在（编号 {adjustment_id}）")
            month = adjustment.month
            run = session.scalar(select(PayRun).where(PayRun.month == month))
            if run is not None and run.status == APPROVED:
                raise PayrollError(f"{month_label(month)}的工资表已审批，其中的补发/扣款不能删除")
            session.delete(adjustment)
            session.flush()
            if run is not None:
                self._recompute(session, month)

    # opening figures -----------------------------------------------------------------------------------------
    def openings(self, year: int) -> list[dict]:
        with self.ledger.reading("pay.read") as session:
            rows = session.execute(select(YearOpening, Worker.name, Worker.id_number)
                                   .join(Worker, Worker.id == YearOpening.worker_id)
                                   .where(YearOpening.year == year).order_by(Worker.id)).all()
            return [{"worker_id": o.worker_id, "姓名": name, "身份证号": number,
                     **{label(k): getattr(o, k) for k in OPENING_AMOUNTS}, label("months_employed"): o.months}
                    for o, name, number in rows]

    def set_openings(self, year: int, openings: list[Opening], first_row: int = 2) -> int:
        """Record (or replace) workers' opening figures for a year; refused once the year has an approved run."""
        with self.ledger.unit("pay.write") as session:
            approved = session.scalar(select(func.min(PayRun.month)).where(
                PayRun.status == APPROVED, PayRun.month.like(f"{year:04d}-%")))
            if approved:
                raise PayrollError(f"{year}年已有审批的工资表（{month_label(approved)}），期初累计已计入，不能再修改")
            first = session.scalar(select(func.min(PayRun.month)).where(PayRun.month.like(f"{year:04d}-%")))
            limit = int(first[5:7]) - 1 if first else 11
            ceiling = settings.ceiling(session, settings.PAY_CEILING)
            by_number = dict(session.execute(select(Worker.id_number, Worker.id)).all())
            by_name: dict[str, list[int]] = defaultdict(list)
            for wid, name in session.execute(select(Worker.id, Worker.name)):
                by_name[name].append(wid)
            problems, rows = [], {}
            for i, o in enumerate(openings):
                row = first_row + i
                wid = by_number.get((o.id_number or "").strip().upper()) if o.id_number else None
                if wid is None and o.id_number:
                    problems.append(Problem("身份证号", f"{o.id_number} 不在社区工作者台账中", row))
                    continue
                if wid is None:
                    ids = by_name.get((o.name or "").strip(), [])
                    if len(ids) != 1:
                        problems.append(Problem("姓名", f"“{o.name}”{'不在台账中' if not ids else '有重名'}，请填写身份证号", row))
                        continue
                    wid = ids[0]
                for key in OPENING_AMOUNTS:
                    try:
                        parse_amount(getattr(o, key), ceiling)
                    except ValueError as exc:
                        problems.append(Problem(label(key), str(exc), row))
                if not 0 <= o.months <= limit:
                    problems.append(Problem("任职月数", f"应在0–{limit}之间（截至首次在本系统发薪的上一个月），不能是{o.months}", row))
                if wid in rows:
                    problems.append(Problem("身份证号", "同一人出现了两次", row))
                rows[wid] = o
            if problems:
                raise ValidationError(problems)
            session.execute(delete(YearOpening).where(YearOpening.year == year, YearOpening.worker_id.in_(list(rows))))
            if rows:
                session.execute(insert(YearOpening), [
                    {"worker_id": wid, "year": year, "months": o.months, **{k: getattr(o, k) for k in OPENING_AMOUNTS}}
                    for wid, o in rows.items()])
            audit.record(session, audit.OPENING_IMPORT, "期初累计", None, str(year),
                         [{"field": "人数", "old": None, "new": len(rows)}])
            draft = session.scalar(select(PayRun.month).where(PayRun.status == DRAFT, PayRun.month.like(f"{year:04d}-%")))
            if draft:
                self._recompute(session, draft)
            return len(rows)

    # internals -----------------------------------------------------------------------------------------------
    def _run(self, session: Session, month: str) -> PayRun:
        run = session.scalar(select(PayRun).where(PayRun.month == month))
        if run is None:
            raise NotFound(f"{month_label(month)}还没有工资表，请先生成")
        return run

    def _recompute(self, session: Session, month: str) -> None:
        """The month's draft again after a 补发/扣款 or the opening figures changed: the whole street's, as
        bookkeeping of the change.

        An account limited to one 社区 may enter its community's 补发/扣款 but not run the street's pay; the draft
        still follows its entry (every other line is computed from unchanged data to the same figures)."""
        with scope.unlimited(session):
            self._compute(session, month, None, SILENT)

    def _summary(self, session: Session, run: Any, street_wide: bool = False) -> RunSummary:
        """The run's totals as the account sees it: a community-limited account, its community's lines.

        `street_wide` sums the stored lines without the limit, for the pay run itself (a street-wide action:
        access.STREET_WIDE), whose session then needs no ORM at all; `run` is a PayRun or a row of pay_run."""
        c = (lambda name: _lines.c[name]) if street_wide else _stored
        count, gross, deduct, net, er = session.execute(
            select(func.count(c("id")), func.coalesce(func.sum(c("gross")), 0),
                   func.coalesce(func.sum(c("deduct_total")), 0), func.coalesce(func.sum(c("net")), 0),
                   func.coalesce(func.sum(sum(c(key) for key in EMPLOYER_KEYS)), 0))
            .where(c("run_id") == run.id)).one()
        name = session.scalar(select(_standards.c.name).where(_standards.c.id == run.standard_id)) \
            if run.standard_id else None
        gross, deduct, net, er = (from_fen(int(total)) for total in (gross, deduct, net, er))
        return RunSummary(run.month, run.status, run.pays_bonus, int(count), gross, deduct, net, er, name,
                          run.computed_at, run.approved_at, run.approved_by)

    @staticmethod
    def _check_order(runs: dict[str, str], month: str) -> None:
        """Months are run in order: refused for an approved month, or one that is not the next to run."""
        if runs.get(month) == APPROVED:
            raise PayrollError(f"{month_label(month)}的工资表已审批，数字不能再改；更正请在以后月份的工资表中"
                               f"添加其他补发或其他扣款")
        approved = sorted(m for m, s in runs.items() if s == APPROVED)
        drafts = sorted(m for m, s in runs.items() if s == DRAFT and m != month)
        if not approved:
            if drafts:
                raise PayrollError(f"已有{month_label(drafts[0])}的工资表草稿：请先审批它，"
                                   f"或删除该草稿后再从{month_label(month)}开始")
            return
        last = approved[-1]
        if month < last:
            raise PayrollError(f"{month_label(month)}早于已审批的{month_label(last)}，不能再生成；"
                               f"更正请在{month_label(next_month(last))}的工资表中添加其他补发或其他扣款")
        expected = next_month(last)
        if month != expected:
            if runs.get(expected) == DRAFT:
                raise PayrollError(f"请先审批{month_label(expected)}的工资表，再生成{month_label(month)}的")
            raise PayrollError(f"上一个月{month_label(previous_month(month))}的工资表还没有生成："
                               f"请先生成并审批{month_label(expected)}的工资表")

    @collector.paused()
    def _compute(self, session: Session, month: str, pays_bonus: bool | None, progress: Progress) -> int:
        """Compute the month's draft and write its lines; returns the run's id.

        Street-wide bookkeeping (a pay run is refused to a limited account, and a limited account's 补发/扣款
        recomputes under scope.unlimited), so it reads and writes the tables through Core: no ORM object is
        loaded or flushed, which spares a fresh process the mappers' set-up and the catalog's imports."""
        progress.report(0, 4, "读取台账")
        runs = session.execute(select(_runs.c.id, _runs.c.month, _runs.c.status, _runs.c.pays_bonus)).all()
        self._check_order({r.month: r.status for r in runs}, month)
        first, last = month_bounds(month)
        year = first.year
        version = version_in_force(session, last)
        standard = PayStandard.from_json(version.spec) if version else default_standard()
        problems = standard.validate()
        if problems:
            raise PayrollError(f"工资标准“{standard.name}”有误，无法计算：" + "；".join(map(str, problems[:5])))
        std = CompiledStandard(standard)

        run = next((r for r in runs if r.month == month), None)
        bonus_run = next((r.month for r in runs if r.pays_bonus and r.month[:4] == month[:4] and r.month != month), None)
        if pays_bonus is None:
            pays_bonus = run.pays_bonus if run is not None else (first.month == standard.bonus_month and not bonus_run)
        if pays_bonus and bonus_run:
            raise PayrollError(f"{year}年的奖励性绩效已在{month_label(bonus_run)}的工资表中发放，不能重复发放")
        values = {"pays_bonus": bool(pays_bonus), "standard_id": version.id if version else None,
                  "computed_at": datetime.now()}
        if run is None:
            run_id = session.execute(insert(_runs).values(month=month, status=DRAFT, **values)).inserted_primary_key[0]
        else:
            run_id = run.id
            session.execute(update(_runs).where(_runs.c.id == run_id).values(**values))
        approved = [r.id for r in sorted(runs, key=attrgetter("month"))
                    if r.status == APPROVED and r.month[:4] == month[:4] and r.month < month]

        w = _workers.c
        workers = session.execute(
            select(w.id, w.name, w.id_number, w.community_id, w.post, w.level, w.dual_role, w.qualification,
                   w.bank_account, w.contribution_base, w.special_deduction)
            .where(w.status == "在岗", or_(w.started_on.is_(None), w.started_on <= last))
            .order_by(w.community_id, w.post, w.level.desc(), w.id)).all()
        extras = _extras(session, month)
        paid = {r.id for r in workers} if extras else set()
        stray = [wid for wid in extras if wid not in paid]
        if stray:
            names = "、".join(n for (n,) in session.execute(select(w.name).where(w.id.in_(stray[:5]))))
            raise PayrollError(f"{names} 在{month_label(month)}不发工资（不在岗或尚未参加社区工作），"
                               f"其名下的其他补发/扣款无法计入，请删除或改到发薪的月份")
        month_facts = _MonthFacts(
            communities=dict(session.execute(select(_communities.c.id, _communities.c.name)).all()),
            history=_history_after(session, last), qualifications=_qualifications(session, last),
            before=_year_to_date(session, year, approved), extras=extras,
            grades=dict(session.execute(select(_appraisals.c.worker_id, _appraisals.c.grade)
                                        .where(_appraisals.c.year == year)).all()) if pays_bonus else None)
        progress.report(1, 4, "计算")
        rows = _lines_of(run_id, std, workers, month_facts)
        progress.report(2, 4, "写入")
        if run is not None:
            session.execute(delete(_lines).where(_lines.c.run_id == run_id))
        bulk.insert_values(session, _lines, _INSERTED, rows)   # fen as computed: the columns store integer fen
        progress.report(3, 4, "完成")
        return run_id


@dataclass(frozen=True)
class _MonthFacts:
    """What a run reads besides the roster, by worker id (money in fen)."""

    communities: dict[int, str]
    history: tuple[dict[int, int], dict[int, int]]            # levels and posts as they were (_history_after)
    qualifications: dict[int, tuple[list[str], set[str]]]
    before: dict[int, YearToDate]
    extras: dict[int, Extras]
    grades: dict[int, str] | None                             # the year's grades, when the run pays 奖励性绩效


def _lines_of(run_id: int, std: CompiledStandard, workers: Sequence[Any], facts: _MonthFacts) -> list[tuple]:
    """The run's lines as tuples of the columns of _INSERTED."""
    rows = []
    levels, posts = facts.history
    quals, before, extras, grades, communities = (facts.qualifications, facts.before, facts.extras, facts.grades,
                                                  facts.communities)
    nothing_before, no_extras = YearToDate(), Extras()
    bonus = {grade: Extras(grade, True) for grade in set(grades.values())} if grades is not None else {}
    # kept lean: this loop runs once per worker, 10,000 times for a city
    for wid, name, number, cid, post, level, dual, roster_qual, account, base, special in workers:
        if levels:
            level = levels.get(wid, level)
        if posts:
            post = posts.get(wid, post)
        qual = _highest(roster_qual, quals[wid]) if wid in quals else _ROSTER.get(roster_qual)
        extra = extras.get(wid)
        if grades is not None:
            grade = grades.get(wid)
            extra = bonus.get(grade) if extra is None else replace(extra, appraisal=grade, pays_bonus=True)
        worker = WorkerFacts(wid, post, level, bool(dual), qual, base, special or 0)
        community = communities.get(cid, "")
        try:
            values = line_values(std, worker, before.get(wid, nothing_before), extra or no_extras)
        except PayError as exc:
            raise PayrollError(f"{name}（{community}）：{exc}") from None
        rows.append((run_id, wid, community, name, number, account) + values)
    return rows


def _negative(session: Session, run_id: int) -> list[NegativeLine]:
    c = _lines.c
    return [NegativeLine(wid, name, community, from_fen(net)) for wid, name, community, net in session.execute(
        select(c.worker_id, c.worker_name, c.community, c.net).where(c.run_id == run_id, c.net < 0).order_by(c.id))]


# A written line: who was paid, then every figure of the declaration in its order (calc.line_values).
_INSERTED = ("run_id", "worker_id", "community", "worker_name", "id_number", "bank_account", *KEYS)


def _history_after(session: Session, last: date) -> tuple[dict[int, int], dict[int, int]]:
    """Levels and posts as they were in the month, for workers with a change taking effect after it."""
    levels: dict[int, int] = {}
    c = LevelChange.__table__.c
    for wid, old in session.execute(select(c.worker_id, c.old_level).where(c.effective_on > last)
                                    .order_by(c.effective_on.desc(), c.id.desc())):
        if old is not None:
            levels[wid] = old   # the earliest later change wins: it is the last one written here
    posts: dict[int, int] = {}
    c = PostChange.__table__.c
    for wid, old in session.execute(select(c.worker_id, c.old_post).where(c.effective_on > last)
                                    .order_by(c.effective_on.desc(), c.id.desc())):
        if old is not None:
            posts[wid] = old
    return levels, posts


def _qualifications(session: Session, last: date) -> dict[int, tuple[list[str], set[str]]]:
    """Per worker: qualifications held by the month's end, and those whose certificate is dated later."""
    out: dict[int, tuple[list[str], set[str]]] = {}
    c = Certificate.__table__.c
    held_then = or_(c.obtained_on.is_(None), c.obtained_on <= last)   # compared in SQL: no dates parsed here
    for wid, name, held in session.execute(select(c.worker_id, c.name, held_then).where(c.kind == "职业资格")).all():
        entry = out.get(wid)
        if entry is None:
            entry = out[wid] = ([], set())
        if held:
            entry[0].append(name)
        else:
            entry[1].add(name)
    return out


_RANK = {name: i for i, name in enumerate(QUALIFICATIONS)}
_ROSTER = {name: name for name in QUALIFICATIONS if name != "无"}   # a roster value that is a qualification


def _highest(roster: str | None, certificates: tuple[list[str], set[str]] | None) -> str | None:
    """The highest qualification held: the certificates held by then, and the roster's value unless its
    certificate is dated later."""
    candidates = []
    if certificates is not None:
        held, later = certificates
        candidates.extend(held)
        if roster and roster not in later:
            candidates.append(roster)
    elif roster:
        candidates.append(roster)
    best = None
    for name in candidates:
        if name in _ROSTER and (best is None or _RANK[name] > _RANK[best]):
            best = name
    return best


def _year_to_date(session: Session, year: int, runs: list[int]) -> dict[int, YearToDate]:
    """Each worker's cumulative figures before the month: the latest line of the year's approved runs before it
    (`runs`, in month order), else the opening."""
    out: dict[int, YearToDate] = {}
    o = _openings.c
    for wid, g, ins, sp, tax, months in session.execute(select(
            o.worker_id, o.cum_gross, o.cum_insurance, o.cum_special, o.cum_tax, o.months).where(o.year == year)):
        out[wid] = YearToDate(gross=g, insurance=ins, special=sp, tax=tax, months=months)
    if not runs:
        return out
    c = _lines.c
    cumulative = (c.worker_id, c.cum_gross, c.cum_insurance, c.cum_special, c.cum_tax, c.months_employed)
    if len(runs) > 1:
        # Workers missing from the latest run (a gap in their months) take their last earlier line.
        order = {rid: i for i, rid in enumerate(runs)}
        earlier = session.execute(select(c.run_id, *cumulative).where(
            c.run_id.in_(runs[:-1]), c.worker_id.not_in(select(c.worker_id).where(c.run_id == runs[-1])))).all()
        for _rid, wid, g, ins, sp, tax, months in sorted(earlier, key=lambda r: order[r[0]]):
            out[wid] = YearToDate(gross=g, insurance=ins, special=sp, tax=tax, months=months)
    for wid, g, ins, sp, tax, months in session.execute(select(*cumulative).where(c.run_id == runs[-1])):
        out[wid] = YearToDate(gross=g, insurance=ins, special=sp, tax=tax, months=months)
    return out


def _extras(session: Session, month: str, worker_id: int | None = None) -> dict[int, Extras]:
    """The month's manual lines per worker (fen), with their reasons for the explanation."""
    sums: dict[int, dict[str, Any]] = {}
    a = _adjustments.c
    query = select(a.worker_id, a.kind, a.amount, a.taxable, a.reason).where(a.month == month).order_by(a.id)
    if worker_id is not None:
        query = query.where(a.worker_id == worker_id)
    for wid, kind, amount, taxable, reason in session.execute(query):
        s = sums.setdefault(wid, {"other_add": 0, "other_add_untaxed": 0, "other_deduct": 0,
                                  "other_deduct_pretax": 0, "notes": []})
        text = format_yuan(from_fen(amount))
        if kind == ADD:
            s["other_add"] += amount
            if not taxable:
                s["other_add_untaxed"] += amount
            s["notes"].append(f"其他补发 {text}（{reason}{'，不计税' if not taxable else ''}）")
        else:
            s["other_deduct"] += amount
            if taxable:
                s["other_deduct_pretax"] += amount
            s["notes"].append(f"其他扣款 {text}（{reason}{'，税前扣发' if taxable else '，税后扣款'}）")
    return {wid: Extras(**{**s, "notes": tuple(s["notes"])}) for wid, s in sums.items()}
