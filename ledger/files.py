"""Writing a file a user chose: refuse an unwritable target before the work, and replace it in one step after.

Every export, template, backup and report goes through check_writable and atomic_write, so that a folder that
is missing or read-only, a folder where the file should be, a file open in Excel/WPS or a full disk each get a
message naming the path and the cause, and nothing half-written is ever left under the asked-for name.
"""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import LedgerError
from .storage_errors import DiskFull, storage_error



class FileNotWritable(LedgerError):
    """The target cannot be written (open in Excel/WPS, no permission, disk full); nothing was changed."""


def refusal(path: str | os.PathLike[str], exc: OSError | None = None, *, in_folder: bool = False) -> FileNotWritable:
    """The refusal to write `path`, naming it and the cause.

    `in_folder` says the error came from creating a file in the target's folder rather than from the target itself.
    """
    target = Path(path).absolute()
    folder = target.parent
    kept = "；原文件未改动" if target.is_file() else ""
    where = f"无法写入“{target}”："
    if exc is not None and isinstance(storage_error(exc, target), DiskFull):
        return FileNotWritable(f"{where}磁盘空间不足{kept}")
    if target.is_dir():
        return FileNotWritable(f"{where}这是一个文件夹，请换一个文件名")
    if not folder.exists():
        return FileNotWritable(f"{where}文件夹“{folder}”不存在，请先建立它或换一个文件夹")
    if not folder.is_dir():
        return FileNotWritable(f"{where}“{folder}”不是文件夹")
    if exc is not None and exc.errno == errno.EROFS:
        return FileNotWritable(f"{where}所在的磁盘是只读的（如写保护的U盘或光盘）")
    if exc is not None and exc.errno == errno.ENAMETOOLONG:
        return FileNotWritable(f"{where}路径或文件名太长，请换一个短些的名称")
    if exc is not None and exc.errno == errno.EINVAL:
        return FileNotWritable(f"{where}文件名无效，请换一个名称（不能含 \\ / : * ? \" < > |）")
    if in_folder or not target.exists():
        return FileNotWritable(f"{where}没有在文件夹“{folder}”中写入文件的权限，请换一个文件夹")
    return FileNotWritable(f"{where}文件正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，或是只读文件；"
                           f"请关闭后重试{kept}")


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail before a long export rather than after it: the folder must exist and take a new file, and an existing
    file must be a file that can be opened for writing (on Windows one open in Excel/WPS cannot).
    """
    target = Path(path)
    if target.is_dir() or not target.parent.is_dir():
        raise refusal(target)
    if target.exists():
        try:
            with open(target, "r+b"):
                pass
        except OSError as exc:
            raise refusal(target, exc) from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".~检查", dir=target.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise refusal(target, exc, in_folder=True) from None


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the body succeeds it replaces `path` in one step.

    A failure anywhere — in the body, or because the file is open in Excel — leaves the old file exactly as
    it was and no half-written file under the asked-for name. A full disk and a refused replacement become
    FileNotWritable; other errors of the body pass through unchanged.
    """
    target = Path(path)
    if target.is_dir() or not target.parent.is_dir():
        raise refusal(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise refusal(target, exc, in_folder=True) from None
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
        except OSError as exc:
            if isinstance(storage_error(exc, target), DiskFull):
                raise refusal(target, exc) from None
            raise
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise refusal(target, exc) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
