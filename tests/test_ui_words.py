"""Words are for people: every page and every dialog the menus and page buttons open is walked with the street
demo data, and no visible string may show an identifier, a code or a Python repr.

The walk shows each navigation page, clicks every enabled button on it (message boxes, file dialogs and modal
loops answered without showing: a dialog's exec() shows it instead) and every button of the dialogs that opens
(one level further), and triggers every menu entry; it collects window titles, labels, buttons, tooltips,
placeholders, combo items, tab names, menu entries, table headers and the cells of the first rows, chart
titles and axis labels, and what the message boxes said.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QChartView
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox, QDialog,
                               QFileDialog, QGroupBox, QInputDialog, QLabel, QLineEdit, QListWidget, QMainWindow,
                               QMenu, QMessageBox, QPlainTextEdit, QPushButton, QTabBar, QTableView, QTabWidget,
                               QTextEdit, QTreeWidget, QWidget)

from shiboken6 import isValid

from ledger.access import Actor
from ledger.app import Ledger
from ui import messages, tasks
from ui.app import make_application
from ui.main_window import PAGES, MainWindow

# Words a clerk knows, and keys as the keyboard labels them.
ALLOWED = {"Excel", "WPS", "PDF", "CSV", "xlsx", "xls", "csv", "sqlite", "db", "Ctrl", "Enter", "Esc", "Delete",
           "Tab", "Shift", "Alt", "PostgreSQL", "km"}
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CODE = re.compile(r"[A-Za-z]+[0-9][A-Za-z0-9]*")   # a voucher or grid number a clerk typed: BR20250000001
REPRS = ("{'", "['", "{\"", "<ui.", "<ledger.", "object at 0x", "Traceback")
PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\，。；：（）()“”]+)+[/\\]?")
FILE_PATTERN = re.compile(r"\(\*\.[^)]*\)")    # a file dialog's filter: (*.xlsx *.csv)
ROWS = 15


def problems(text: str) -> list[str]:
    """The identifiers and reprs in a visible string (paths and file patterns are the user's own words)."""
    found = [r for r in REPRS if r in text]
    plain = FILE_PATTERN.sub(" ", PATH.sub(" ", text))
    found += [w for w in TOKEN.findall(plain) if ("_" in w or len(w) > 1) and w not in ALLOWED
              and not CODE.fullmatch(w)]
    return found


def test_the_scan_catches_what_users_saw():
    assert problems("spec：{'name': '示例标准'}") == ["{'", "spec", "name"]
    assert problems("修改 credited_bonus") == ["credited_bonus"]
    assert problems("一肩挑：True；备注：None") == ["True", "None"]
    assert problems("已导出：/tmp/报表/汇总.xlsx（Excel，Ctrl+C）") == []
    assert problems("记录 district") == ["district"]
    assert problems("凭证号 BR20250000001，网格 A01") == []


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def strings(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for what a person sees of a window: its visible widgets' words and first table rows."""
    for w in (root, *root.findChildren(QWidget)):
        if not w.isVisible():
            continue
        where = type(w).__name__
        if w.isWindow():
            yield where, w.windowTitle()
        yield where, w.toolTip()
        if isinstance(w, QLabel):
            yield where, _plain(w.text())
        elif isinstance(w, QAbstractButton):
            yield where, w.text()
            if isinstance(w, QPushButton) and w.menu() is not None:
                w.menu().aboutToShow.emit()
                yield from _menu(w.menu())
        elif isinstance(w, QGroupBox):
            yield where, w.title()
        elif isinstance(w, QLineEdit):
            yield where, w.text()
            yield where, w.placeholderText()
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            yield where, w.toPlainText()[:2000]
            yield where, w.placeholderText()
        elif isinstance(w, QComboBox):
            yield from ((where, w.itemText(i)) for i in range(w.count()))
        elif isinstance(w, QAbstractSpinBox):
            yield where, w.text()
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield where, w.tabText(i)
                yield where, w.tabToolTip(i)
        elif isinstance(w, QChartView) and w.chart() is not None:
            yield from _chart(w)
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            yield from _table(w)
        if isinstance(w, QMainWindow):
            for action in w.menuBar().actions():
                yield "菜单", action.text()
                if action.menu() is not None:
                    yield from _menu(action.menu())


def _menu(menu: QMenu) -> Iterator[tuple[str, str]]:
    for action in menu.actions():
        yield "菜单", action.text()
        yield "菜单", action.toolTip() if action.toolTip() != action.text().replace("&", "") else ""


def _chart(view: QChartView) -> Iterator[tuple[str, str]]:
    chart = view.chart()
    yield "图表", chart.title()
    for axis in chart.axes():
        if isinstance(axis, QBarCategoryAxis):
            yield from (("图表", _plain(c)) for c in axis.categories())
    for marker in chart.legend().markers():
        yield "图表", marker.label()


def _table(view: QAbstractItemView) -> Iterator[tuple[str, str]]:
    where = type(view).__name__
    if isinstance(view, QTreeWidget):
        for i in range(min(view.topLevelItemCount(), ROWS)):
            item = view.topLevelItem(i)
            yield where, item.text(0)
            yield from ((where, item.child(j).text(0)) for j in range(min(item.childCount(), 3)))
        return
    if isinstance(view, QListWidget):
        yield from ((where, view.item(i).text()) for i in range(min(view.count(), ROWS)))
        return
    model, top = view.model(), QModelIndex()
    columns = model.columnCount(top)
    for column in range(columns):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            yield where, str(model.headerData(column, Qt.Orientation.Horizontal, role) or "")
    for row in range(min(model.rowCount(top), ROWS)):
        for column in range(columns):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if value is not None:
                    yield where, str(value)


class Walk:
    """What the walk saw, and the windows it opened."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.seen: dict[str, set[str]] = {}
        self.said: list[str] = []

    def idle(self) -> None:
        self.qtbot.waitUntil(lambda: not tasks.running_tasks(), timeout=60000)
        self.qtbot.wait(20)

    def collect(self, root: QWidget, where: str) -> None:
        for kind, text in strings(root):
            if text and text.strip():
                self.seen.setdefault(text, set()).add(f"{where} · {kind}")

    def windows(self) -> set[QWidget]:
        return {w for w in QApplication.topLevelWidgets() if isValid(w) and w.isVisible()}

    def visit(self, window: QWidget, where: str, depth: int) -> None:
        """Collect a window's words on each of its tabs and click the tab's buttons (while depth lasts), then
        click the buttons outside the tabs (保存 or 关闭 last: they may close the window)."""
        tabs = [(t, i) for t in window.findChildren(QTabWidget) for i in range(t.count()) if t.isTabEnabled(i)]
        for tab, index in tabs:
            if not isValid(tab) or not tab.isVisible():
                continue
            tab.setCurrentIndex(index)
            self.idle()
            here = f"{where} › {tab.tabText(index)}"
            self.collect(window, here)
            if depth > 0:
                self.click_all(window, here, depth, lambda b, page=tab.widget(index): page.isAncestorOf(b))
            if not isValid(window) or not window.isVisible():
                return
        self.collect(window, where)
        if depth > 0:
            pages = [t.widget(i) for t, i in tabs if isValid(t)]
            self.click_all(window, where, depth, lambda b: not any(p.isAncestorOf(b) for p in pages))

    def click_all(self, root: QWidget, where: str, depth: int, wanted=lambda button: True) -> None:
        """Click every enabled button of `root` that is `wanted`; visit each window that opens, then close it."""
        for button in [b for b in root.findChildren(QPushButton) if b.isVisible() and wanted(b)]:
            if not isValid(button) or not button.isVisible() or not button.isEnabled() or button.menu() is not None:
                continue
            before, text = self.windows(), button.text()
            button.click()
            self.idle()
            for opened in self.windows() - before:
                self.visit(opened, f"{where} › {text} › {opened.windowTitle()}", depth - 1)
                if isValid(opened):       # a dialog that closed itself after 保存 or 取消 is gone
                    opened.hide()


@pytest.fixture
def walk(qtbot, monkeypatch) -> Walk:
    make_application()           # Qt's own dialogs in Chinese, as the application starts them
    w = Walk(qtbot)

    def remember(*args, **_kw) -> None:
        w.said.extend(str(a) for a in args[1:])
    for name in ("inform", "warn", "error"):
        monkeypatch.setattr(messages, name, remember)
    monkeypatch.setattr(messages, "ask", lambda *args, **kw: remember(*args, *kw.values()) or False)

    def shown(dialog: QDialog) -> int:
        dialog.show()
        return int(QDialog.DialogCode.Rejected)

    def box(message: QMessageBox) -> int:
        w.said.extend((message.windowTitle(), message.text(), *(b.text() for b in message.buttons())))
        return int(QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QDialog, "exec", shown)
    monkeypatch.setattr(QMessageBox, "exec", box)
    monkeypatch.setattr(QMenu, "exec", lambda *a, **k: None)
    for name in ("getSaveFileName", "getOpenFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda url: True)
    return w


def _edits(ledger: Ledger) -> None:
    """A few changes, so that the 操作日志 and the histories have something to say."""
    from dataclasses import replace
    from datetime import date
    from decimal import Decimal

    from ledger.pay.standards import PayStandards
    from ledger.services import GridService, WorkerService
    grid = GridService(ledger).list()[0]
    GridService(ledger).update(grid["id"], {"buildings": "12", "households": "460"})
    first = next(w for w in WorkerService(ledger).list() if not w["dual_role"])
    WorkerService(ledger).update(first["id"], {"post": "二岗", "level": "6", "contribution_base": "5000"})
    WorkerService(ledger).add_history(first["id"], "年度考核", {"year": 2025, "grade": "优秀"})
    standards = PayStandards(ledger)
    base = standards.in_force(date(2026, 1, 1))
    standards.save(replace(base, effective_from=date(2026, 7, 1), basic_performance=Decimal("220")))


def test_no_page_or_dialog_shows_an_identifier(qtbot, demo_ledger, walk):
    _edits(demo_ledger)
    window = MainWindow(demo_ledger)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    walk.idle()
    for page in PAGES:
        widget = window.show_page(page.key)
        walk.idle()
        if page.key == "pay":
            widget.run_month()          # a month with lines, as a clerk works on it
            walk.idle()
        if page.key == "reports":
            widget.checks.run()         # the findings, as they are listed
            walk.idle()
        for view in widget.findChildren(QTableView):
            if view.model() is not None and view.model().rowCount():
                view.selectRow(0)       # a selected row shows its details (the 工资 page's explanation)
        walk.visit(widget, page.title, depth=2)
    window.show_page("workers").view.selectRow(0)
    menus = [a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()
             if a.text() and not a.isSeparator() and a.text() != "退出"]
    for action in menus:
        before = walk.windows()
        action.trigger()
        walk.idle()
        for opened in walk.windows() - before:
            for view in opened.findChildren(QTableView):
                if view.model() is not None and view.model().rowCount():
                    view.selectRow(0)   # the 操作日志 shows the selected entry in full
            walk.visit(opened, f"菜单 › {action.text()} › {opened.windowTitle()}", depth=1)
            if isValid(opened):
                opened.hide()
    found = {text: sorted(where)[:2] for text, where in walk.seen.items() if problems(text)}
    found.update({text: ["提示框"] for text in walk.said if problems(text)})
    assert not found, "\n".join(f"{problems(t)} in “{t[:120]}” ({', '.join(w)})" for t, w in found.items())
    visited = " | ".join({w.split(" · ")[0] for places in walk.seen.values() for w in places})
    for seen in ("调级记录 › 添加… › 添加调级记录", "工资标准… › 工资标准 › 五险一金", "报表 › 数据检查",
                 "打印… › 打印预览", "菜单 › 操作日志…", "预算执行 › 设置预算…", "账号管理 › 创建管理员账号…"):
        assert seen in visited      # the walk reached the windows it is meant to
    window.close()


def test_first_start_and_login_show_no_identifier(qtbot, tmp_path, walk):
    from ledger.accounts import create_user
    from ui.login_dialog import LoginDialog
    ledger = Ledger.open(tmp_path / "new.sqlite", Actor(source="界面"))
    try:
        window = MainWindow(ledger)
        qtbot.addWidget(window)
        window.show()
        walk.collect(window, "首次启动")
        create_user(ledger, "张华", "管理员", "街道2026ok")
        login = LoginDialog(ledger, window, "张华", str(tmp_path / "new.sqlite"))
        login.show()
        walk.collect(login, "登录")
        login.hide()
        window.close()
    finally:
        ledger.close()
    found = {text: sorted(where) for text, where in walk.seen.items() if problems(text)}
    assert not found, found
