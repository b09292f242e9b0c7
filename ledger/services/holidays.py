"""节假日安排: the calendar the 办理时限 of 民生诉求 count working days over, read and edited per year.

An administrator enters each year's arrangement as the State Council publishes it (a day off, or a weekend day
worked), or a local change; every change is in the audit trail (节假日安排).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..app import Ledger
from ..errors import ValidationError
from ..models import CalendarDay
from ..values import check_date_range, normalize, parse_date
from ..workdays import HOLIDAY, KINDS, WORKDAY, WorkCalendar
from .facts import facts_for

_KIND_WORDS = {"放假": HOLIDAY, "休": HOLIDAY, "休息": HOLIDAY, "节假日": HOLIDAY, "上班": WORKDAY, "班": WORKDAY,
               "调休上班": WORKDAY, "工作日": WORKDAY}


@dataclass(frozen=True)
class Day:
    day: date
    kind: str        # 放假 / 上班
    name: str        # the holiday it belongs to (春节), or blank

    @property
    def weekday(self) -> str:
        return "一二三四五六日"[self.day.weekday()]


def calendar_of(session: Session) -> WorkCalendar:
    """The stored calendar (a few dozen days a year), read once per action or import."""
    def read() -> WorkCalendar:
        return WorkCalendar(dict(session.execute(select(CalendarDay.day, CalendarDay.kind)).all()))
    return facts_for(session).memo("work_calendar", read)


def work_calendar(ledger: Ledger) -> WorkCalendar:
    with ledger.reading() as session:
        return calendar_of(session)


def days_of(ledger: Ledger, year: int) -> list[Day]:
    """The year's days off and weekend days worked, in date order."""
    with ledger.reading() as session:
        rows = session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)
                               .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
                               .order_by(CalendarDay.day)).all()
    return [Day(d, k, n or "") for d, k, n in rows]


def years_entered(ledger: Ledger) -> list[int]:
    with ledger.reading() as session:
        return sorted({d.year for d in session.scalars(select(CalendarDay.day))})


def parse_day(text: object) -> date:
    try:
        return check_date_range(parse_date(text), date(2000, 1, 1), 36)
    except ValueError as exc:
        raise ValidationError.single("日期", str(exc)) from None


def parse_kind(text: object) -> str:
    kind = _KIND_WORDS.get(normalize(text))
    if kind is None:
        raise ValidationError.single("安排", f"应为{'或'.join(KINDS)}")
    return kind


def set_day(ledger: Ledger, day: object, kind: object, name: object = None) -> Day:
    """Enter or change one day: 放假 (a holiday, or a day of the 调休) or 上班 (a weekend day worked)."""
    parsed, chosen = parse_day(day), parse_kind(kind)
    label = normalize(name) if name else ""
    if len(label) > 32:
        raise ValidationError.single("节日", "不能超过32个字")
    if chosen == WORKDAY and parsed.weekday() < 5:
        raise ValidationError.single("安排", f"{parsed:%Y-%m-%d}是工作日（星期{'一二三四五'[parsed.weekday()]}），"
                                           "不必登记为上班；调休上班只用于周六、周日")
    with ledger.unit("settings.write") as session:
        stored = session.get(CalendarDay, parsed) or CalendarDay(day=parsed)
        stored.kind, stored.name = chosen, label or None
        session.add(stored)
    return Day(parsed, chosen, label)


def clear_day(ledger: Ledger, day: object) -> bool:
    """Make a day again what its weekday says; False when it was not entered."""
    parsed = parse_day(day)
    with ledger.unit("settings.write") as session:
        stored = session.get(CalendarDay, parsed)
        if stored is None:
            return False
        session.delete(stored)
    return True


def clear_year(ledger: Ledger, year: int) -> int:
    """Remove a year's entries (to enter them again from a new notice); returns how many were removed."""
    with ledger.unit("settings.write") as session:
        days = session.scalars(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                          CalendarDay.day <= date(year, 12, 31))).all()
        for stored in days:
            session.delete(stored)   # one by one: each removal is in the audit trail
        return len(days)


__all__ = ["Day", "calendar_of", "work_calendar", "days_of", "years_entered", "set_day", "clear_day", "clear_year"]
