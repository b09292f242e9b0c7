"""年度考核 for many workers at once, and what a month that pays the 奖励性绩效 lacks without them.

The 奖励性绩效 follows the year's appraisal; a worker without one is paid 0. `bonus_gaps` says so for a month's run
("有1482人未录入2026年度考核，奖励性绩效为0"), and whether grades entered after the run still wait for it to be
computed again. `record_appraisals` enters a year's grades for many workers in one transaction, all or nothing,
each row checked as a single 年度考核 line is and a refused one named.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select

from ..app import Ledger
from ..errors import Problem, ValidationError
from ..models import Appraisal, Community, PayLine, PayRun, Worker
from ..paystandard import APPRAISAL_GRADES
from ..record_names import named
from ..services.paystandards import standard_in_force
from .runs import month_bounds, month_label


@dataclass(frozen=True)
class AppraisalRow:
    """A worker on the sheet of a year's appraisals."""

    worker_id: int
    community: str
    name: str
    post: str
    grade: str | None          # None: not entered yet
    note: str | None


@dataclass(frozen=True)
class BonusGaps:
    """What a run paying the 奖励性绩效 lacks: workers without the year's appraisal, and grades not yet computed."""

    month: str
    year: int
    missing: int               # paid 0 for want of an appraisal
    waiting: int               # appraised since the run was computed: 0 until it is computed again

    def warning(self) -> str:
        parts = []
        if self.missing:
            parts.append(f"有{self.missing}人未录入{self.year}年度考核，奖励性绩效为0")
        if self.waiting:
            parts.append(f"{self.waiting}人的{self.year}年度考核在本表计算后才录入，重新计算{month_label(self.month)}"
                         f"工资表后才计入奖励性绩效")
        return "；".join(parts)


def bonus_gaps(ledger: Ledger, month: str) -> BonusGaps | None:
    """For a month whose run pays the 奖励性绩效: who lacks the year's appraisal; None when nothing lacks."""
    year = int(month[:4])
    with ledger.reading("pay.read") as session:
        run = session.scalar(select(PayRun).where(PayRun.month == month))
        if run is None or not run.pays_bonus:
            return None
        appraised = and_(Appraisal.worker_id == PayLine.worker_id, Appraisal.year == year)
        missing = session.scalar(select(func.count()).select_from(PayLine)
                                 .where(PayLine.run_id == run.id, ~exists().where(appraised))) or 0
        paying = [grade for grade, amount in standard_in_force(session, month_bounds(month)[1]).appraisal_bonus.items()
                  if amount > 0]
        waiting = session.scalar(select(func.count()).select_from(PayLine).join(Appraisal, appraised)
                                 .where(PayLine.run_id == run.id, PayLine.bonus == 0, Appraisal.grade.in_(paying))) or 0
    if not missing and not waiting:
        return None
    return BonusGaps(month, year, missing, waiting)


def appraisal_sheet(ledger: Ledger, year: int, month: str | None = None) -> list[AppraisalRow]:
    """The workers whose year to appraise, in the pay sheet's order: those paid in `month`'s run when it has one,
    else those in post at the year's end (or today); with the grade entered so far."""
    with ledger.reading() as session:
        workers = select(Worker.id)
        run_id = session.scalar(select(PayRun.id).where(PayRun.month == month)) if month else None
        if run_id is not None:
            workers = select(PayLine.worker_id).where(PayLine.run_id == run_id)
        else:
            last = min(date(year, 12, 31), date.today())
            workers = workers.where(Worker.status == "在岗", (Worker.started_on.is_(None)) | (Worker.started_on <= last))
        rows = session.execute(
            select(Worker.id, Community.name, Worker.name, Worker.post, Appraisal.grade, Appraisal.note)
            .join(Community, Community.id == Worker.community_id)
            .outerjoin(Appraisal, and_(Appraisal.worker_id == Worker.id, Appraisal.year == year))
            .where(Worker.id.in_(workers))
            .order_by(Worker.community_id, Worker.post, Worker.level.desc(), Worker.id)).all()   # the pay sheet's order
        posts = {p.code: p.name for p in standard_in_force(session, date(year, 12, 31)).posts}
    return [AppraisalRow(wid, community, name, posts.get(post, ""), grade, note)
            for wid, community, name, post, grade, note in rows]


def record_appraisals(ledger: Ledger, year: int, grades: Mapping[int, str],
                      notes: Mapping[int, str | None] | None = None) -> int:
    """Enter (or change) the year's grade of many workers; all or nothing. Returns how many were written.

    A grade that is not one of 优秀/合格/基本合格/不合格, or a worker who is gone or outside the account's community,
    refuses the whole batch with each such row named.
    """
    notes = notes or {}
    if not 1990 <= year <= 2100:
        raise ValidationError.single("年度", "不是有效年份")
    with ledger.unit("ledger.write") as session:
        wanted = list(grades)
        found = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(wanted)))} if wanted else {}
        names = dict(session.execute(select(Community.id, Community.name)).all())
        stored = {a.worker_id: a for a in session.scalars(
            select(Appraisal).where(Appraisal.year == year, Appraisal.worker_id.in_(wanted)))} if wanted else {}
        problems = []
        for worker_id, grade in grades.items():
            worker = found.get(worker_id)
            if worker is None:
                problems.append(Problem("", f"编号{worker_id}的社区工作者不存在或不在您的账号范围内"))
            elif (grade or "").strip() not in APPRAISAL_GRADES:
                who = named(worker.name, names.get(worker.community_id), person=True)
                problems.append(Problem("", f"{who}：考核结果“{grade or ''}”应为{'/'.join(APPRAISAL_GRADES)}"))
        if problems:
            raise ValidationError(problems)
        written = 0
        for worker_id, grade in grades.items():
            grade = grade.strip()
            note = notes.get(worker_id)
            line = stored.get(worker_id)
            if line is None:
                session.add(Appraisal(worker_id=worker_id, year=year, grade=grade, note=note or None))
                written += 1
            elif line.grade != grade or (worker_id in notes and (line.note or None) != (note or None)):
                line.grade = grade
                if worker_id in notes:
                    line.note = note or None
                written += 1
        return written
