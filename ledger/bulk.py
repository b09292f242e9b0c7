"""Bulk inserts at driver speed on every backend, for demo loads, imports and pay runs.

SQLAlchemy builds and processes parameters per row, which costs more than the insert itself for
100,000 rows; here each column's conversion is decided once (Scaled → integer hundredths) and plain
tuples go to the driver's executemany. Runs inside the caller's session, so it shares its transaction.

On PostgreSQL the rows go as one statement per chunk, a column each as an array (`INSERT … SELECT * FROM
unnest(…)`): executemany is one statement per row there, and for a person's own login role each statement
evaluates the table's row-level security afresh, which doubled the time of a city's pay run.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter

from sqlalchemy import Table
from sqlalchemy.orm import Session

from .models.base import Scaled

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": None, "named": None}


def _converter(column) -> Callable[[object], object] | None:
    if isinstance(column.type, Scaled):
        return partial(column.type.process_bind_param, dialect=None)
    return None


def insert_rows(session: Session, model_or_table, rows: Sequence[dict], chunk: int = 20_000) -> int:
    """Insert dict rows (all with the same keys) in the session's transaction; returns the count."""
    if not rows:
        return 0
    keys = tuple(rows[0])
    values = itemgetter(*keys) if len(keys) > 1 else lambda r: (r[keys[0]],)
    return insert_values(session, model_or_table, keys, list(map(values, rows)), chunk)


def insert_values(session: Session, model_or_table, keys: Sequence[str], rows: Sequence[tuple],
                  chunk: int = 20_000) -> int:
    """Insert rows given as tuples of the values of the columns named by `keys`, in that order."""
    if not rows:
        return 0
    table: Table = getattr(model_or_table, "__table__", model_or_table)
    columns = [table.c[k] for k in keys]
    connection = session.connection()
    mark = _PLACEHOLDER.get(connection.dialect.paramstyle)
    if mark is None:  # an unusual driver: let SQLAlchemy do it
        session.execute(table.insert(), [dict(zip(keys, row)) for row in rows])
        return len(rows)
    preparer = connection.dialect.identifier_preparer
    into = f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.format_column(c) for c in columns)})"
    arrays = _array_types(columns, connection.dialect) if connection.dialect.name == "postgresql" else None
    if arrays is not None:
        sql = f"{into} SELECT * FROM unnest({', '.join(f'{mark}::{kind}[]' for kind in arrays)})"
    else:
        sql = f"{into} VALUES ({', '.join([mark] * len(columns))})"
    converted = [(at, conv) for at, conv in enumerate(map(_converter, columns)) if conv is not None]
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        if converted:   # column by column: an amount per row, not a step per value of every row
            values = list(zip(*part))
            for at, conv in converted:
                values[at] = tuple(map(conv, values[at]))
            part = list(zip(*values))
        if arrays is not None:
            connection.exec_driver_sql(sql, tuple(map(list, zip(*part))))
        else:
            connection.exec_driver_sql(sql, part)
    return len(rows)


# Column types that travel as an array of their own kind. Lengths and precisions are left off the arrays' types:
# the insert's assignment to the column then refuses an over-long value as a plain insert does (an explicit
# cast to VARCHAR(n) would cut it short without a word).
_ARRAYS = {"SMALLINT", "INTEGER", "BIGINT", "VARCHAR", "TEXT", "DATE", "TIMESTAMP WITHOUT TIME ZONE",
           "TIMESTAMP WITH TIME ZONE", "BOOLEAN", "NUMERIC", "FLOAT", "DOUBLE PRECISION", "REAL"}


def _array_types(columns, dialect) -> list[str] | None:
    """The SQL type of each column without length or precision; None when one is of another kind (JSON, an
    enum…), whose rows then go by executemany."""
    kinds = [re.sub(r"\(.*?\)", "", c.type.compile(dialect=dialect)).strip() for c in columns]
    return kinds if all(kind in _ARRAYS for kind in kinds) else None


