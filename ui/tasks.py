"""Long work off the GUI thread, with a progress bar and 取消: the one API every window uses.

Usage::

    from ui.tasks import run_task

    def work(progress):                       # runs in a worker thread: never touch a widget here
        rows = service.list()
        progress.report(1, 2, "正在整理")      # optional; raises Cancelled after 取消 was pressed
        return build(rows)

    run_task(self, "正在加载社区工作者台账", work,
             on_success=lambda result: self.show_rows(result),      # GUI thread
             on_error=None)                                         # default: a Chinese message box

- `fn(progress)` gets a `ledger.progress.Progress`; pass it on to services that take one (imports, exports,
  `load_demo`). Its `report(done, total, message)` moves the bar (total 0 = busy) and raises
  `ledger.progress.Cancelled` once the user pressed 取消, so the service's transaction rolls back.
- `on_success(result)` and `on_error(exc)` run on the GUI thread. Without `on_error`, a `LedgerError` is shown
  as it is (its message is Chinese), any other exception as 程序出错 with the details, and a cancel says
  nothing. `on_error` is called for `Cancelled` too when given.
- The progress window appears only if the work takes longer than `delay_ms` (quick work shows nothing) and
  is window-modal, so the clerk cannot start a second edit meanwhile; `show_progress=False` runs silently.
- The returned `Task` has `finished` (a signal, for tests: `qtbot.waitSignal(task.finished)`), `cancel()`,
  `result` and `error`. `running_tasks()` and `cancel_all()` serve the main window when it closes.
- Database work in `fn` must open its own session (the services do: every call is its own unit).
"""
from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ledger.errors import LedgerError
from ledger.progress import Cancelled, Progress

from . import messages

_RUNNING: set["Task"] = set()


class _Worker(QThread):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[Progress], Any], progress_holder: list):
        super().__init__()
        self._fn = fn
        self._last = 0.0
        self.progress = Progress(self._report)
        progress_holder.append(self.progress)

    def _report(self, done: int, total: int, message: str) -> None:
        # A busy loop may report thousands of times a second; the bar needs a few updates a second.
        now = time.monotonic()
        if now - self._last >= 0.05 or (total and done >= total):
            self._last = now
            self.progressed.emit(done, total, message)

    def run(self) -> None:
        try:
            result = self._fn(self.progress)
        except BaseException as exc:  # noqa: BLE001 — every failure must reach the GUI thread, not vanish
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class ProgressWindow(QDialog):
    """The bar, the current step and 取消; closing the window or Esc cancels too."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None, title: str, cancellable: bool):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        self.label = QLabel(title + "…")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setFormat("%p%")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(row)

    def show_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        if message:
            self.label.setText(message)

    def _cancel(self) -> None:
        if self.cancel_button.isEnabled():
            self.cancel_button.setEnabled(False)
            self.label.setText("正在取消…")
            self.cancel_requested.emit()

    def reject(self) -> None:  # Esc and the window's close button
        self._cancel()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.property("finished"):
            event.accept()
        else:
            self._cancel()
            event.ignore()


class Task(QObject):
    """One piece of work in a worker thread; see the module docstring."""

    finished = Signal()

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[Progress], Any],
                 on_success: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None,
                 cancellable: bool, show_progress: bool, delay_ms: int):
        super().__init__()
        self.title = title
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._parent = parent
        self._on_success = on_success
        self._on_error = on_error
        holder: list[Progress] = []
        self._worker = _Worker(fn, holder)
        self.progress = holder[0]
        self._window: ProgressWindow | None = None
        if show_progress:
            self._window = ProgressWindow(parent, title, cancellable)
            self._window.cancel_requested.connect(self.cancel)
            self._worker.progressed.connect(self._window.show_progress)
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_window)
            self._timer.start(delay_ms)
        self._worker.succeeded.connect(self._succeeded)
        self._worker.failed.connect(self._failed)
        _RUNNING.add(self)
        self._worker.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self.progress.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker thread ends (for closing the application); the result is still delivered
        by the event loop."""
        return self._worker.wait(msecs)

    def _show_window(self) -> None:
        if not self.done and self._window is not None:
            self._window.show()

    def _close_window(self) -> None:
        if self._window is not None:
            self._window.setProperty("finished", True)
            self._window.close()
            self._window.deleteLater()
            self._window = None

    def _succeeded(self, result: Any) -> None:
        self.done = True
        self.result = result
        self._close_window()
        try:
            if self._on_success is not None:
                self._on_success(result)
        finally:
            self._finish()

    def _failed(self, exc: BaseException) -> None:
        self.done = True
        self.error = exc
        self._close_window()
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                show_error(self._parent, self.title, exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        self._worker.wait()
        _RUNNING.discard(self)
        self.finished.emit()


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """How a failed task tells the user: nothing for a cancel, the message for a refusal, details otherwise."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, LedgerError):
        messages.warn(parent, title, str(exc))
        return
    details = getattr(exc, "__traceback_text__", "") or "".join(traceback.format_exception(exc))
    messages.error(parent, title, f"程序出错：{exc.__class__.__name__}：{exc}", details)


def run_task(parent: QWidget | None, title: str, fn: Callable[[Progress], Any],
             on_success: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, *, cancellable: bool = True,
             show_progress: bool = True, delay_ms: int = 400) -> Task:
    """Run fn(progress) in a worker thread; see the module docstring."""
    return Task(parent, title, fn, on_success, on_error, cancellable, show_progress, delay_ms)


def running_tasks() -> list[Task]:
    return list(_RUNNING)


def cancel_all(wait_ms: int = 10000) -> None:
    """Cancel every running task and wait for its thread (the main window calls this when it closes)."""
    for task in list(_RUNNING):
        task.cancel()
    deadline = time.monotonic() + wait_ms / 1000
    for task in list(_RUNNING):
        task.wait(max(0, int((deadline - time.monotonic()) * 1000)))


__all__ = ["run_task", "Task", "ProgressWindow", "running_tasks", "cancel_all", "show_error"]
