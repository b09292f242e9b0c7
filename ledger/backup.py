"""Backups of a SQLite database: rotating automatic copies, a copy on demand, checking and restoring.

Every copy is made with SQLite's online backup API, so it is consistent even while the application is
open and writing. Automatic copies live in the data folder's backups/ (daily, and before every schema
upgrade) and are rotated, keeping the number set in 设置 (backup_keep). A damaged database is detected at
start-up and the newest backup that passes the checks is offered.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import paths, presence
from .errors import LedgerError, PermissionDenied
from .files import atomic_write, check_writable
from .storage_errors import DamagedDatabase, StorageError, damage_problem, describe

DAILY, BEFORE_UPGRADE, BEFORE_RESTORE = "每日", "升级前", "恢复前"
KINDS = (DAILY, BEFORE_UPGRADE, BEFORE_RESTORE)
DEFAULT_KEEP = 10
_HEADER = b"SQLite format 3\x00"
_NAME = re.compile(r"^(?P<key>.+)-(?P<kind>每日|升级前|恢复前)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite$")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str
    at: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}（{self.kind}）"


# --- copying --------------------------------------------------------------------------------------
def backup_sqlite(source: Path, target: Path, doing: str = "备份") -> Path:
    """A consistent copy of a live SQLite database through the online backup API, as one self-contained file.

    The copy is written beside the target and renamed over it, so a copy interrupted half-way never
    leaves a half file under the final name. A failure is named for what it is (a full disk is not a
    damaged database); `doing` says in the message what did not get done.
    """
    target = Path(target)
    with atomic_write(target) as partial:   # an OSError of the target (held open, no right) is named there
        try:
            src = sqlite3.connect(f"file:{Path(source).as_posix()}?mode=ro", uri=True)
            try:
                dst = sqlite3.connect(partial)
                try:
                    src.backup(dst)
                    # A backup carries the source's WAL mode; as a rollback-journal file it is one file a user can move.
                    dst.execute("PRAGMA journal_mode=DELETE")
                    dst.commit()
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.Error as exc:
            # Named while the partial copy still exists: removing it frees the very space that ran out.
            named = describe(exc, target, doing)
            if isinstance(named, DamagedDatabase):    # only the source can be damaged: the target is new
                named = DamagedDatabase(source, named.problem)
            raise named from exc
    return target


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass   # a leftover .partial is removed by the next copy to the same name


def _key(db_path: Path) -> str:
    """The prefix naming one database's backups (several databases may share a data folder)."""
    db_path = Path(db_path).resolve()
    if db_path == paths.default_database().resolve():
        return db_path.stem
    digest = hashlib.sha1(str(db_path).encode("utf-8")).hexdigest()[:6]
    return f"{db_path.stem}-{digest}"


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupFile]:
    """The automatic backups of a database, newest first."""
    folder = folder or paths.backups_dir()
    key = _key(db_path)
    found = []
    for path in folder.glob("*.sqlite"):
        match = _NAME.match(path.name)
        if match is None or match["key"] != key:
            continue
        at = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        found.append((at, int(match["n"] or 1), BackupFile(path, match["kind"], at, path.stat().st_size)))
    # Within one second, the second copy is named -2, the third -3 …
    return [b for _at, _n, b in sorted(found, key=lambda t: (t[0], t[1]), reverse=True)]


def make_backup(db_path: Path, kind: str = DAILY, keep: int | None = None) -> Path:
    """An automatic backup of one kind, then the oldest of that kind beyond `keep` removed."""
    assert kind in KINDS
    folder = _backups_folder(f"{kind}备份")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{_key(db_path)}-{kind}-{stamp}.sqlite"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{_key(db_path)}-{kind}-{stamp}-{n}.sqlite"
    backup_sqlite(db_path, target, f"{kind}备份")
    rotate(db_path, kind, keep if keep is not None else keep_setting(db_path))
    return target


def rotate(db_path: Path, kind: str, keep: int) -> list[Path]:
    """Remove the oldest automatic backups of one kind beyond `keep`; returns what was removed."""
    keep = max(1, keep)
    mine = [b for b in list_backups(db_path) if b.kind == kind]
    removed = []
    for old in mine[keep:]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError:
            pass  # a backup open in another program is simply kept until the next rotation
    return removed


def keep_setting(db_path: Path) -> int:
    """How many backups of each kind to keep (设置 backup_keep), read without the ORM: it must work on an
    old schema before its upgrade and on a file the application has not opened."""
    try:
        con = sqlite3.connect(f"file:{Path(db_path).as_posix()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = 'backup_keep'").fetchone()
        finally:
            con.close()
        return max(1, int(row[0])) if row else DEFAULT_KEEP
    except (sqlite3.Error, ValueError, TypeError):
        return DEFAULT_KEEP


