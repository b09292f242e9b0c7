"""PostgreSQL: the long actions on a local server and over a link with 2 ms round trips, and the round trips of
a small action.

    python -m bench.run --pg postgresql+psycopg://owner:…@host:port/postgres server
    STREETLEDGER_TEST_PG=… python -m bench.run server

The URL is a database owner's (CREATEDB, as .ci/start-postgres.sh makes one); the bench makes its databases on
that server and drops them afterwards (the city-scale demo takes about half a minute to load on a server).

- `import workers`, the whole command (process start to exit), vs an openpyxl read-only pass plus psycopg's
  `executemany` of the same rows (bench/import_baseline.py) into a table made `LIKE worker INCLUDING ALL`: the
  same columns, checks and indexes, without the server's audit triggers, which would otherwise write an entry of
  their own for each of the baseline's rows;
- the month's first pay run in a fresh process, by a finance officer signed in as their own login role (as an
  office works: the server's row-level security applies), vs psycopg as the owner COPYing the same pay_run and
  pay_line rows into the real tables with the run's one audit entry (their foreign keys, the pay lock and the
  trail's check at commit are part of writing pay lines); over the link, the next month's, once the first is
  approved (months are run in order). Measured last: the accounts it makes turn sign-in on;
- the 经费 page's service read (`FundService.list()`, 99,200 rows) in a fresh process vs psycopg fetching the same
  columns and naming each row's 社区;
- each of them again through bench/slow_link.py (1 ms each way), against its time on the local server;
- saving one worker (`WorkerService.update`, as a form does): the requests the proxy saw from the client, and
  the statements SQLAlchemy sent plus the transaction's begin and commit.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text

from bench.child import Measured, best, report, run_child

ROUND_TRIPS = 10        # the limit for a small action
LINK_TARGET = 1.5       # a long action over the slow link, against the local server
MONTHS = ("2026-01", "2026-02")


def plain(url: str) -> str:
    """A SQLAlchemy URL as libpq's connection string (for psycopg itself)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Server:
    """The databases made on the server during a run, dropped at its end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []

    def database(self) -> str:
        """A new database, upgraded as its owner would (`upgrade`)."""
        from ledger.db import upgrade_database
        name = f"sl_bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        url = make_url(self.url).set(database=name).render_as_string(hide_password=False)
        upgrade_database(url)
        return url

    def close(self) -> None:
        from ledger.server.setup import drop
        with self.admin.connect() as c:
            for name in self.made:
                drop(c, name)
        self.admin.dispose()


def city(server: Server) -> str:
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.demo import load_demo
    from ledger.services.street import init_street
    url = server.database()
    ledger = Ledger.open(url, Actor(source="命令行"))
    init_street(ledger, "基准街道")
    load_demo(ledger, "city", today=date(2026, 11, 23))
    ledger.close()
    return url


# --- the sides, each in a process of its own ----------------------------------------------------------------


def _read_funds(url: str) -> None:
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.services import FundService
    ledger = Ledger.open(url, Actor(source="界面"))
    start = time.perf_counter()
    rows = FundService(ledger).list()
    elapsed = time.perf_counter() - start
    ledger.close()
    report(elapsed, rows=len(rows))


def _raw_funds(url: str) -> None:
    import psycopg
    start = time.perf_counter()
    with psycopg.connect(plain(url)) as conn:
        names = dict(conn.execute("SELECT id, name FROM community").fetchall())
        rows = [{"entry_date": d, "community": names.get(c, ""), "category": cat, "direction": way,
                 "amount": fen, "voucher_no": v, "expense_category": e, "project": p, "handler": h, "approver": a,
                 "note": n}
                for d, c, cat, way, fen, v, e, p, h, a, n in conn.execute(
                    "SELECT entry_date, community_id, category, direction, amount, voucher_no, expense_category, "
                    "project, handler, approver, note FROM fund_entry ORDER BY id")]
    report(time.perf_counter() - start, rows=len(rows))


def _raw_pay(url: str, month: str, how: str = "copy") -> None:
    """The same work as the run's writing, by psycopg as the owner: `month`'s pay_run and pay_line rows (read
    beforehand) written again as another month's run, with the one audit entry the server asks of a
    transaction that writes pay lines, in one transaction on the real tables: their foreign keys, the pay lock
    and the trail's check at commit are part of writing pay lines. The lines go by COPY (`how`; executemany
    for comparison), which the owner may use; a person's role under row-level security may not."""
    import psycopg
    with psycopg.connect(plain(url)) as conn:
        run = conn.execute("SELECT * FROM pay_run WHERE month = %s", (month,)).fetchone()
        run_columns = [d.name for d in conn.execute("SELECT * FROM pay_run LIMIT 0").description]
        cursor = conn.execute("SELECT * FROM pay_line WHERE run_id = %s ORDER BY id", (run[0],))
        line_columns = [d.name for d in cursor.description][1:]                 # all but the id
        lines = [row[1:] for row in cursor.fetchall()]
        conn.rollback()
        at_run = line_columns.index("run_id")
        draft = {**dict(zip(run_columns, run)), "month": "2099-01", "status": "草稿", "approved_at": None,
                 "approved_by": None}   # a draft, as a run writes it (the month read has since been approved)
        del draft["id"]
        start = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute(f"INSERT INTO pay_run ({', '.join(draft)}) VALUES ({', '.join(['%s'] * len(draft))}) "
                        f"RETURNING id", list(draft.values()))
            run_id = cur.fetchone()[0]
            rows = [row[:at_run] + (run_id,) + row[at_run + 1:] for row in lines]
            if how == "copy":
                with cur.copy(f"COPY pay_line ({', '.join(line_columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cur.executemany(f"INSERT INTO pay_line ({', '.join(line_columns)}) "
                                f"VALUES ({', '.join(['%s'] * len(line_columns))})", rows)
            cur.execute("INSERT INTO audit_entry (at, action, ledger, record_id, record_label) "
                        "VALUES (now(), '生成工资表', '工资表', %s, '2099-01')", (run_id,))
        conn.commit()
        elapsed = time.perf_counter() - start
    report(elapsed, rows=len(lines))


