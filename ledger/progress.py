"""Progress and cancellation for long work, without any GUI: the GUI and the CLI each supply a callback."""
from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import LedgerError


class Cancelled(LedgerError):
    """The user cancelled; the operation's transaction was rolled back and nothing was written."""

    def __init__(self, message: str = "已取消，未写入任何数据"):
        super().__init__(message)


class Progress:
    """Reports done/total with a message; raises Cancelled at the next report once cancel() was called."""

    def __init__(self, callback: Callable[[int, int, str], None] | None = None):
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, message: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        if self._callback is not None:
            self._callback(done, total, message)


SILENT = Progress()
