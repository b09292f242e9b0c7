"""Reports: Excel templates and PDF rendering over the ledger (no Qt, nothing from ui/)."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.errors import LedgerError


class ExportError(LedgerError):
    """A report could not be made; the message says why, in Chinese, fit to show a user as it is."""


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `path` and move it into place only when the body succeeds.

    A failed export must not leave a half-written file under the name the clerk asked for, and on Windows a
    report still open in Excel or a PDF viewer is locked: say so instead of showing a raw PermissionError.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise ExportError(f"无法写入文件“{target.name}”：它可能正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，"
                              f"请关闭后重试") from None
    finally:
        if tmp.exists():
            tmp.unlink()
