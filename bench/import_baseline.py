"""The baseline of `import workers`, in a process of its own: openpyxl's read-only pass and sqlite3's executemany
(psycopg's on a server: into a table made LIKE worker, see bench/server.py).

    python -m bench.import_baseline DB_OR_URL WORKBOOK
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import openpyxl

COLUMNS = ("name", "id_number", "community_id", "title", "post", "level", "dual_role", "education", "qualification",
           "started_on", "political_status", "phone", "bank_account", "contribution_base", "special_deduction",
           "status", "credited_bonus", "note", "version")


def insert_rows(db: Path, rows: list[tuple]) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO worker ({','.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})", rows)
    conn.execute("COMMIT")
    conn.close()


def insert_rows_server(url: str, rows: list[tuple]) -> None:
    """psycopg's executemany into a table made LIKE worker INCLUDING ALL (its columns, checks and indexes)."""
    import psycopg

    from bench.server import plain
    with psycopg.connect(plain(url)) as conn:
        conn.execute("CREATE TABLE bench_worker (LIKE worker INCLUDING ALL)")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO bench_worker ({','.join(COLUMNS)}) VALUES ({','.join(['%s'] * len(COLUMNS))})",
                            rows)
        conn.commit()


def _community_ids(db: str) -> dict[str, int]:
    if "://" in db:
        import psycopg

        from bench.server import plain
        with psycopg.connect(plain(db)) as conn:
            return dict(conn.execute("SELECT name, id FROM community").fetchall())
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("SELECT name, id FROM community"))
    conn.close()
    return ids


def raw_import(db: str, workbook: str) -> None:
    """The baseline of the whole command, in a process of its own: read the cells with openpyxl (read-only),
    turn them into stored values with plain lookups (社区 name -> id, 岗位 -> code, yuan -> fen), executemany."""
    server = "://" in db
    ids = _community_ids(db)
    posts = {"一岗": 1, "二岗": 2, "三岗": 3}
    rows = []
    wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    for values in wb.worksheets[0].iter_rows(min_row=4, max_col=18, values_only=True):
        (_n, name, number, community, title, post, level, dual, edu, qual, started, pol, phone, bank, base, ded,
         status, note) = values + (None,) * (18 - len(values))
        rows.append((name, number, ids[community], title, posts[post], level,
                     dual == "是" if server else int(dual == "是"), edu, qual,
                     started.date() if server else started.date().isoformat(), pol, phone, bank, base,
                     round(ded * 100), status, 0, note, 1))
    wb.close()
    if server:
        insert_rows_server(db, rows)
    else:
        insert_rows(Path(db), rows)


if __name__ == "__main__":
    raw_import(*sys.argv[1:3])