def daily_backup(db_path: Path, today: datetime | None = None) -> Path | None:
    """The day's automatic backup, made by the first start of the day; None when there already is one."""
    db_path = Path(db_path)
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    today = today or datetime.now()
    folder = _backups_folder(f"{DAILY}备份")
    if any(b.kind == DAILY and b.at.date() == today.date() for b in list_backups(db_path, folder)):
        return None
    return make_backup(db_path, DAILY)


def _backups_folder(doing: str) -> Path:
    """The backups folder, made if missing; a disk that cannot take it is named as the reason."""
    try:
        return paths.backups_dir()
    except OSError as exc:
        raise describe(exc, paths.data_dir() / "backups", doing) from exc


_NOTICE = "自动备份未完成"


def daily_backup_notice(db_path: Path, today: datetime | None = None) -> str | None:
    """Make the day's automatic backup; what to tell the user when it could not be made, else None.

    A reason outside the data (a full disk, no rights, the file in use) is told once a day: the first
    refusal leaves an empty file named for the reason and the day in the data folder (an empty file still
    fits on a full disk), and later commands of that day stay quiet. A damaged database is told every time.
    """
    today = today or datetime.now()
    try:
        daily_backup(db_path, today)
    except StorageError as exc:
        if isinstance(exc, DamagedDatabase):
            return f"今天的自动备份没有完成：{exc}"
        marker = paths.data_dir() / f"{_NOTICE}-{exc.label}-{today:%Y%m%d}"
        if marker.exists():
            return None
        _clear_notices()
        try:
            marker.touch()
        except OSError:
            return str(exc)   # not even an empty file fits: the reminder comes again with the next command
        return f"{exc}（今天不再提示）"
    except LedgerError as exc:
        return f"今天的自动备份没有完成：{exc}"
    _clear_notices()
    return None


def _clear_notices() -> None:
    for old in paths.data_dir().glob(f"{_NOTICE}-*"):
        _remove(old)


def before_upgrade(db_path: Path, revision: str | None) -> Path:
    """The copy made before a schema upgrade (called by ledger.db.upgrade)."""
    return make_backup(db_path, BEFORE_UPGRADE)


def sqlite_path(ledger) -> Path | None:
    from .db import sqlite_file
    return sqlite_file(ledger.db.url)


def backup_to(ledger, target: Path) -> Path:
    """A backup on demand into a file the user chose (管理员 only), recorded in the audit trail."""
    from . import audit
    ledger.actor.require("backup")
    source = sqlite_path(ledger)
    if source is None:
        raise LedgerError("PostgreSQL 数据库请由服务器管理员用 pg_dump 备份")
    target = Path(target)
    if target.resolve() == source.resolve():
        raise LedgerError("备份文件不能是数据库文件本身，请换一个文件名")
    check_writable(target)
    backup_sqlite(source, target)
    audit.note(ledger, "备份", None, None, target.name, [{"field": "文件", "old": None, "new": str(target)}])
    return target


# --- checking -------------------------------------------------------------------------------------
def trust_findings(ledger, stale_days: int = 7) -> list[tuple[str, str, str]]:
    """What `check` says about safety: the accounts and the automatic backups (the protections of the data
    themselves: ledger.protection).

    (severity, where, message) triples, severity 错误 or 警告.
    """
    from sqlalchemy import func, select

    from .access import ADMIN
    from .models import User
    found = []
    with ledger.db.sessions() as session:
        users = session.scalar(select(func.count()).select_from(User)) or 0
        admins = session.scalar(select(func.count()).select_from(User).where(User.role == ADMIN, User.active.is_(True)))
        if users and not admins:
            found.append(("错误", "账号", "没有可用的管理员账号：无法新建账号或重置密码"))
        locked = session.scalars(select(User.name).where(User.locked_until > datetime.now())).all()
        if locked:
            found.append(("警告", "账号", f"{'、'.join(locked)}因连续输错密码暂时锁定，管理员可重置密码解锁"))
    path = sqlite_path(ledger)
    if path is not None:
        newest = next((b for b in list_backups(path) if b.kind == DAILY), None)
        if newest is None:
            found.append(("警告", "备份", "还没有自动备份（每天第一次打开时自动备份）"))
        elif (datetime.now() - newest.at).days >= stale_days:
            found.append(("警告", "备份", f"最近一次自动备份是{(datetime.now() - newest.at).days}天前"
                                        f"（{newest.at:%Y-%m-%d}），建议尽快备份"))
    return found


