"""A full disk, a missing right, a file held by another program and a damaged file are each named for what they
are, with the right advice; only a real integrity failure says 已损坏 (a clerk told the database is damaged may
restore an old backup over newer work). The disk-full case runs for real, on small tmpfs volumes."""
from __future__ import annotations

import errno
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from ledger import backup, paths, storage_errors
from ledger.storage_errors import (DamagedDatabase, DiskError, DiskFull, FileInUse, NoAccess,
                                   storage_error)
from tests import small_disks

ROOT = Path(__file__).resolve().parent.parent


def _sqlite_error(code: int, text: str) -> sqlite3.Error:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    return exc


class _WindowsError(OSError):
    """An OSError as Windows raises it: errno EACCES, and the sharing violation only in winerror."""

    def __init__(self, winerror: int):
        super().__init__(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", "C:/台账/streetledger.sqlite")
        self.winerror = winerror


class _ServerError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__("could not extend file")
        self.sqlstate = sqlstate


@pytest.mark.parametrize("exc, kind", [
    (OSError(errno.ENOSPC, "No space left on device"), DiskFull),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), DiskFull),
    (OSError(errno.EFBIG, "File too large"), DiskFull),
    (OSError(errno.EACCES, "Permission denied"), NoAccess),
    (OSError(errno.EROFS, "Read-only file system"), NoAccess),
    (_WindowsError(32), FileInUse),            # ERROR_SHARING_VIOLATION: a file open in another program
    (_WindowsError(33), FileInUse),            # ERROR_LOCK_VIOLATION
    (_WindowsError(112), DiskFull),            # ERROR_DISK_FULL
    (_WindowsError(5), NoAccess),              # ERROR_ACCESS_DENIED
    (_sqlite_error(13, "database or disk is full"), DiskFull),
    (_sqlite_error(8, "attempt to write a readonly database"), NoAccess),
    (_sqlite_error(1032, "attempt to write a readonly database"), NoAccess),   # SQLITE_READONLY_DBMOVED
    (_sqlite_error(5, "database is locked"), FileInUse),
    (_sqlite_error(6, "database table is locked"), FileInUse),
    (_sqlite_error(11, "database disk image is malformed"), DamagedDatabase),
    (_sqlite_error(26, "file is not a database"), DamagedDatabase),
    (_ServerError("53100"), DiskFull),         # PostgreSQL's disk_full
])
def test_each_code_of_sqlite_the_os_and_the_server_is_named(exc, kind, tmp_path):
    named = storage_error(exc, tmp_path / "台账.sqlite", "备份")
    assert type(named) is kind
    text = str(named)
    assert ("已损坏" in text) == (kind is DamagedDatabase)
    if kind is not DamagedDatabase:
        assert "备份没有完成" in text
    advice = {DiskFull: "腾出空间", NoAccess: "权限", FileInUse: "请关闭其他程序", DamagedDatabase: "已损坏"}
    assert advice[kind] in text


def test_what_is_not_about_storage_is_left_alone(tmp_path):
    assert storage_error(sqlite3.IntegrityError("UNIQUE constraint failed: community.name"), tmp_path) is None
    assert storage_error(_ServerError("42501"), None) is None      # a server's refusal keeps its own message
    assert storage_error(ValueError("x"), tmp_path) is None


def test_a_database_held_by_another_program_is_in_use_not_damaged(tmp_path):
    path = tmp_path / "台账.sqlite"
    holder = sqlite3.connect(path)
    holder.execute("CREATE TABLE t (x)")
    holder.commit()
    holder.execute("BEGIN EXCLUSIVE")
    try:
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("INSERT INTO t VALUES (1)")
        other.close()
    finally:
        holder.rollback()
        holder.close()
    named = storage_error(caught.value, path)
    assert isinstance(named, FileInUse)
    assert "“台账.sqlite”正被其他程序使用" in str(named) and "已损坏" not in str(named)


def test_an_io_error_on_a_nearly_full_volume_is_a_full_disk(tmp_path, monkeypatch):
    io_error = _sqlite_error(4874, "disk I/O error")   # SQLITE_IOERR_SHMSIZE: the WAL's index cannot grow
    monkeypatch.setattr(storage_errors, "_free_space", lambda folder: 4096)
    assert isinstance(storage_error(io_error, tmp_path / "台账.sqlite"), DiskFull)
    monkeypatch.setattr(storage_errors, "_free_space", lambda folder: 10 * 1024 ** 3)
    named = storage_error(io_error, tmp_path / "台账.sqlite")
    assert isinstance(named, DiskError) and "磁盘出错" in str(named) and "已损坏" not in str(named)


def test_a_damaged_file_is_still_called_damaged(tmp_path):
    path = tmp_path / "坏了.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 4096)
    problem = backup.database_problem(path)
    assert problem is not None
    with pytest.raises(DamagedDatabase, match="已损坏"):
        backup.backup_sqlite(path, tmp_path / "副本.sqlite")


