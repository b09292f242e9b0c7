"""Why the database or a file could not be read or written, named for what it is, with what to do about it.

SQLite, PostgreSQL and the operating system each report a full disk, a missing right, a file held by another
program and a damaged file in codes of their own; this is the one place that reads them. Only a real
integrity failure is called 已损坏: a clerk told the database is damaged may restore an old backup and lose
newer work, when all the disk needed was some free space.
"""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from .errors import LedgerError

# SQLite reports a write that failed for want of space sometimes as SQLITE_FULL and sometimes, e.g. when the
# shared-memory file of the WAL cannot grow, as a plain I/O error; with less free space than this left on the
# volume, an I/O error is taken for a full disk.
LOW_SPACE = 16 * 1024 * 1024


class StorageError(LedgerError):
    """Reading or writing failed for a reason outside the data; the message says what to do."""

    label = "读写出错"   # the reason in two to four words (also names the daily backup's reminder file)

    def __init__(self, path: str | os.PathLike[str] | None, doing: str = "操作"):
        self.path = Path(path) if path is not None else None
        self.doing = doing
        super().__init__(self.explain())

    def explain(self) -> str:
        raise NotImplementedError


class DiskFull(StorageError):
    """The volume (or the server's) has no space left."""

    label = "磁盘已满"

    def explain(self) -> str:
        if self.path is None:
            return (f"数据库服务器的磁盘空间不足，{self.doing}没有完成。请联系服务器管理员腾出空间；"
                    "已保存的数据都在，数据库没有损坏。")
        return (f"磁盘空间不足：“{_folder(self.path)}”所在的磁盘已满，{self.doing}没有完成。请删除不需要的文件或清空"
                "回收站，腾出空间后再试。已保存的数据都在，数据库没有损坏，不需要恢复备份。")


class NoAccess(StorageError):
    """The operating system refuses: no right to the file or its folder, or a read-only volume."""

    label = "没有权限"

    def explain(self) -> str:
        return (f"没有读写“{self.path}”的权限（或它所在的磁盘是只读的，如写保护的U盘），{self.doing}没有完成。"
                "请让电脑管理员给您这个文件夹的读写权限，或换一个有权限的文件夹。")


class FileInUse(StorageError):
    """Another program holds the file (another 街道台账, Excel/WPS, an antivirus scan, a sync client)."""

    label = "文件被占用"

    def explain(self) -> str:
        name = self.path.name if self.path is not None else "数据库"
        return (f"“{name}”正被其他程序使用（如另一个打开了同一数据库的街道台账、Excel/WPS、杀毒软件或网盘同步），"
                f"{self.doing}没有完成。请关闭其他程序后再试。")


class DiskError(StorageError):
    """The disk itself failed to read or write: a pulled USB stick, a dropped network drive, failing hardware."""

    label = "磁盘读写出错"

    def explain(self) -> str:
        return (f"读写“{self.path}”时磁盘出错（U盘或网络盘可能已断开，或磁盘有故障），{self.doing}没有完成。"
                "请检查磁盘后再试；如果反复出现，请先把数据文件夹复制到别处，再联系技术支持。")


class DamagedDatabase(StorageError):
    """The database file fails SQLite's checks; `problem` says how."""

    label = "已损坏"

    def __init__(self, path: str | os.PathLike[str], problem: str = "数据库映像已损坏（malformed）"):
        self.problem = problem
        super().__init__(path)

    def explain(self) -> str:
        return f"数据库文件“{self.path.name}”已损坏：{self.problem}"


# SQLite's primary result codes (https://sqlite.org/rescode.html): the low byte of the extended code.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 3, 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
_SQLITE = {_SQLITE_FULL: DiskFull, _SQLITE_PERM: NoAccess, _SQLITE_READONLY: NoAccess,
           _SQLITE_BUSY: FileInUse, _SQLITE_LOCKED: FileInUse, _SQLITE_CORRUPT: DamagedDatabase,
           _SQLITE_NOTADB: DamagedDatabase, _SQLITE_IOERR: DiskError, _SQLITE_CANTOPEN: DiskError}
