"""The audit trail and the approved pay against SQL: REPLACE refused, the hash chain, check's bypass attempts."""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from hashlib import sha256

import pytest
from alembic import command
from sqlalchemy import make_url, text

from ledger import audit
from ledger.access import Actor
from ledger.app import Ledger
from ledger.audit_chain import verify
from ledger.bypass_probe import bypass_findings
from ledger.db import alembic_config, make_engine, upgrade_database
from ledger.models import AuditEntry, PayAdjustment, PayLine, PayRun
from ledger.pay.runs import Payroll
from ledger.services import CommunityService, WorkerService
from ledger.services.checks import run_checks
from ledger.services.street import init_street
from tests.helpers import snapshot, worker

MONTH = "2026-06"
PROTECTED = (AuditEntry, PayRun, PayLine, PayAdjustment)


def _approved_month(ledger: Ledger) -> dict[str, int]:
    """A worker paid in an approved month with a 补发 line: the rows the triggers must keep as they are."""
    CommunityService(ledger).create({"name": "幸福社区"})
    worker_id = WorkerService(ledger).create(worker(started_on="2015.03"))["id"]
    pay = Payroll(ledger)
    pay.add_adjustment(MONTH, worker_id, "补发", "300", "5月加班补贴", True)
    pay.run(MONTH)
    pay.approve(MONTH)
    return {"run": _scalar(ledger, "SELECT id FROM pay_run"), "line": _scalar(ledger, "SELECT id FROM pay_line"),
            "adjustment": _scalar(ledger, "SELECT id FROM pay_adjustment"),
            "entry": _scalar(ledger, "SELECT max(id) FROM audit_entry")}


def _scalar(ledger: Ledger, query: str):
    with ledger.db.sessions() as session:
        return session.scalar(text(query))


def _rows(ledger: Ledger) -> list[list[tuple]]:
    return [snapshot(ledger, model) for model in PROTECTED]


def _with_triggers_off(ledger: Ledger, statement: str, **params) -> None:
    """What someone holding the file (or the owner's password) can do: the trail's triggers out of the way."""
    with ledger.db.engine.begin() as c:
        if c.dialect.name == "sqlite":
            c.execute(text("DROP TRIGGER audit_entry_no_update"))
            c.execute(text("DROP TRIGGER audit_entry_no_delete"))
            c.execute(text(statement), params)
            c.execute(text("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
                           "BEGIN SELECT RAISE(ABORT, '审计记录只能新增，不能修改'); END"))
            c.execute(text("CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
                           "BEGIN SELECT RAISE(ABORT, '审计记录只能新增，不能删除'); END"))
        else:
            c.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"))
            c.execute(text(statement), params)
            c.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change"))


def _chain_errors(ledger: Ledger) -> list[str]:
    return [f.message for f in run_checks(ledger).errors if f.where == "操作日志" and "校验值不符" in f.message]


# --- REPLACE on SQLite ------------------------------------------------------------------------------------
def test_another_program_cannot_replace_entries_or_approved_pay_on_sqlite(sqlite_ledger):
    ids = _approved_month(sqlite_ledger)
    Payroll(sqlite_ledger).run("2026-07")
    ids["draft"] = _scalar(sqlite_ledger, "SELECT id FROM pay_run WHERE month = '2026-07'")
    columns = [c.name for c in PayLine.__table__.columns]
    moved = [":draft" if c == "run_id" else c for c in columns]
    before = _rows(sqlite_ledger)
    path = sqlite_ledger.db.url.removeprefix("sqlite:///")
    attempts = [
        # the probe: REPLACE deletes the old entry without firing its DELETE trigger
        ("INSERT OR REPLACE INTO audit_entry (id, at, action, user_name) "
         "VALUES (:entry, '2026-01-01 00:00:00.000000', '登录', '别人')", "不能替换"),
        ("REPLACE INTO pay_run (id, month, status, pays_bonus) VALUES (:run, '2026-06', '草稿', 0)", "已锁定"),
        ("INSERT OR REPLACE INTO pay_run (month, status, pays_bonus) VALUES ('2026-06', '草稿', 0)", "已锁定"),
        ("INSERT OR REPLACE INTO pay_line SELECT * FROM pay_line WHERE id = :line", "已锁定"),
        # the line moved to a draft run: the old approved line would be deleted by the REPLACE
        (f"INSERT OR REPLACE INTO pay_line ({', '.join(columns)}) SELECT {', '.join(moved)} FROM pay_line "
         "WHERE id = :line", "已锁定"),
        ("INSERT OR REPLACE INTO pay_adjustment (id, month, worker_id, kind, amount, taxable, reason) "
         "SELECT id, '2026-12', worker_id, kind, 1, taxable, reason FROM pay_adjustment WHERE id = :adjustment", "已锁定"),
    ]
    with sqlite3.connect(path) as c:   # no recursive_triggers, as any other program
        c.execute("PRAGMA defer_foreign_keys = ON")
        for statement, refusal in attempts:
            with pytest.raises(sqlite3.DatabaseError, match=refusal):
                c.execute(statement, ids)
    assert _rows(sqlite_ledger) == before
    assert bypass_findings(sqlite_ledger) == []