def database_problem(path: Path, thorough: bool = False) -> str | None:
    """How a database file is damaged, or None when it is sound (or does not exist yet: a new database).

    At start-up `quick_check` (seconds even for a city) is enough; restoring uses the full integrity_check.
    A file that cannot be checked for another reason (a full disk, no rights, held by another program)
    raises that reason as a StorageError.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with open(path, "rb") as f:
            if f.read(16) != _HEADER:
                return "文件不是 SQLite 数据库（文件头已损坏或不是本程序的文件）"
        # Opened read-write (not mode=ro): a WAL left by a killed process must be replayed, not ignored.
        con = sqlite3.connect(path, timeout=10)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check" if thorough else "PRAGMA quick_check")]
        finally:
            con.close()
    except (sqlite3.Error, OSError) as exc:
        # Only what SQLite calls damage is damage; a full disk or a file held by another program is raised
        # as what it is, so that nobody restores an old backup over good data.
        problem = damage_problem(exc)
        if problem is None:
            raise describe(exc, path, "打开数据库") from exc
        return problem
    if rows != ["ok"]:
        return "完整性检查未通过：" + "；".join(rows[:3])
    return None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory
    from alembic.config import Config
    from .db import MIGRATIONS
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}


def verify_backup(path: Path) -> None:
    """Refuse a file that is not a sound backup of this application's database; the message says why."""
    path = Path(path)
    if not path.exists():
        raise LedgerError(f"文件“{path}”不存在")
    problem = database_problem(path, thorough=True)
    if problem is None and path.stat().st_size == 0:
        problem = "文件是空的"
    if problem:
        raise LedgerError(f"“{path.name}”不能用于恢复：{problem}")
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            version = con.execute("SELECT version_num FROM alembic_version").fetchone()
            con.execute("SELECT count(*) FROM street").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        raise LedgerError(f"“{path.name}”不是街道台账的数据库") from None
    if version is None or version[0] not in _known_revisions():
        raise LedgerError(f"“{path.name}”来自更新版本的街道台账（数据版本 {version[0] if version else '未知'}），"
                          "请先升级本程序再恢复")


def latest_good_backup(db_path: Path) -> BackupFile | None:
    """The newest automatic backup that passes verify_backup."""
    for candidate in list_backups(db_path):
        try:
            verify_backup(candidate.path)
        except LedgerError:
            continue
        return candidate
    return None


# --- restoring ------------------------------------------------------------------------------------
def restore(db_path: Path, source: Path, ledger=None) -> Path | None:
    """Put a verified backup in place of the database; returns where the current database was kept aside.

    With `ledger` (the database opened and logged in) the person must hold 'backup', and the ledger is
    closed first. Without one, restoring is allowed only when the current file is damaged or missing —
    the start-up path, where nobody can log in to a broken database.
    """
    db_path = Path(db_path)
    source = Path(source)
    if ledger is not None:
        ledger.actor.require("backup")
        actor = ledger.actor
        ledger.close()
    else:
        actor = None
        if db_path.exists() and database_problem(db_path) is None:
            raise PermissionDenied("数据库完好时，恢复备份需要管理员登录")
    if source.resolve() == db_path.resolve():
        raise LedgerError("不能用数据库文件本身来恢复")
    verify_backup(source)
    # Never replace the file under a running program: its work would be lost, and its -wal with it.
    holders = presence.others(db_path)
    if holders:
        raise LedgerError(f"数据库正被其他程序打开：{'；'.join(map(str, holders))}。请先关闭那里的街道台账"
                          f"（或等它正在进行的导入、计算完成）再恢复；数据库没有改动")

    aside = None
    if db_path.exists():
        aside = _keep_aside(db_path)
    staged = db_path.with_name(db_path.name + ".restoring")
    backup_sqlite(source, staged, "恢复")
    try:
        # A stale WAL beside the new file would be replayed into it: those of the old file must go.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(staged, db_path)
    except OSError as exc:
        named = describe(exc, db_path, "恢复")
        _remove(staged)
        raise LedgerError(f"{named}原数据库未改动。") from exc
    _record_restore(db_path, source, aside, actor)
    return aside


def _keep_aside(db_path: Path) -> Path:
    """The current database, kept in backups/ before it is replaced: a sound copy, or the damaged file as is."""
    folder = paths.backups_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if database_problem(db_path) is None:
        return make_backup(db_path, BEFORE_RESTORE)
    damaged = folder / f"{_key(db_path)}-已损坏-{stamp}.sqlite"
    try:
        shutil.copy2(db_path, damaged)
        wal = Path(f"{db_path}-wal")
        if wal.exists():
            shutil.copy2(wal, Path(f"{damaged}-wal"))
    except OSError as exc:
        _remove(damaged)
        raise describe(exc, damaged, "保存损坏的数据库副本") from exc
    return damaged


def _record_restore(db_path: Path, source: Path, aside: Path | None, actor) -> None:
    from . import audit
    from .access import Actor
    from .db import open_database
    db = open_database(db_path)   # also brings an older backup up to the current schema
    try:
        with db.writes.begin() as session:
            session.info["actor"] = actor or Actor(None, source="启动")
            audit.record(session, "恢复备份", None, None, source.name[:100], [
                {"field": "备份文件", "old": None, "new": str(source)},
                {"field": "原数据库另存为", "old": None, "new": str(aside) if aside else None}])
    finally:
        db.dispose()
