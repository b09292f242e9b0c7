"""Reads shared by the parts of one refresh: inside `sharing(session)`, a read asked for twice is made once.

The 首页 shows the figures, the warnings and the charts from one transaction; the services each of them calls
read the same 社区, settings, 党组织, 网格, 阵地 and 经费 rows. Outside `sharing` every read goes to the database,
so that a session that writes never sees a remembered row.

The cards count to today and the charts to the quarter's last day: a read cut at a day (workers started by it,
funds to it, cases found by it …) is then made once for both days (`shared_by_day`), one statement whose columns
count each day's rows (`count_if`), instead of once per day.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, case, func
from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "shared_reads"
_DAYS = "shared_days"


@contextmanager
def sharing(session: Session, days: Iterable[date] = ()) -> Iterator[Session]:
    """Remember the shared reads made inside the block (a read-only session's: nothing changes under it); a read
    cut at one of `days` is made for all of them at once."""
    session.info[_KEY] = {}
    session.info[_DAYS] = tuple(sorted(set(days)))
    try:
        yield session
    finally:
        session.info.pop(_KEY, None)
        session.info.pop(_DAYS, None)


def shared(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, made once per `sharing` block for the same key."""
    memo: dict[Hashable, Any] | None = session.info.get(_KEY)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def shared_by_day(session: Session, key: Hashable, on: date,
                  read: Callable[[tuple[date, ...]], Mapping[date, T]]) -> T:
    """`read(days)[on]`: a read cut at a day, made once per `sharing` block for every day the block counts at
    (`on` among them), or for `on` alone. `read` gives each day's result."""
    memo: dict[Hashable, Any] | None = session.info.get(_KEY)
    if memo is None:
        return read((on,))[on]
    if (key, on) not in memo:
        days = session.info[_DAYS] if on in session.info[_DAYS] else (on,)
        for day, value in read(days).items():
            memo[(key, day)] = value
    return memo[(key, on)]


def count_if(condition: ColumnElement[bool], value: Any = 1) -> ColumnElement:
    """The sum of `value` over the rows meeting `condition` (their count by default): one column per day of a
    read cut at several days, in SQL that SQLite and PostgreSQL both run."""
    return func.sum(case((condition, value), else_=0))


def split_by_day(rows: Iterable[Any], days: tuple[date, ...], keys: int = 1) -> dict[date, list[tuple]]:
    """The rows of a read cut at several days — `keys` columns, then the same columns for each day in turn, the
    day's count of rows first — as each day's rows (keys, then that day's columns), without the groups that day
    counts no row of (as a read cut at that day alone would have no such group)."""
    out: dict[date, list[tuple]] = {day: [] for day in days}
    for row in rows:
        row = tuple(row)
        width = (len(row) - keys) // len(days)
        for i, day in enumerate(days):
            values = row[keys + i * width:keys + (i + 1) * width]
            if values[0]:
                out[day].append(row[:keys] + values)
    return out