# --- the measurements ---------------------------------------------------------------------------------------


def _import(server: Server, workbook: Path, link_url) -> tuple[Measured, Measured, Measured]:
    """(the command on the server, the baseline, the command over the link)."""
    from bench.importing import _ledger
    ours, raw, slow = [], [], []
    for _ in range(2):
        url = server.database()
        _ledger(url).close()
        ours.append(run_child(["main.py", "--db", url, "import", "workers", str(workbook)]))
        url = server.database()
        _ledger(url).close()
        raw.append(run_child(["-m", "bench.import_baseline", url, str(workbook)]))
        url = server.database()
        _ledger(url).close()
        slow.append(run_child(["main.py", "--db", link_url(url), "import", "workers", str(workbook)]))
    return best(ours), best(raw), best(slow)


FINANCE_NAME, FINANCE_PASSWORD = "基准财务", "Bench-pay-2026"


def _finance_officer(city_url: str) -> None:
    """Accounts on the city: an administrator, who makes the finance officer that runs the pay. From here on
    the database asks everyone to sign in, so the pay is measured after the other actions."""
    from ledger.access import ADMIN, FINANCE, Actor
    from ledger.accounts import create_user, login
    from ledger.app import Ledger
    owner = Ledger.open(city_url, Actor(source="命令行"))
    create_user(owner, "基准管理员", ADMIN, FINANCE_PASSWORD)
    admin = login(owner, "基准管理员", FINANCE_PASSWORD).ledger
    create_user(admin, FINANCE_NAME, FINANCE, FINANCE_PASSWORD)
    admin.close()
    owner.close()


def _pay(city_url: str, link_url) -> tuple[Measured, Measured, Measured]:
    """The month's first run in a fresh process by the finance officer signed in as their own role, locally;
    then, the month approved, the next month's over the link; then the baseline writing the first month's rows
    again."""
    from ledger.accounts import login
    from ledger.pay.runs import Payroll
    _finance_officer(city_url)
    officer = [FINANCE_NAME, FINANCE_PASSWORD]
    ours = [run_child(["-m", "bench.pay", "cold", city_url, MONTHS[0], *officer])]
    ledger = login(city_url, FINANCE_NAME, FINANCE_PASSWORD).ledger
    Payroll(ledger).approve(MONTHS[0], negative_reason="基准测试")
    ledger.close()
    slow = [run_child(["-m", "bench.pay", "cold", link_url(city_url), MONTHS[1], *officer])]
    raw = [run_child(["-m", "bench.server", "rawpay", city_url, MONTHS[0]])]
    return best(ours), best(raw), best(slow)


