"""The 社区工作者 page driven through its real widgets: add, edit, find, delete; refusals save nothing."""
from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from ledger.idcard import make_id
from ledger.models import LevelChange, Worker
from ledger.services import CommunityService
from tests.helpers import count, shown_window
from ui import messages, tasks
from ui.main_window import MainWindow
from ui.record_dialog import RecordDialog

GOOD_ID = make_id("150203", date(1985, 6, 15), 231)


@pytest.fixture
def window(qtbot, ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    with shown_window(qtbot, ledger) as win:
        yield win


@pytest.fixture
def asked(monkeypatch):
    """Answer every question with yes, and keep what was asked (no modal box is ever shown)."""
    questions: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: questions.append(text) or True)
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: questions.append(text))
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: questions.append(text))
    return questions


def open_page(qtbot, window, key="workers"):
    page = window.show_page(key)
    page = getattr(page, "entries", page)
    qtbot.waitUntil(lambda: page.table is not None and page.loading is None and not tasks.running_tasks())
    return page


def type_text(qtbot, widget, text: str) -> None:
    """Type as a clerk does: Latin keys one by one, Chinese committed by the input method (QTest cannot
    send key events for characters beyond Latin-1)."""
    chunk = ""
    for char in text + "\0":
        if char != "\0" and not char.isascii():
            chunk += char
            continue
        if chunk:
            event = QInputMethodEvent("", [])
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)
            chunk = ""
        if char != "\0":
            qtbot.keyClicks(widget, char)


def shown_dialog(widget) -> RecordDialog | None:
    """The record dialog open over a page (closed ones wait for deletion and are skipped)."""
    found = [d for d in widget.findChildren(RecordDialog) if shiboken6.isValid(d) and d.isVisible()]
    return found[-1] if found else None