def test_check_tries_each_bypass_and_reports_the_ones_that_get_through(ledger):
    _approved_month(ledger)
    before = _rows(ledger)
    postgres = ledger.db.engine.dialect.name == "postgresql"
    found = bypass_findings(ledger)
    if postgres:
        # the tests connect as the database's owner: it may drop or disable triggers, and check says so, naming
        # the account (a person's own login role may do neither: tests/test_server.py)
        owner = make_url(ledger.db.url).username
        assert len(found) == 1 and "可以删除操作日志的保护触发器" in found[0][2] and f"“{owner}”" in found[0][2]
    else:
        assert found == []
    # Protection gone (an old copy, a damaged database): every way through is named.
    with ledger.db.engine.begin() as c:
        if postgres:
            for trigger, table in (("audit_entry_no_change", "audit_entry"), ("audit_entry_no_truncate", "audit_entry"),
                                   ("pay_run_locked", "pay_run"), ("pay_line_locked", "pay_line"),
                                   ("pay_adjustment_locked", "pay_adjustment"), ("pay_run_no_truncate", "pay_run"),
                                   ("pay_line_no_truncate", "pay_line"),
                                   ("sl_audit_stamp", "audit_entry")):   # the server's numbering of entries
                c.execute(text(f"DROP TRIGGER {trigger} ON {table}"))
        else:
            for (name,) in c.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                c.execute(text(f"DROP TRIGGER {name}"))
    messages = [m for severity, where, m in bypass_findings(ledger) if severity == "错误"]
    expected = ["直接修改操作日志", "直接删除操作日志", "“插入或更新”改写操作日志", "修改已审批的工资表", "删除已审批的工资表",
                "修改已审批工资表的工资行", "删除已审批工资表的工资行", "修改已审批月份的补发/扣款", "删除已审批月份的补发/扣款"]
    expected += (["清空操作日志", "清空工资表", "清空工资行"] if postgres else
                 ["“替换”改写操作日志", "“替换”把已审批的工资表改回草稿", "“替换”改写已审批工资表的工资行",
                  "“替换”把已审批月份的补发/扣款移到别的月份"])
    for what in expected:
        assert any(what in m for m in messages), what
    assert _rows(ledger) == before    # every attempt was rolled back


# --- the hash chain -----------------------------------------------------------------------------------------
def _by_hand(previous: str, row) -> str:
    """The canonical form as docs/trust.md states it, written out independently of ledger.audit_chain."""
    def part(v):
        if v is None:
            return "-"
        v = v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else str(v)
        return f"{len(v)}:{v}"
    return sha256("|".join(part(v) for v in (previous, *row)).encode("utf-8")).hexdigest()


def _stored(ledger: Ledger) -> list[tuple]:
    with ledger.db.sessions() as session:
        rows = session.execute(text("SELECT id, at, user_name, source, action, ledger, record_id, record_label, "
                                    "CAST(changes AS TEXT), chain_hash FROM audit_entry ORDER BY id")).all()
    out = []
    for r in rows:
        at = r[1] if isinstance(r[1], datetime) else datetime.fromisoformat(r[1])
        out.append((r[0], at, *r[2:]))
    return out


def test_each_entry_hashes_its_content_and_the_one_before(ledger):
    CommunityService(ledger).create({"name": "幸福社区", "note": "第一行\n第二行"})
    audit.note(ledger, "导出", None, None, "社区台账导出", [{"field": "文件", "old": None, "new": "社区.xlsx"}])
    rows = _stored(ledger)
    assert len(rows) >= 4
    previous = ""
    for row in rows:
        assert row[-1] == _by_hand(previous, row[:-1]), row
        previous = row[-1]
    if ledger.db.engine.dialect.name == "postgresql":
        # the same hash computed by the server, for writers inside it (docs/trust.md)
        with ledger.db.sessions() as session:
            in_sql = session.execute(text(
                "SELECT e.chain_hash, audit_entry_hash(coalesce(lag(e.chain_hash) OVER (ORDER BY e.id), ''), e) "
                "FROM audit_entry e ORDER BY e.id")).all()
        assert all(stored == computed for stored, computed in in_sql)
    assert _chain_errors(ledger) == []


def test_check_names_the_first_changed_entry_with_its_time_and_user(ledger):
    service = CommunityService(ledger.as_actor(Actor("张华", "管理员", source="界面")))
    for name in ("幸福社区", "和平社区", "光明社区"):
        service.create({"name": name})
    rows = _stored(ledger)
    target = next(r for r in rows if r[7] == "和平社区")
    _with_triggers_off(ledger, "UPDATE audit_entry SET record_label = '改过的社区' WHERE id = :id", id=target[0])
    errors = _chain_errors(ledger)
    assert len(errors) == 1
    later = sum(1 for r in rows if r[0] > target[0])
    assert errors[0].startswith(f"{target[1]:%Y-%m-%d %H:%M:%S} 张华（界面）的“新增 社区 改过的社区”这一条与校验值不符")
    assert f"从这一条起的{later + 1}条记录" in errors[0]