# --- the daily backup ---------------------------------------------------------------------------------------
def test_a_daily_backup_refused_for_space_is_told_once_a_day(sqlite_ledger, monkeypatch):
    path = backup.sqlite_path(sqlite_ledger)
    attempts = []

    def full(db_path, kind=backup.DAILY, keep=None):
        attempts.append(kind)
        raise DiskFull(paths.backups_dir(), "每日备份")

    monkeypatch.setattr(backup, "make_backup", full)
    today = datetime(2026, 3, 2, 9, 0)
    first = backup.daily_backup_notice(path, today)
    assert "磁盘空间不足" in first and "今天不再提示" in first and "已损坏" not in first
    assert backup.daily_backup_notice(path, today + timedelta(hours=3)) is None      # the same day: quiet
    assert len(attempts) == 2                                                        # though it was tried again
    assert "磁盘空间不足" in backup.daily_backup_notice(path, today + timedelta(days=1))   # a new day: told again

    monkeypatch.undo()
    assert backup.daily_backup_notice(path, today + timedelta(days=1)) is None      # space again: done, quiet
    assert [b.kind for b in backup.list_backups(path)] == [backup.DAILY]
    assert not list(paths.data_dir().glob("自动备份未完成*"))                          # and the reminder forgotten


def test_a_daily_backup_of_a_damaged_database_is_told_every_time(tmp_path, monkeypatch):
    path = tmp_path / "台账.sqlite"
    path.write_bytes(b"x")

    def damaged(db_path, kind=backup.DAILY, keep=None):
        raise DamagedDatabase(db_path, "数据库映像已损坏（malformed）")

    monkeypatch.setattr(backup, "make_backup", damaged)
    assert "已损坏" in backup.daily_backup_notice(path)
    assert "已损坏" in backup.daily_backup_notice(path)


# --- for real: small volumes ----------------------------------------------------------------------------------
def _communities_csv(path: Path, rows: int) -> Path:
    path.write_text("社区名称\n" + "".join(f"第{i}社区\n" for i in range(rows)), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.skipif(small_disks.why_not() is not None, reason=f"no small volume: {small_disks.why_not()}")
def test_on_a_full_disk_every_writing_command_says_so_and_the_data_survive(tmp_path):
    small, tiny = tmp_path / "小盘", tmp_path / "满盘"          # the database's volume; the data folder's
    db, env = str(small / "台账.sqlite"), {**os.environ, "STREETLEDGER_DATA_DIR": str(tiny / "数据"),
                                          "PYTHONPATH": str(ROOT)}
    good = tmp_path / "好的备份.sqlite"
    communities = _communities_csv(tmp_path / "社区.csv", 5000)
    results = small_disks.run({small: "4m", tiny: "160k"}, [
        ["--db", db, "init", "--name", "示范街道"],                      # 0: its daily backup does not fit
        ["--db", db, "backup", "-o", str(good)],                         # 1: onto a roomy disk: works
        ["fill", str(small), str(300 * 1024)],
        ["--db", db, "demo"],                                            # 3: the demo load does not fit
        ["--db", db, "import", "communities", str(communities)],         # 4: nor does the import
        ["--db", db, "backup", "-o", str(tiny / "备份.sqlite")],          # 5: a backup onto the full volume
        ["--db", db, "restore", str(good), "--yes"],                     # 6: the copy kept aside does not fit
        ["fill", str(small), "0"],
        ["--db", db, "check"],                                           # 8: reading needs no space
        ["unfill", str(small)],
        ["--db", db, "demo"],                                            # 10: space again: the same load works
    ], env)
    init, to_roomy, _, demo, imported, to_full, restored, _, checked, _, demo_again = results
    for result in results:
        said = result["stdout"] + result["stderr"]
        assert "已损坏" not in said and "Traceback" not in said, said

    assert init["returncode"] == 0 and "已建立街道" in init["stdout"]
    assert "磁盘空间不足" in init["stderr"] and "今天不再提示" in init["stderr"]
    assert to_roomy["returncode"] == 0 and good.exists()
    assert all("今天不再提示" not in r["stderr"] for r in results[1:])     # told once that day

    for result, folder, what in ((demo, small, "操作"), (imported, small, "操作"), (to_full, tiny, "备份"),
                                 (restored, tiny / "数据" / "backups", "恢复前备份")):
        assert result["returncode"] == 1, result
        assert result["stderr"].rstrip().endswith(      # after the progress line, if any
            f"错误：磁盘空间不足：“{folder}”所在的磁盘已满，{what}没有完成。请删除不需要的文件或清空回收站，腾出空间后"
            "再试。已保存的数据都在，数据库没有损坏，不需要恢复备份。")
    assert checked["returncode"] == 0 and "0个错误" in checked["stdout"]
    assert demo_again["returncode"] == 0, demo_again


# --- the window's start-up ------------------------------------------------------------------------------------
def test_the_window_names_a_full_disk_at_start_up_and_offers_no_restore(qtbot, tmp_path, monkeypatch):
    pytest.importorskip("PySide6")
    from PySide6.QtWidgets import QApplication

    from ui import app as app_module
    from ui import messages, restore_dialog
    path = tmp_path / "台账.sqlite"
    path.write_bytes(b"")

    def full(db_path, thorough=False):
        raise DiskFull(db_path, "打开数据库")

    monkeypatch.setattr(backup, "database_problem", full)
    monkeypatch.setattr(restore_dialog.RestoreDialog, "exec", lambda self: pytest.fail("a restore was offered"))
    shown = []
    monkeypatch.setattr(messages, "error", lambda parent, title, text, details="": shown.append((text, details)))
    settings = SimpleNamespace(text=lambda key: "", geometry=lambda name: None)
    code, again = app_module._session(QApplication.instance(), SimpleNamespace(db=str(path), user=None), settings,
                                      None)
    assert (code, again) == (1, False)
    [(text, details)] = shown
    assert text == (f"磁盘空间不足：“{tmp_path}”所在的磁盘已满，打开数据库没有完成。请删除不需要的文件或清空回收站，"
                    "腾出空间后再试。已保存的数据都在，数据库没有损坏，不需要恢复备份。") and details == ""