def activate(qtbot, widget) -> None:
    """Shortcuts (Ctrl+S, Ctrl+N) reach only the active window."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def choose(editor, text: str) -> None:
    """Pick a value the way a clerk does: from the list, or typed into an editable list."""
    combo = editor.combo
    if combo.isEditable():
        combo.lineEdit().clear()
        combo.lineEdit().insert(text)
    else:
        index = next(i for i in range(combo.count()) if combo.itemText(i).split("（")[0] == text)
        combo.setCurrentIndex(index)


def fill_worker(qtbot, dialog, name="测试员甲", id_number=GOOD_ID, level="5") -> None:
    type_text(qtbot, dialog.editors["name"].widget, name)
    type_text(qtbot, dialog.editors["id_number"].widget, id_number)
    choose(dialog.editors["community"], "幸福社区")
    choose(dialog.editors["title"], "社区工作者")
    choose(dialog.editors["post"], "三岗")
    type_text(qtbot, dialog.editors["level"].widget, level)
    type_text(qtbot, dialog.editors["started_on"].widget, "2015.03")


def test_add_edit_find_and_delete_a_worker(qtbot, window, ledger, asked):
    page = open_page(qtbot, window)
    assert page.model.rowCount() == 0
    dialog = page.new_record()
    assert isinstance(dialog, RecordDialog) and dialog.isVisible()
    fill_worker(qtbot, dialog)
    # 性别/出生日期/年龄 are read from the 身份证号 as it is typed
    assert "出生日期：1985年06月15日" in dialog.derived.text() and "性别：" in dialog.derived.text()
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog.editors["started_on"].widget, Qt.Key.Key_Return)   # Enter saves
    assert not dialog.isVisible()
    assert count(ledger, Worker) == 1
    assert page.model.rowCount() == 1
    row = page.model.table.rows[page.model.visible[0]]
    assert row[0] == "测试员甲" and row[page.keys.index("level")] == "5"
    assert row[page.keys.index("sex")] == "男"

    # edit: double-click opens the record, change 等级, Ctrl+S saves
    index = page.model.index(0, 0)
    rect = page.view.visualRect(index)
    # an item view reacts to a double click only after the press of the first click
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: shown_dialog(page) is not None)
    dialog = shown_dialog(page)
    assert dialog.editors["name"].value() == "测试员甲"
    level = dialog.editors["level"].widget
    level.selectAll()
    type_text(qtbot, level, "7")
    activate(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(level, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.model.table.rows[page.model.visible[0]][page.keys.index("level")] == "7"
    assert count(ledger, LevelChange) == 1   # the service kept the 调级记录

    # find it by search, by text and by 拼音首字母, and lose it with another word
    page.focus_search()
    type_text(qtbot, page.search, "测试")
    assert page.model.rowCount() == 1
    page.search.clear()
    type_text(qtbot, page.search, "csyj")
    assert page.model.rowCount() == 1
    type_text(qtbot, page.search, "x")
    assert page.model.rowCount() == 0
    page.search.clear()

    # delete: select, press Delete, confirm
    activate(qtbot, window)
    page.view.setFocus()
    page.view.selectRow(0)
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0 and not tasks.running_tasks())
    assert "测试员甲" in asked[-1]
    assert count(ledger, Worker) == 0


def test_invalid_id_number_shows_the_message_and_saves_nothing(qtbot, window, ledger, asked):
    page = open_page(qtbot, window)
    dialog = page.new_record()
    fill_worker(qtbot, dialog, id_number=GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"))
    error = dialog.errors["id_number"]
    qtbot.waitUntil(error.isVisible)        # checked as you type, without pressing anything
    assert "校验位不正确" in error.text()
    qtbot.keyClick(dialog.editors["name"].widget, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert count(ledger, Worker) == 0
    assert page.model.rowCount() == 0

    dialog.editors["id_number"].widget.clear()
    type_text(qtbot, dialog.editors["id_number"].widget, "1.10105E+17")
    qtbot.waitUntil(lambda: "Excel" in error.text())
    assert "文本" in error.text()


def test_level_outside_the_post_range_shows_the_message_and_saves_nothing(qtbot, window, ledger, asked):
    page = open_page(qtbot, window)
    dialog = page.new_record()
    fill_worker(qtbot, dialog, level="30")
    error = dialog.errors["level"]
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "三岗（其他社区工作者）的等级范围是1–12级，不能是30级"
    dialog.save_button.click()
    assert dialog.isVisible() and count(ledger, Worker) == 0
    # put it right and the same dialog saves
    level = dialog.editors["level"].widget
    level.selectAll()
    type_text(qtbot, level, "12")
    qtbot.waitUntil(lambda: not error.isVisible())
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    assert count(ledger, Worker) == 1


def test_esc_cancels_and_asks_only_when_something_was_typed(qtbot, window, ledger, asked):
    page = open_page(qtbot, window)
    dialog = page.new_record()
    qtbot.keyClick(dialog.editors["name"].widget, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and asked == []
    dialog = page.new_record()
    type_text(qtbot, dialog.editors["name"].widget, "某")
    qtbot.keyClick(dialog.editors["name"].widget, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and asked == ["修改尚未保存，确定要放弃吗？"]
    assert count(ledger, Worker) == 0


def test_sort_by_header_filters_and_remembered_columns(qtbot, ledger, asked):
    from ledger.services import WorkerService
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    for n, (name, community, level) in enumerate((("王芳", "幸福社区", 3), ("阿明", "和平社区", 11),
                                                 ("张三", "幸福社区", 7))):
        WorkerService(ledger).create({"name": name, "id_number": make_id("150203", date(1980, 1, 1 + n), 100 + n),
                                      "community": community, "title": "社区工作者", "post": "三岗", "level": level})
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    window.show()
    page = open_page(qtbot, window)
    names = lambda: [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]  # noqa: E731
    header = page.view.horizontalHeader()
    level = page.keys.index("level")
    header.sectionClicked.emit(level)
    assert names() == ["王芳", "张三", "阿明"]
    header.sectionClicked.emit(level)
    assert names() == ["阿明", "张三", "王芳"]
    header.sectionClicked.emit(0)
    assert names() == ["阿明", "王芳", "张三"]           # by pinyin
    page.facet_boxes["社区"].setCurrentText("幸福社区")
    assert names() == ["王芳", "张三"]
    assert "共 2 人（全部 3 人）" in page.footer.text()
    # the tree's 社区 filters every page and fixes the page's own 社区 filter
    window.select_community(CommunityService(ledger).id_by_name("和平社区"))
    assert names() == ["阿明"] and not page.facet_boxes["社区"].isEnabled()
    window.clear_scope()
    # columns: hide one, widen another; a new window remembers both and the sort
    page.set_column_shown("education", False)
    header.resizeSection(0, 177)
    window.close()
    again = MainWindow(ledger)
    qtbot.addWidget(again)
    again.show()
    page = open_page(qtbot, again)
    assert page.view.isColumnHidden(page.keys.index("education"))
    assert page.view.horizontalHeader().sectionSize(0) == 177
    assert page.query.sort_key == "name"
    again.close()


def test_keyboard_new_record_and_numbers_right_aligned(qtbot, window, asked):
    page = open_page(qtbot, window, "funds")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = shown_dialog(page)
    assert dialog is not None and dialog.windowTitle() == "新建经费"
    dialog.reject()
    activate(qtbot, window)
    amount = page.keys.index("amount")
    alignment = page.model.headerData(amount, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus() or window.focusWidget() is page.search
