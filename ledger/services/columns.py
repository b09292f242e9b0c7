"""A statement's rows read from the database cursor itself, column by column.

A listing of 100,000 经费 entries spent most of its read in the layers between the cursor and the records: the
ORM's loading (a getter per column, per row), a Row per row, and the conversion of every date and amount one
value at a time although a ledger's dates repeat (650 days for 100,000 entries). Here the statement still goes
through the session, so the account's community limit is in its SQL; its rows are then fetched from the DBAPI
cursor, turned into one list per column, and each column converted as SQLAlchemy's own result processor for its
type converts it (an exact amount, a date from SQLite's text), once per distinct value where values repeat.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

_REPEATED = 50   # a column of more rows than this is converted once per distinct value when half or fewer differ


class _Absent:
    """The value of a key a row does not have (a worker without doubts): left out of its record, unlike None."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@dataclass
class Columns:
    """Rows as columns: `values[i]` holds the value of `keys[i]` for every row, row by row; a key in `sparse` is
    missing from some rows (ABSENT there)."""

    keys: tuple[str, ...]
    values: list[list[Any]]
    sparse: frozenset[str] = frozenset()

    @classmethod
    def of(cls, records: list[dict[str, Any]]) -> Columns:
        """Records as columns: the keys in the first record's order, then the others'."""
        keys = list(records[0]) if records else []
        keys += sorted(set().union(*records).difference(keys))
        values, sparse = [], set()
        for key in keys:
            try:
                values.append(list(map(itemgetter(key), records)))
            except KeyError:
                sparse.add(key)
                values.append([r.get(key, ABSENT) for r in records])
        return cls(tuple(keys), values, frozenset(sparse))

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    def __getitem__(self, key: str) -> list[Any]:
        return self.values[self.keys.index(key)]

    def get(self, key: str) -> list[Any]:
        """A key's values, None for every row when no row has the key."""
        return self[key] if key in self.keys else [None] * len(self)

    def put(self, key: str, values: list[Any], sparse: bool = False) -> None:
        """Set a key's values (a new key goes last); `sparse`: ABSENT marks the rows without it."""
        if key in self.keys:
            self.values[self.keys.index(key)] = values
        else:
            self.keys += (key,)
            self.values.append(values)
        if sparse:
            self.sparse |= {key}

    def records(self) -> list[dict[str, Any]]:
        keys = self.keys
        if not self.sparse:
            return [dict(zip(keys, row)) for row in zip(*self.values)]
        return [{k: v for k, v in zip(keys, row) if v is not ABSENT} for row in zip(*self.values)]


def column_batches(session: Session, stmt, size: int | None = None) -> Iterator[Columns]:
    """The statement's rows `size` at a time (all at once without a size), as Columns.

    The cursor is read after the statement was executed without streaming, so that no row has been taken from it
    by SQLAlchemy yet: SQLite's cursor hands its rows out as they are fetched anyway, a PostgreSQL cursor holds
    them on the client (a server-side cursor is fetched ahead of the caller by SQLAlchemy)."""
    result = session.execute(stmt)
    keys = tuple(result.keys())
    raw = getattr(result, "raw", None)
    converters = _converters(session, stmt, raw, keys)
    if converters is None:   # rows that are not the statement's columns (an entity): the ORM's rows
        rows = result.all()
        yield Columns(keys, [list(column) for column in zip(*rows)] if rows else [[] for _ in keys])
        return
    cursor = raw.cursor
    try:
        while True:
            rows = cursor.fetchmany(size) if size else cursor.fetchall()
            if rows:
                yield Columns(keys, [_converted(column, convert) for column, convert in zip(zip(*rows), converters)])
            if not rows or not size or len(rows) < size:
                break
    finally:
        result.close()


def plain_rows(session: Session, stmt) -> Iterator[dict[str, Any]]:
    """The statement's rows as plain dicts (the column names looked up once per query, not once per value)."""
    for columns in column_batches(session, stmt):
        yield from columns.records()


def _converters(session: Session, stmt, raw, keys: tuple[str, ...]) -> list[Callable | None] | None:
    """Per cursor column, SQLAlchemy's result processor for the selected column's type (None: as the driver gives
    it); None when the cursor's columns are not the statement's own (an ORM entity's)."""
    selected = getattr(stmt, "selected_columns", None)
    if raw is None or getattr(raw, "cursor", None) is None or selected is None or \
            len(raw.keys()) != len(keys) or len(selected) != len(keys):
        return None
    dialect = session.get_bind().dialect
    return [column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            for column, described in zip(selected, raw.cursor.description)]


def _converted(values: tuple, convert: Callable | None) -> list:
    if convert is None:
        return list(values)
    if len(values) > _REPEATED:
        try:
            distinct = set(values)
        except TypeError:   # a value that cannot be looked up (an array): converted one by one
            distinct = None
        if distinct is not None and len(distinct) * 2 <= len(values):
            once = {value: convert(value) for value in distinct}
            return list(map(once.__getitem__, values))
    return list(map(convert, values))
