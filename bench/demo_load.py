"""Loading the city-scale demo (10,000 workers, ~100,000 funding entries, the wider ledgers and the 民生诉求 with
their steps) vs raw sqlite3 inserting the same rows: every table the load fills, in foreign-key order."""
from __future__ import annotations

import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from ledger.app import Ledger
from ledger.db import open_database
from ledger.demo import load_demo
from ledger.models.base import Base
from ledger.services.street import init_street


def _ours(path: Path) -> float:
    ledger = Ledger.open(path)
    init_street(ledger, "基准街道")
    start = time.perf_counter()
    load_demo(ledger, "city", today=date(2026, 11, 23))
    elapsed = time.perf_counter() - start
    ledger.close()
    return elapsed


def _raw(source: Path, target: Path) -> float:
    """The same rows, read beforehand, inserted with executemany in one transaction (same pragmas)."""
    open_database(target).dispose()  # same schema, made untimed
    conn = sqlite3.connect(target, isolation_level=None)
    src = sqlite3.connect(source)
    # every table the load filled (a new database's own rows, such as its calendar, are there already)
    tables = [t.name for t in Base.metadata.sorted_tables
              if _count(src, t.name) and not _count(conn, t.name)]
    data = {t: (src.execute(f"SELECT * FROM {t}").fetchall(),
                [c[1] for c in src.execute(f"PRAGMA table_info({t})")]) for t in tables}
    src.close()
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table in tables:
        rows, columns = data[table]
        marks = ",".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def run() -> list[tuple[str, float, float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        ours = min(_ours(Path(folder) / f"ours{i}.sqlite") for i in range(2))
        raw = min(_raw(Path(folder) / "ours0.sqlite", Path(folder) / f"raw{i}.sqlite") for i in range(2))
    return [("演示数据 city 规模加载 vs sqlite3 executemany", ours, raw, 3.0)]
