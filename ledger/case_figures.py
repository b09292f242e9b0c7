"""民生诉求's figures for the 季度统计汇总: 受理, 办结, 办结率, 按期办结率, 满意率 and 超期未结, per community.

As the summary's 经费 figures, they are year to date: for a quarter, `case_figures(session, quarter.last_day)`
covers 1 January to the quarter's last day (1—9月 for the third). Each case is taken as it stood at the end of
that day, from its recorded steps (ledger.case_flow.state_on) and the 办理期限 each step set when it was taken,
so a later step, a reopening after the day, or a later change of the holiday calendar does not change a past
quarter's figures. A street's figures are the sums of its communities' counts, and its rates are worked out
from those sums (never an average of rates).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from .case_flow import FAIRLY_SATISFIED, RATE, RESOLVE, SATISFIED, UNSATISFIED, Step, state_on
from .models import Case, CaseStep
from .money import round_half_up
from .shared_reads import shared_by_day

PERCENT = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in per cent to one decimal (half up), as 执行率; None when there is nothing to divide by."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / whole, PERCENT)


@dataclass(frozen=True)
class CaseFigures:
    """One community's (or a street's) 民生诉求 figures as of a day, the year to that day.

    - 受理 (accepted): cases whose 发现日期 falls between 1 January of the day's year and the day.
    - 办结 (resolved): of those, the ones with a 处置 standing at the end of the day (a case sent back by a
      first 不满意 is 办结 again only once it is handled again).
    - 按期办结 (resolved_in_time): of the 办结, the ones whose standing 办结日期 is on or before the 办理期限 in
      force (the 转办's; after a reopening, the new one).
    - 评价结案 (rated): of the 受理, the ones closed by a 评价 by the end of the day (满意, 基本满意, or a second
      不满意); a first 不满意, which sends the case back, is not a closing.
    - 满意 (satisfied): of the 评价结案, those closed 满意 or 基本满意.
    - 超期未结 (overdue_open): a stock, not a flow — every case registered by the day (in any year) that is not
      办结 at its end and whose 办理期限 lies before the day.
    - 办结率 = 办结 ÷ 受理; 按期办结率 = 按期办结 ÷ 办结; 满意率 = 满意 ÷ 评价结案: per cent to one decimal, half up,
      None (shown as —) when the divisor is nought.
    """

    accepted: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue_open: int = 0

    @property
    def resolved_rate(self) -> Decimal | None:
        return percent(self.resolved, self.accepted)

    @property
    def in_time_rate(self) -> Decimal | None:
        return percent(self.resolved_in_time, self.resolved)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return percent(self.satisfied, self.rated)

    def __add__(self, other: CaseFigures) -> CaseFigures:
        return CaseFigures(self.accepted + other.accepted, self.resolved + other.resolved,
                           self.resolved_in_time + other.resolved_in_time, self.rated + other.rated,
                           self.satisfied + other.satisfied, self.overdue_open + other.overdue_open)


def total(figures: Iterable[CaseFigures]) -> CaseFigures:
    """A street's figures: the sums of its communities' counts."""
    out = CaseFigures()
    for f in figures:
        out = out + f
    return out


def case_figures(session: Session, on: date, community_id: int | None = None) -> dict[int, CaseFigures]:
    """Each community's figures as of `on` (the year to `on`); communities without a case are left out.

    Reads through mapped attributes, so a community-limited account gets its own community only.
    """
    first = date(on.year, 1, 1)
    found = {c.id: (c.community_id, c.found_on) for c in case_rows(session, on)
             if community_id in (None, c.community_id)}
    steps = shared_by_day(session, ("case_steps", community_id), on,
                          lambda days: _replayed(session, days, community_id))
    counts: dict[int, list[int]] = {}
    for case_id, (community, found_on) in found.items():
        row = counts.setdefault(community, [0] * 6)
        if found_on < first and case_id not in steps:
            continue   # 办结 by the end of the day (or never given a 办理期限): not 超期
        state = state_on(found_on, steps.get(case_id, ()), on)
        if found_on >= first:
            row[0] += 1
            if state.resolved:
                row[1] += 1
                row[2] += state.resolved_in_time()
            if state.closed:
                row[3] += 1
                row[4] += state.rating in (SATISFIED, FAIRLY_SATISFIED)
        row[5] += state.overdue(on)
    return {community: CaseFigures(*row) for community, row in counts.items()}


def case_rows(session: Session, on: date) -> list[Any]:
    """The cases found by `on`: what the figures and the 超期 warnings need of each."""
    return shared_by_day(session, "cases", on, lambda days: _case_rows(session, days))


def _case_rows(session: Session, days: tuple[date, ...]) -> dict[date, list[Any]]:
    """The cases found by each day, read once: those found by the last day, each day keeping its own."""
    rows = list(session.execute(
        select(Case.id, Case.community_id, Case.found_on, Case.number, Case.category, Case.handler, Case.due_on,
               Case.supervised_on, Case.resolved_on).where(Case.found_on <= max(days))))
    return {day: [c for c in rows if c.found_on <= day] for day in days}


def _replayed(session: Session, days: tuple[date, ...],
              community_id: int | None) -> dict[date, dict[int, list[tuple[Step, date | None]]]]:
    """The steps to replay for the figures as of each day, read once for all of them.

    A case of an earlier year counts only in 超期未结: only those that may still be open at the end of a day are
    replayed for it. One read serves every day: the steps of the cases any day replays, taken by the last day;
    replaying a case a day would have spared, or a step after the day (state_on leaves it out), changes nothing.
    """
    cases = select(Case.id).where(Case.found_on <= max(days))
    if community_id is not None:
        cases = cases.where(Case.community_id == community_id)
    first = date(min(days).year, 1, 1)
    steps = _steps_by_case(session, cases.where(or_(Case.found_on >= first, *(_maybe_open(d) for d in days))),
                           max(days))
    return dict.fromkeys(days, steps)


def overdue_cases(session: Session, today: date, community_id: int | None = None) -> list[Any]:
    """The cases past their 办理期限 on `today` and not 办结, oldest deadline first (mapped reads: the limit applies).
    A 办理期限 falls after the day the case was found, so the cases found by today hold every one."""
    late = [c for c in case_rows(session, today) if c.resolved_on is None and c.due_on is not None
            and c.due_on < today and community_id in (None, c.community_id)]
    return sorted(late, key=lambda c: (c.due_on, c.id))


def _maybe_open(on: date) -> ColumnElement[bool]:
    """A case that may not be 办结 at the end of `on`: none of its 处置 taken by then stands unless a 不满意 came
    after it (only a reopening, a first 不满意, undoes a 处置: case_flow.changes). The cases left out are 办结 by
    their own steps, so this spares reading their steps, never changes a figure: those read are replayed."""
    handled, unsatisfied = aliased(CaseStep), aliased(CaseStep)
    sent_back = (select(unsatisfied.id)
                 .where(unsatisfied.case_id == handled.case_id, unsatisfied.kind == RATE,
                        unsatisfied.rating == UNSATISFIED, unsatisfied.done_on <= on,
                        or_(unsatisfied.done_on > handled.done_on,
                            and_(unsatisfied.done_on == handled.done_on, unsatisfied.id > handled.id))))
    standing = (select(handled.id)
                .where(handled.case_id == Case.id, handled.kind == RESOLVE, handled.done_on <= on,
                       ~sent_back.exists()))
    return ~standing.exists()


def _steps_by_case(session: Session, cases: Select, on: date) -> dict[int, list[tuple[Step, date | None]]]:
    """The steps taken by `on` of these cases, each case's in the order they were taken, with the 办理期限 each
    set."""
    stmt = (select(CaseStep.case_id, CaseStep.kind, CaseStep.done_on, CaseStep.handler, CaseStep.limit_days,
                   CaseStep.result, CaseStep.rating, CaseStep.due_on)
            .where(CaseStep.done_on <= on, CaseStep.case_id.in_(cases))
            .order_by(CaseStep.case_id, CaseStep.done_on, CaseStep.id))
    steps: dict[int, list[tuple[Step, date | None]]] = {}
    for case_id, kind, done_on, handler, limit_days, result, rating, due in session.execute(stmt):
        steps.setdefault(case_id, []).append((Step(kind, done_on, handler, limit_days, result, rating), due))
    return steps


__all__ = ["CaseFigures", "case_figures", "overdue_cases", "total", "percent"]