def test_a_deleted_entry_is_found_at_the_entry_after_it(ledger):
    service = CommunityService(ledger.as_actor(Actor("李敏", "台账录入员", source="命令行")))
    for name in ("幸福社区", "和平社区", "光明社区"):
        service.create({"name": name})
    rows = _stored(ledger)
    gone = next(r for r in rows if r[7] == "和平社区")
    after = next(r for r in rows if r[7] == "光明社区")
    _with_triggers_off(ledger, "DELETE FROM audit_entry WHERE id = :id", id=gone[0])
    assert [e.split("这一条")[0] for e in _chain_errors(ledger)] == [f"{after[1]:%Y-%m-%d %H:%M:%S} 李敏（命令行）的“新增 社区 光明社区”"]


def test_appends_of_concurrent_writers_keep_one_chain(ledger):
    """A writer that has appended holds the chain until it commits; the next one continues after its entry."""
    first = ledger.db.sessions()
    first.begin()
    audit.record(first, "登录", None, None, "张华")   # appended, not yet committed
    done = threading.Event()

    def second() -> None:
        audit.note(ledger, "登录", None, None, "李敏")
        done.set()
    thread = threading.Thread(target=second)
    thread.start()
    if ledger.db.engine.dialect.name == "postgresql":
        # wait (by what the server reports, not by time) until the second writer waits for the chain's lock
        with ledger.db.engine.connect() as c:
            query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            while not c.execute(query).scalar() and thread.is_alive():
                c.rollback()
    assert not done.is_set()
    first.commit()
    first.close()
    thread.join()
    workers = [threading.Thread(target=lambda n=n: [audit.note(ledger, "导出", None, None, f"{n}-{i}") for i in range(8)])
               for n in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    labels = [r[7] for r in _stored(ledger)]
    assert labels.index("张华") < labels.index("李敏") and sum(1 for x in labels if "-" in (x or "")) == 32
    with ledger.db.sessions() as session:
        assert verify(session) is None


# --- upgrading ------------------------------------------------------------------------------------------------
def test_entries_of_an_upgraded_database_get_their_chain(db_url, data_dir):
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0004_pay_lock")
    insert = text("INSERT INTO audit_entry (id, at, user_name, source, action, ledger, record_id, record_label, "
                  "changes) VALUES (:id, :at, :user, :source, :action, :ledger, :record, :label, :changes)")
    with engine.begin() as c:
        c.execute(insert, [
            {"id": 1, "at": datetime(2025, 3, 1, 9, 30), "user": "张华", "source": "界面", "action": "新增", "ledger": "社区",
             "record": 1, "label": "幸福社区", "changes": '[{"field": "name", "old": null, "new": "\\u5e78\\u798f"}]'},
            {"id": 2, "at": datetime(2025, 3, 1, 9, 31, 2, 500000), "user": None, "source": None, "action": "登录失败",
             "ledger": None, "record": None, "label": "李敏", "changes": None},
            {"id": 3, "at": datetime(2025, 3, 2, 10, 0), "user": "张华", "source": "命令行", "action": "导出", "ledger": None,
             "record": None, "label": "社区台账导出", "changes": "null"}])
    engine.dispose()
    upgrade_database(db_url)   # at start-up for a SQLite file; the owner's `upgrade` on a server
    opened = Ledger.open(db_url, Actor(source="界面"))
    rows = _stored(opened)
    assert [r[0] for r in rows] == [1, 2, 3] and rows[0][2:5] == ("张华", "界面", "新增")
    previous = ""
    for row in rows:
        assert row[-1] == _by_hand(previous, row[:-1])
        previous = row[-1]
    init_street(opened, "老街道")          # new entries continue the chain
    assert _stored(opened)[3][-1] == _by_hand(previous, _stored(opened)[3][:-1])
    assert _chain_errors(opened) == []
    opened.close()


def test_the_trail_stays_append_only_after_the_upgrade(ledger):
    """The upgrade added a column and a trigger: UPDATE and DELETE are still refused, and so is TRUNCATE on pay."""
    _approved_month(ledger)
    for statement in ("UPDATE audit_entry SET chain_hash = NULL", "DELETE FROM audit_entry"):
        with pytest.raises(Exception, match="审计记录只能新增"):
            with ledger.db.engine.begin() as c:
                c.execute(text(statement))
    if ledger.db.engine.dialect.name == "postgresql":
        for table in ("pay_line", "pay_adjustment", "pay_run CASCADE"):
            with pytest.raises(Exception, match="已锁定"):
                with ledger.db.engine.begin() as c:
                    c.execute(text(f"TRUNCATE {table}"))
