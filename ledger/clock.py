"""The time reports are dated by: one seam, so that a reprint on another day can be tested by moving the clock.

Outputs (制表日期, 报出日期, a quarter's computing and closing time, a file's creation date) ask `now()` or
`today()` here rather than the datetime class; a test moves them with `frozen(...)`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current time to the second (reports and snapshots do not print fractions)."""
    return (_frozen or datetime.now()).replace(microsecond=0)


def today() -> date:
    return now().date()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Within the block, now() is `at` (for tests of what a report says on a given day)."""
    global _frozen
    before, _frozen = _frozen, at
    try:
        yield at
    finally:
        _frozen = before
