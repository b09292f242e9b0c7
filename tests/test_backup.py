"""Backups: rotating automatic copies, copies on demand, restore (verified, current file kept aside), and the
damaged-database path with a deliberately corrupted file."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import cli
from ledger import backup
from ledger.access import ADMIN, CLERK, Actor
from ledger.accounts import create_user, login
from ledger.app import Ledger
from ledger.errors import LedgerError, PermissionDenied
from ledger.services import CommunityService
from ledger.services.street import init_street, put_setting

PASSWORD = "街道2026ok"


def _communities(path: Path) -> list[str]:
    with sqlite3.connect(path) as c:
        return [r[0] for r in c.execute("SELECT name FROM community ORDER BY id")]


def _corrupt(path: Path) -> None:
    """Overwrite pages in the middle of the file (not the header): what a failing disk or a killed copy does."""
    with sqlite3.connect(path) as c:
        page = c.execute("PRAGMA page_size").fetchone()[0]
        pages = c.execute("PRAGMA page_count").fetchone()[0]
    assert pages > 6
    with open(path, "r+b") as f:
        for n in range(2, pages, 2):
            f.seek(n * page + 8)
            f.write(b"\xde\xad\xbe\xef" * (page // 8))


@pytest.fixture
def db_file(tmp_path) -> Path:
    path = tmp_path / "台账.sqlite"
    opened = Ledger.open(path, Actor(source="测试"))
    init_street(opened, "测试街道")
    for name in ("幸福社区", "和平社区"):
        CommunityService(opened).create({"name": name})
    opened.close()
    return path


def test_daily_backup_once_a_day_and_rotation_keeps_the_configured_number(sqlite_ledger):
    path = backup.sqlite_path(sqlite_ledger)
    first = backup.daily_backup(path)
    assert first is not None and "每日" in first.name
    assert backup.daily_backup(path) is None                      # one a day
    assert backup.daily_backup(path, today=datetime.now() + timedelta(days=1)) is not None
    put_setting(sqlite_ledger, "backup_keep", 3)
    assert backup.keep_setting(path) == 3
    for _ in range(4):
        backup.make_backup(path, backup.DAILY)
    backup.make_backup(path, backup.BEFORE_UPGRADE)
    kinds = [b.kind for b in backup.list_backups(path)]
    assert kinds.count("每日") == 3 and kinds.count("升级前") == 1
    for b in backup.list_backups(path):
        backup.verify_backup(b.path)


def test_backups_of_different_databases_are_kept_apart(tmp_path, sqlite_ledger):
    other = Ledger.open(tmp_path / "other" / "ledger.sqlite", Actor())
    init_street(other, "另一个街道")
    backup.make_backup(backup.sqlite_path(other))
    other.close()
    backup.make_backup(backup.sqlite_path(sqlite_ledger))
    assert len(backup.list_backups(backup.sqlite_path(sqlite_ledger))) == 1
    assert len(backup.list_backups(tmp_path / "other" / "ledger.sqlite")) == 1


def test_a_backup_is_consistent_while_the_application_writes(sqlite_ledger, tmp_path):
    """The online backup API copies the last committed state, never a transaction in progress."""
    CommunityService(sqlite_ledger).create({"name": "已提交社区"})
    with sqlite_ledger.unit("ledger.write") as session:
        CommunityService(sqlite_ledger).save(session, {"name": "未提交社区"})
        copy = backup.backup_sqlite(backup.sqlite_path(sqlite_ledger), tmp_path / "热备份.sqlite")
        assert _communities(copy) == ["已提交社区"]
    backup.verify_backup(copy)
    assert not Path(f"{copy}-wal").exists()                           # one self-contained file
    with sqlite3.connect(copy) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_on_demand_is_for_administrators_and_recorded(sqlite_ledger, tmp_path):
    create_user(sqlite_ledger, "张华", ADMIN, PASSWORD)
    admin = login(sqlite_ledger, "张华", PASSWORD).ledger
    create_user(admin, "李敏", CLERK, PASSWORD)
    clerk = login(sqlite_ledger, "李敏", PASSWORD).ledger
    with pytest.raises(PermissionDenied, match="备份与恢复"):
        backup.backup_to(clerk, tmp_path / "b.sqlite")
    (tmp_path / "备份").mkdir()
    target = backup.backup_to(admin, tmp_path / "备份" / "b.sqlite")
    backup.verify_backup(target)
    with pytest.raises(LedgerError, match="不能是数据库文件本身"):
        backup.backup_to(admin, backup.sqlite_path(admin))
    from ledger.services.audit_query import AuditFilter, query_audit
    assert query_audit(admin, AuditFilter(action="备份"))[0].user == "张华"


def test_restore_verifies_asks_and_keeps_the_current_database_aside(db_file, tmp_path, monkeypatch, capsys):
    saved = tmp_path / "周一.sqlite"
    assert cli.main(["--db", str(db_file), "backup", "-o", str(saved)]) == 0
    opened = Ledger.open(db_file, Actor())
    CommunityService(opened).create({"name": "后来的社区"})
    opened.close()
    capsys.readouterr()

    # Without a terminal and without --yes nothing happens.
    assert cli.main(["--db", str(db_file), "restore", str(saved)]) == 1
    assert "--yes" in capsys.readouterr().err
    assert _communities(db_file) == ["幸福社区", "和平社区", "后来的社区"]

    assert cli.main(["--db", str(db_file), "restore", str(saved), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "检查通过" in out and "原数据库已另存为" in out
    assert _communities(db_file) == ["幸福社区", "和平社区"]
    aside = [b for b in backup.list_backups(db_file) if b.kind == "恢复前"]
    assert len(aside) == 1 and _communities(aside[0].path) == ["幸福社区", "和平社区", "后来的社区"]
    with sqlite3.connect(db_file) as c:
        assert c.execute("SELECT action FROM audit_entry ORDER BY id DESC").fetchone() == ("恢复备份",)
    assert cli.main(["--db", str(db_file), "check"]) == 0


def test_restore_refuses_files_that_are_not_good_backups(db_file, tmp_path):
    garbage = tmp_path / "乱码.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    foreign = tmp_path / "别的程序.sqlite"
    with sqlite3.connect(foreign) as c:
        c.execute("CREATE TABLE t (x)")
    future = tmp_path / "新版本.sqlite"
    backup.backup_sqlite(db_file, future)
    with sqlite3.connect(future) as c:
        c.execute("UPDATE alembic_version SET version_num = '9999_future'")
    corrupt = tmp_path / "坏备份.sqlite"
    backup.backup_sqlite(db_file, corrupt)
    _pad(corrupt)
    _corrupt(corrupt)
    for bad, message in ((garbage, "不是 SQLite 数据库"), (foreign, "不是街道台账的数据库"),
                         (future, "更新版本"), (corrupt, "不能用于恢复"), (tmp_path / "无.sqlite", "不存在")):
        with pytest.raises(LedgerError, match=message):
            backup.restore(db_file, bad, Ledger.open(db_file, Actor()))
        assert _communities(db_file) == ["幸福社区", "和平社区"]


def _pad(path: Path) -> None:
    """Enough pages for _corrupt to hit table data."""
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE IF NOT EXISTS padding (x)")
        c.executemany("INSERT INTO padding VALUES (?)", [("填充" * 200,) for _ in range(200)])


def test_restoring_a_sound_database_needs_an_administrator(db_file, tmp_path):
    saved = backup.backup_sqlite(db_file, tmp_path / "b.sqlite")
    with pytest.raises(PermissionDenied, match="需要管理员登录"):
        backup.restore(db_file, saved)             # no login, and nothing wrong with the database
    opened = Ledger.open(db_file, Actor())
    create_user(opened, "张华", ADMIN, PASSWORD)
    create_user(login(opened, "张华", PASSWORD).ledger, "李敏", CLERK, PASSWORD)
    clerk = login(opened, "李敏", PASSWORD).ledger
    with pytest.raises(PermissionDenied, match="备份与恢复"):
        backup.restore(db_file, saved, clerk)
    opened.close()


def test_a_damaged_database_is_detected_and_the_latest_good_backup_offered(db_file, tmp_path, monkeypatch, capsys):
    opened = Ledger.open(db_file, Actor())
    create_user(opened, "张华", ADMIN, PASSWORD)    # login on: nobody could log in to the broken file
    opened.close()
    _pad(db_file)
    old = backup.make_backup(db_file, backup.DAILY)
    good = backup.make_backup(db_file, backup.DAILY)
    broken = backup.make_backup(db_file, backup.DAILY)
    _corrupt(broken)                                # the newest backup is itself damaged: skip it
    assert backup.database_problem(db_file) is None
    _corrupt(db_file)
    problem = backup.database_problem(db_file)
    assert problem is not None
    latest = backup.latest_good_backup(db_file)
    assert latest is not None and latest.path in (old, good) and latest.path != broken

    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    assert cli.main(["--db", str(db_file), "--user", "张华", "check"]) == 1
    err = capsys.readouterr().err
    assert "已损坏" in err and "最新可用备份" in err and str(latest.path) in err

    assert cli.main(["--db", str(db_file), "restore", "--latest", "--yes"]) == 0
    out = capsys.readouterr()
    assert "当前数据库已损坏" in out.err and "已恢复" in out.out
    assert backup.database_problem(db_file) is None
    assert _communities(db_file) == ["幸福社区", "和平社区"]
    kept = list(Path(backup.paths.backups_dir()).glob("*已损坏*.sqlite"))
    assert len(kept) == 1                           # the damaged file itself is kept for an expert
    assert cli.main(["--db", str(db_file), "--user", "张华", "check"]) == 0


def test_a_file_with_a_destroyed_header_is_detected(db_file):
    with open(db_file, "r+b") as f:
        f.write(b"\x00" * 100)
    assert "不是 SQLite 数据库" in backup.database_problem(db_file)
    assert backup.database_problem(db_file.with_name("还没有.sqlite")) is None   # a new database is fine


def test_upgrade_copies_go_through_the_rotation(tmp_path, data_dir):
    from alembic import command
    from sqlalchemy import text

    from ledger.db import alembic_config, make_engine, open_database
    path = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '老街道')"))
    engine.dispose()
    open_database(path).dispose()
    copies = backup.list_backups(path)
    assert [c.kind for c in copies] == ["升级前"]
    with sqlite3.connect(copies[0].path) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    backup.verify_backup(copies[0].path)   # an older schema is a good backup: restore upgrades it


def test_check_reports_the_trail_protection_accounts_and_stale_backups(db_file, capsys):
    from ledger.services.checks import run_checks
    opened = Ledger.open(db_file, Actor())
    assert ("警告", "备份") in {(f.severity, f.where) for f in run_checks(opened).findings}
    backup.make_backup(db_file)
    assert not [f for f in run_checks(opened).findings if f.where in ("备份", "操作日志", "账号")]
    with opened.db.engine.begin() as c:   # what a tampering hand with a SQLite browser could do
        from sqlalchemy import text
        c.execute(text("DROP TRIGGER audit_entry_no_delete"))
    errors = [f for f in run_checks(opened).errors if f.where == "操作日志"]
    assert errors and "防篡改" in errors[0].message
    opened.close()
    assert cli.main(["--db", str(db_file), "check"]) == 1
    assert "[错误] 操作日志" in capsys.readouterr().out
