"""run_task: work off the GUI thread, results and errors back on it, 取消 wired to Progress.cancel()."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from ledger.errors import ValidationError
from ledger.models import Community
from ledger.progress import Cancelled
from tests.helpers import count
from ui import messages, tasks
from ui.tasks import run_task


@pytest.fixture
def shown(monkeypatch):
    """Messages the default error handling would show."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: seen.append(("warn", text)))
    monkeypatch.setattr(messages, "error", lambda parent, title, text, details="": seen.append(("error", text)))
    return seen


def test_result_arrives_on_the_gui_thread(qtbot, shown):
    gui = QThread.currentThread()
    seen = {}

    def work(progress):
        seen["worker"] = QThread.currentThread()
        progress.report(1, 2, "一半")
        return 42

    got = []
    task = run_task(None, "计算", work, lambda result: got.append((result, QThread.currentThread())))
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert got == [(42, gui)] and seen["worker"] is not gui
    assert task.result == 42 and task.error is None and tasks.running_tasks() == []


def test_refusal_is_shown_as_its_message_and_other_errors_with_details(qtbot, shown):
    def refuse(progress):
        raise ValidationError.single("身份证号", "校验位不正确，请核对号码")

    def crash(progress):
        raise KeyError("x")

    for fn in (refuse, crash):
        task = run_task(None, "保存", fn)
        with qtbot.waitSignal(task.finished, timeout=10000):
            pass
    assert shown[0] == ("warn", "身份证号：校验位不正确，请核对号码")
    assert shown[1][0] == "error" and shown[1][1].startswith("程序出错：KeyError")


def test_cancel_button_stops_the_work(qtbot, shown):
    started = threading.Event()

    def work(progress):
        started.set()
        while True:
            progress.report(0, 0, "等待")
            threading.Event().wait(0.01)

    errors = []
    task = run_task(None, "长时间工作", work, on_error=errors.append, delay_ms=0)
    assert started.wait(5)
    qtbot.waitUntil(lambda: task._window is not None and task._window.isVisible())
    window = task._window
    assert window.cancel_button.text() == "取消"
    with qtbot.waitSignal(task.finished, timeout=10000):
        window.cancel_button.click()
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    assert shown == []


def test_cancelled_demo_load_writes_nothing(qtbot, ledger, shown):
    from ledger.demo import load_demo
    task = run_task(None, "加载演示数据", lambda progress: load_demo(ledger, "street", progress=progress))
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    assert isinstance(task.error, Cancelled) and shown == []   # a cancel says nothing
    assert count(ledger, Community) == 0


def test_quick_work_shows_no_window(qtbot):
    task = run_task(None, "很快", lambda progress: "好", delay_ms=10000)
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert task._window is None and task.result == "好"

