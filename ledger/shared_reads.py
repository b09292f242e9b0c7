"""Reads shared by the parts of one refresh: inside `sharing(session)`, a read asked for twice is made once.

The 首页 shows the figures, the warnings and the charts from one transaction; the services each of them calls
read the same 社区, settings, 党组织, 网格, 阵地 and 经费 rows. Outside `sharing` every read goes to the database,
so that a session that writes never sees a remembered row.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "shared_reads"


@contextmanager
def sharing(session: Session) -> Iterator[Session]:
    """Remember the shared reads made inside the block (a read-only session's: nothing changes under it)."""
    session.info[_KEY] = {}
    try:
        yield session
    finally:
        session.info.pop(_KEY, None)


def shared(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, made once per `sharing` block for the same key."""
    memo: dict[Hashable, Any] | None = session.info.get(_KEY)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