def _read(city_url: str, link_url, repeat: int) -> tuple[Measured, Measured, Measured]:
    ours, raw, slow = [], [], []
    for _ in range(repeat):
        ours.append(run_child(["-m", "bench.server", "read", city_url]))
        raw.append(run_child(["-m", "bench.server", "rawread", city_url]))
        slow.append(run_child(["-m", "bench.server", "read", link_url(city_url)]))
    return best(ours), best(raw), best(slow)


@contextmanager
def _counted(engine):
    """Statements sent, and transactions begun and committed, inside the block."""
    seen = {"statements": 0, "begin": 0, "commit": 0}

    def statement(*_args) -> None:
        seen["statements"] += 1

    def begin(_conn) -> None:
        seen["begin"] += 1

    def commit(_conn) -> None:
        seen["commit"] += 1

    hooks = (("before_cursor_execute", statement), ("begin", begin), ("commit", commit))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


def _saving_one_worker(city_url: str, link) -> tuple[int, int]:
    """(requests the proxy saw, statements + begin + commit) for the second save of one worker's form."""
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.services import WorkerService
    ledger = Ledger.open(link.url(city_url), Actor(source="界面"))
    try:
        service = WorkerService(ledger)
        stored = service.list()[0]
        saved = service.update(stored["id"], {"note": "调入"}, version=stored["version"], details=False)
        link.reset()
        with _counted(ledger.db.engine) as seen:
            service.update(saved["id"], {"note": "调出"}, version=saved["version"], details=False)
        return link.requests, sum(seen.values())
    finally:
        ledger.close()


def run(quick: bool = False, url: str | None = None) -> list[tuple]:
    url = url or os.environ.get("STREETLEDGER_TEST_PG")
    if not url:
        print("server: 未给出服务器（--pg URL 或 STREETLEDGER_TEST_PG），跳过")
        return []
    from bench.importing import ROWS, make_roster
    from bench.slow_link import SlowLink
    server = Server(url)
    try:
        with tempfile.TemporaryDirectory() as name, SlowLink(make_url(url).port or 5432,
                                                            make_url(url).host or "127.0.0.1") as link:
            workbook = Path(name) / "花名册.xlsx"
            make_roster(workbook)
            o, b, s = _import(server, workbook, link.url)
            rows = [(f"[PG] import workers 命令 {ROWS:,} 行 vs openpyxl + psycopg executemany", o.seconds, b.seconds,
                     3.0, o.rss_mb, b.rss_mb),
                    ("[PG 2ms] import workers 命令 vs 本机服务器", s.seconds, o.seconds, LINK_TARGET, s.rss_mb, o.rss_mb)]
            city_url = city(server)
            o, b, s = _read(city_url, link.url, 1 if quick else 2)
            rows += [(f"[PG] 经费页面的服务读取（{o.said['rows']:,}行）vs psycopg 读取同样的列", o.seconds, b.seconds, 2.0,
                      o.rss_mb, b.rss_mb),
                     ("[PG 2ms] 经费页面的服务读取 vs 本机服务器", s.seconds, o.seconds, LINK_TARGET, s.rss_mb, o.rss_mb)]
            requests, statements = _saving_one_worker(city_url, link)
            rows += [("[PG 2ms] 保存一名社区工作者：客户端请求次数 vs 10", requests, ROUND_TRIPS, 1.0),
                     ("[PG] 保存一名社区工作者：语句 + BEGIN/COMMIT vs 10", statements, ROUND_TRIPS, 1.0)]
            o, b, s = _pay(city_url, link.url)   # last: it turns sign-in on
            rows += [("[PG] 工资表生成 10,000人（首次，财务登录）vs psycopg COPY 同样的行", o.seconds, b.seconds, 3.0,
                      o.rss_mb, b.rss_mb),
                     ("[PG 2ms] 工资表生成（首次）vs 本机服务器", s.seconds, o.seconds, LINK_TARGET, s.rss_mb, o.rss_mb)]
            return rows
    finally:
        server.close()


if __name__ == "__main__":
    side = sys.argv[1]
    if side == "read":
        _read_funds(sys.argv[2])
    elif side == "rawread":
        _raw_funds(sys.argv[2])
    elif side == "rawpay":
        _raw_pay(*sys.argv[2:5])
