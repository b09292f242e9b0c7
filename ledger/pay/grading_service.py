"""年度调级 and 定级 against the database: propose the year's changes, approve them into 调级记录."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..app import Ledger
from ..errors import ValidationError
from ..models import Appraisal, Certificate, Community, LevelChange, PayRun, Worker
from ..paystandard import PayStandard
from ..services.paystandards import standard_in_force
from .grading import GradingFacts, Proposal, StartingLevel, full_years, propose, starting_level
from .runs import APPROVED, PayrollError, month_bounds, month_key, month_label, next_month


def _prefix(year: int) -> str:
    return f"{year}年度调级："


class GradingService:
    """The same calls serve the 年度调级 window and `python main.py grading …`."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def starting_level(self, post: int | str, started_on: date | None, education: str | None,
                       qualification: str | None, on: date | None = None) -> StartingLevel:
        """定级 of a new worker by the standard in force (years counted to `on`, default today)."""
        on = on or date.today()
        with self.ledger.reading("ledger.read") as session:
            standard = standard_in_force(session, on)
        code = post if isinstance(post, int) else getattr(standard.post_by_name(str(post)), "code", None)
        if code is None or code not in {p.code for p in standard.posts}:
            raise ValidationError.single("岗位", f"“{post}”不是工资标准中的岗位")
        years = full_years(started_on, on) if started_on else 0
        return starting_level(standard, code, years, education, qualification)

    def propose(self, year: int) -> list[Proposal]:
        """The year's proposed level changes with the reason for each (nothing is written)."""
        with self.ledger.reading("pay.read") as session:
            standard = standard_in_force(session, date(year, 12, 31))
            return propose(standard, _facts(session, year), year)

    def approve(self, year: int, effective_month: str, worker_ids: list[int] | None = None) -> int:
        """Write 调级记录 and the new levels, effective from the first day of `effective_month`.

        The proposals are worked out again inside the transaction, so what is approved is what the rules say
        now; `worker_ids` limits the approval to some rows (None: every approvable row). Returns how many.
        """
        month = month_key(effective_month)
        with self.ledger.unit("pay.grading") as session:
            last_approved = session.scalar(select(PayRun.month).where(PayRun.status == APPROVED)
                                           .order_by(PayRun.month.desc()).limit(1))
            if last_approved and month <= last_approved:
                raise PayrollError(f"{month_label(month)}的工资表已审批，调级最早从{month_label(next_month(last_approved))}"
                                   f"起生效；已发月份的差额请用其他补发")
            standard: PayStandard = standard_in_force(session, date(year, 12, 31))
            chosen = None if worker_ids is None else set(worker_ids)
            proposals = [p for p in propose(standard, _facts(session, year), year)
                         if p.approvable and (chosen is None or p.worker_id in chosen)]
            effective = month_bounds(month)[0]
            approver = self.ledger.actor.name
            now = datetime.now()
            for p in proposals:
                session.add(LevelChange(worker_id=p.worker_id, old_level=p.old_level, new_level=p.new_level,
                                        reason=(_prefix(year) + p.reason)[:200], effective_on=effective,
                                        approver=approver, recorded_at=now))
                # through the ORM, so that each worker's new level is in the audit trail with the old one
                worker = session.get(Worker, p.worker_id)
                worker.level, worker.credited_bonus = p.new_level, p.new_bonus
            session.flush()
            audit.record(session, "审批年度调级", "调级记录", None, f"{year}年度", [
                {"field": "人数", "old": None, "new": len(proposals)},
                {"field": "生效月份", "old": None, "new": month}])
            return len(proposals)


def _facts(session: Session, year: int) -> list[GradingFacts]:
    names = dict(session.execute(select(Community.id, Community.name)).all())
    certificates: dict[int, list] = {}
    for wid, kind, name, obtained in session.execute(
            select(Certificate.worker_id, Certificate.kind, Certificate.name, Certificate.obtained_on)):
        certificates.setdefault(wid, []).append((kind, name, obtained))
    appraisals: dict[int, dict[int, str]] = {}
    for wid, yr, grade in session.execute(select(Appraisal.worker_id, Appraisal.year, Appraisal.grade)
                                          .where(Appraisal.year <= year)):
        appraisals.setdefault(wid, {})[yr] = grade
    graded = set(session.scalars(select(LevelChange.worker_id).where(LevelChange.reason.like(_prefix(year) + "%"))))
    rows = session.execute(select(Worker.id, Worker.name, Worker.community_id, Worker.post, Worker.level,
                                  Worker.started_on, Worker.credited_bonus, Worker.education, Worker.qualification)
                           .where(Worker.status == "在岗").order_by(Worker.community_id, Worker.post, Worker.id)).all()
    return [GradingFacts(r.id, r.name, names.get(r.community_id, ""), r.post, r.level, r.started_on,
                         r.credited_bonus or 0, r.education, r.qualification, tuple(certificates.get(r.id, ())),
                         appraisals.get(r.id, {}), r.id in graded) for r in rows]
