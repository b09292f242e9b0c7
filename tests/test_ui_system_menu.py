"""The 系统 menu: refusals shown as messages, a record's history, a backup, the first account reopening."""
from __future__ import annotations

import sqlite3

import pytest

from ledger.access import LEADER, Actor
from ledger.services import CommunityService
from ui import messages
from ui.main_window import MainWindow


@pytest.fixture
def said(monkeypatch):
    out: list[str] = []
    for name in ("inform", "warn"):
        monkeypatch.setattr(messages, name, lambda parent, title, text, out=out: out.append(text))
    return out


def _window(qtbot, ledger) -> MainWindow:
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    return window


def _action(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "系统(&S)")
    return next(a for a in menu.actions() if a.text() == text)


def test_a_leader_is_refused_accounts_with_a_message(qtbot, sqlite_ledger, said):
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    window = _window(qtbot, sqlite_ledger.as_actor(Actor("王领导", LEADER)))
    _action(window, "账号管理…").trigger()
    assert "没有“管理账号”的权限" in said[-1]


def test_each_refusal_is_titled_by_its_own_menu_entry(qtbot, sqlite_ledger, monkeypatch):
    """The 修改密码 warning was titled 从备份恢复: every entry's box took the menu's last title."""
    titles: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: titles.append((title, text)))
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    window = _window(qtbot, sqlite_ledger)
    _action(window, "修改密码…").trigger()                # no accounts yet: nothing to change
    window.show_page("home")
    _action(window, "当前记录的修改历史…").trigger()
    assert [title for title, _ in titles] == ["修改密码", "当前记录的修改历史"]
    assert "尚未启用账号" in titles[0][1]


def test_record_history_needs_a_selection(qtbot, sqlite_ledger, said):
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    window = _window(qtbot, sqlite_ledger)
    window.show_page("home")
    _action(window, "当前记录的修改历史…").trigger()
    assert said[-1] == "请先在台账页面中选中一条记录"


def test_a_records_history_names_it_with_its_community(qtbot, sqlite_ledger, said):
    from ledger.services import GridService
    from ui.audit_view import RecordHistoryDialog
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    grid = GridService(sqlite_ledger).create({"community": "幸福社区", "code": "01", "name": "第1网格",
                                              "households": 450, "buildings": 14})
    GridService(sqlite_ledger).update(grid["id"], {"buildings": "12"})
    window = _window(qtbot, sqlite_ledger)
    page = window.show_page("grids")
    qtbot.waitUntil(lambda: page.table is not None)
    page.select_record(grid["id"])
    _action(window, "当前记录的修改历史…").trigger()
    dialog = next(d for d in window.findChildren(RecordHistoryDialog) if d.isVisible())
    assert dialog.windowTitle() == "修改历史 — 网格 幸福社区 第1网格"
    assert "楼栋数" in dialog.browser.toPlainText() and "buildings" not in dialog.browser.toPlainText()


def test_backup_to_a_chosen_file(qtbot, sqlite_ledger, said, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    CommunityService(sqlite_ledger).create({"name": "幸福社区"})
    target = tmp_path / "备份.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = _window(qtbot, sqlite_ledger)
    _action(window, "备份数据库…").trigger()
    with sqlite3.connect(target) as c:
        assert c.execute("SELECT name FROM community").fetchall() == [("幸福社区",)]
    assert said[-1].startswith("已备份到")


def test_first_account_reopens_the_window(qtbot, sqlite_ledger, said, monkeypatch):
    class FakeDialog:
        def __init__(self, ledger, parent):
            from PySide6.QtCore import QObject, Signal

            class Emitter(QObject):
                login_enabled = Signal(str)
            self._emitter = Emitter()
            self.login_enabled = self._emitter.login_enabled

        def exec(self):
            self.login_enabled.emit("张管理")
    import ui.accounts_dialog
    monkeypatch.setattr(ui.accounts_dialog, "AccountsDialog", FakeDialog)
    window = _window(qtbot, sqlite_ledger)
    window.show()
    _action(window, "账号管理…").trigger()
    assert window.reopen_requested and not window.isVisible()
    assert "张管理" in said[-1]
