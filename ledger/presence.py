"""Who has a SQLite database open: every program that opens the file leaves a marker it keeps locked.

Replacing the file under a running program loses its work (a restore once removed the -wal file of an import
in progress: the import said 新增50000条 and the rows were gone). So a program that opens a database writes a
small marker — who, on which computer, since when — into a folder beside it and holds an operating-system lock
on it until it closes. A restore asks `others(path)` first: a marker whose lock is held belongs to a running
program, named in the refusal; a marker nobody holds was left by a program that ended abruptly, and is removed.

The lock is the operating system's own (flock on Linux and macOS, msvcrt.locking on Windows), so it ends with
the process however it ends. A folder that cannot be written (a read-only share) leaves the database usable,
only without this protection.
"""
from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

if os.name == "nt":
    import msvcrt
else:
    import fcntl


@dataclass(frozen=True)
class Holder:
    """A running program that has the database open."""

    user: str
    computer: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.user}在电脑“{self.computer}”上（自{self.since}起，进程{self.pid}）"


def _folder(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.inuse")


# Windows locks a byte range and refuses to read locked bytes: lock one far past the marker's text instead.
_LOCKED_BYTE = 1 << 20


def _try_lock(handle: IO) -> bool:
    try:
        if os.name == "nt":
            handle.seek(_LOCKED_BYTE)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            handle.seek(0)
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


class Presence:
    """This program's marker for one database, held until `release`."""

    def __init__(self, db_path: Path):
        self.marker = _folder(db_path) / f"{socket.gethostname()}-{os.getpid()}.json"
        self.handle: IO | None = None
        try:
            self.marker.parent.mkdir(exist_ok=True)
            handle = open(self.marker, "w+", encoding="utf-8")
        except OSError:
            return      # a folder we may not write in: the database still opens, unprotected
        if not _try_lock(handle):
            handle.close()
            return
        try:
            handle.seek(0)
            json.dump({"user": getpass.getuser(), "computer": socket.gethostname(), "pid": os.getpid(),
                       "since": f"{datetime.now():%Y-%m-%d %H:%M}"}, handle, ensure_ascii=False)
            handle.flush()
        except OSError:      # a full disk: still held (the lock needs no space), only without the who
            pass
        self.handle = handle

    def release(self) -> None:
        if self.handle is None:
            return
        try:
            self.handle.close()      # closing ends the lock (a text that did not fit may fail to flush)
        except OSError:
            pass
        self.handle = None
        try:
            self.marker.unlink(missing_ok=True)
            self.marker.parent.rmdir()
        except OSError:
            pass                     # another program's marker is still there


_HELD: dict[Path, Presence] = {}
_OPENED: dict[Path, int] = {}     # how many times this program has the database open


def enter(db_path: Path) -> None:
    """Mark the database as open by this program (one marker however many times it is opened)."""
    key = Path(db_path).resolve()
    _OPENED[key] = _OPENED.get(key, 0) + 1
    if key not in _HELD:
        _HELD[key] = Presence(key)


def leave(db_path: Path) -> None:
    key = Path(db_path).resolve()
    _OPENED[key] = _OPENED.get(key, 1) - 1
    if _OPENED[key] <= 0:
        _OPENED.pop(key, None)
        presence = _HELD.pop(key, None)
        if presence is not None:
            presence.release()


def others(db_path: Path) -> list[Holder]:
    """The other running programs that have the database open; markers left by ended programs are removed."""
    folder = _folder(Path(db_path).resolve())
    mine = _HELD.get(Path(db_path).resolve())
    found = []
    for marker in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        if mine is not None and marker == mine.marker:
            continue
        try:
            with open(marker, "r+", encoding="utf-8") as handle:
                if _try_lock(handle):        # nobody holds it: left by a program that ended abruptly
                    handle.close()
                    marker.unlink(missing_ok=True)
                    continue
                info = json.loads(handle.read() or "{}")
        except (OSError, ValueError):
            continue
        found.append(Holder(str(info.get("user", "?")), str(info.get("computer", "?")), int(info.get("pid", 0)),
                            str(info.get("since", ""))))
    return found
