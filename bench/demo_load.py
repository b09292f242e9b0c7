"""Loading the city-scale demo (10,000 workers, ~100,000 funding entries) vs raw sqlite3 inserting the same rows."""
from __future__ import annotations

import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from ledger.app import Ledger
from ledger.db import open_database
from ledger.demo import load_demo
from ledger.services.street import init_street

TABLES = ("street", "pay_standard", "community", "grid", "party_org", "worker", "appraisal", "certificate",
          "budget", "fund_entry", "venue", "venue_room", "audit_entry")


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
    src = sqlite3.connect(source)
    data = {t: (src.execute(f"SELECT * FROM {t}").fetchall(),
                [c[1] for c in src.execute(f"PRAGMA table_info({t})")]) for t in TABLES}
    src.close()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("DELETE FROM street")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table in TABLES:
        rows, columns = data[table]
        marks = ",".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def run() -> list[tuple[str, float, float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        ours = min(_ours(Path(folder) / f"ours{i}.sqlite") for i in range(2))
        raw = min(_raw(Path(folder) / "ours0.sqlite", Path(folder) / f"raw{i}.sqlite") for i in range(2))
    return [("演示数据 city 规模加载 vs sqlite3 executemany", ours, raw, 3.0)]
