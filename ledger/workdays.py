"""Working days: Monday to Friday, except the holidays (放假), plus the weekend days made working days (调休上班).

The exceptions are data (the calendar_day table, editable per year; the State Council's notices for 2025 and
2026 are the default, see migration 0010_cases). A year with no entries counts weekends only, and
`WorkCalendar.missing_years` says so, so that a deadline in a year whose notice was not entered can be flagged.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

HOLIDAY, WORKDAY = "放假", "上班"
KINDS = (HOLIDAY, WORKDAY)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """The days that are not what their weekday says: day -> 放假 or 上班."""

    exceptions: Mapping[date, str] = field(default_factory=dict)

    def is_working(self, day: date) -> bool:
        kind = self.exceptions.get(day)
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (the day of `start` itself not counted): a 时限 of 1 working
        day given on a Friday ends on Monday, or on the first working day after a holiday."""
        if days < 1:
            raise ValueError("办理时限至少为1个工作日")
        day, left = start, days
        while left:
            day += _DAY
            if self.is_working(day):
                left -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
        count, day = 0, start
        while day < end:
            day += _DAY
            if self.is_working(day):
                count += 1
        return count

    def years(self) -> set[int]:
        return {day.year for day in self.exceptions}

    def missing_years(self, days: Iterable[date]) -> list[int]:
        """The years among `days` with no holidays entered (their deadlines count weekends only)."""
        known = self.years()
        return sorted({d.year for d in days} - known)


WEEKENDS_ONLY = WorkCalendar()