_ERRNO = {errno.ENOSPC: DiskFull, errno.EDQUOT: DiskFull, errno.EFBIG: DiskFull,
          errno.EACCES: NoAccess, errno.EPERM: NoAccess, errno.EROFS: NoAccess,
          errno.EBUSY: FileInUse, errno.ETXTBSY: FileInUse, errno.EIO: DiskError}
# Windows system error codes, which win over errno there (a sharing violation also carries EACCES).
_WINERROR = {32: FileInUse, 33: FileInUse,            # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
             112: DiskFull, 39: DiskFull,             # ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL
             5: NoAccess, 19: NoAccess,     # ERROR_ACCESS_DENIED, ERROR_WRITE_PROTECT
             21: DiskError, 23: DiskError, 1117: DiskError}  # NOT_READY, CRC, IO_DEVICE
_SQLSTATE = {"53100": DiskFull}   # PostgreSQL's disk_full; the server's other refusals keep their own messages

_PROBLEMS = {_SQLITE_NOTADB: "文件不是 SQLite 数据库（文件头已损坏或不是本程序的文件）",
             _SQLITE_CORRUPT: "数据库映像已损坏（malformed）"}


def storage_error(exc: BaseException, path: str | os.PathLike[str] | None,
                  doing: str = "操作") -> StorageError | None:
    """The named error for a failure of SQLite, PostgreSQL or the OS at `path` (the file being read or written;
    None for a database server), or None when the failure is not about storage (a constraint, a bug)."""
    orig = getattr(exc, "orig", None) or exc      # SQLAlchemy wraps the driver's exception
    where = Path(path) if path is not None else None
    if isinstance(orig, sqlite3.Error):
        code = _sqlite_code(orig)
        if code in _PROBLEMS:
            return DamagedDatabase(where or Path("数据库"), _PROBLEMS[code])
        kind = _SQLITE.get(code)
        if kind is DiskError:
            kind = _refine_io_error(where, cantopen=code == _SQLITE_CANTOPEN)
    elif isinstance(orig, OSError):
        kind = _WINERROR.get(getattr(orig, "winerror", None)) or _ERRNO.get(orig.errno)
        where = Path(orig.filename) if orig.filename else where
        if kind is DiskError:
            kind = _refine_io_error(where)
    else:
        kind = _SQLSTATE.get(getattr(orig, "sqlstate", None) or "")
        where = None
    return kind(where, doing) if kind is not None else None


def describe(exc: BaseException, path: str | os.PathLike[str] | None, doing: str = "操作") -> LedgerError:
    """storage_error, or for a failure it cannot name, a plain refusal with the system's own words."""
    named = storage_error(exc, path, doing)
    if named is not None:
        return named
    orig = getattr(exc, "orig", None) or exc
    text = getattr(orig, "strerror", None) or str(orig).strip()
    words = text.splitlines()[0] if text else "原因不明"
    where = f"（{path}）" if path is not None else ""
    return LedgerError(f"{doing}没有完成{where}：{words}")


def damage_problem(exc: BaseException) -> str | None:
    """How SQLite says a file is damaged (not a database, or malformed), or None when it says something else."""
    orig = getattr(exc, "orig", None) or exc
    return _PROBLEMS.get(_sqlite_code(orig)) if isinstance(orig, sqlite3.Error) else None


def _sqlite_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code (the low byte of the extended code Python reports)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if code is not None else None


def _refine_io_error(path: Path | None, cantopen: bool = False) -> type[StorageError]:
    """An I/O error or a file SQLite cannot open: a full disk or a folder without rights, if that is what it is."""
    if path is None:
        return DiskError
    folder = _folder(path)
    if _free_space(folder) < LOW_SPACE:
        return DiskFull
    if cantopen and not os.access(folder, os.W_OK):
        return NoAccess
    return DiskError


def _folder(path: Path) -> Path:
    """The nearest existing folder at or above the file's (a file not yet created has no space of its own)."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _free_space(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return LOW_SPACE   # unknown: not taken for a full disk
