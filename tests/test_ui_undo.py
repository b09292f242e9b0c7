"""撤销 in the window, 批量修改, 保存并新建, 恢复到此版本 and the 回收站, driven through the real widgets."""
from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import QItemSelectionModel

from ledger.access import CLERK, Actor
from ledger.idcard import make_id
from ledger.models import AuditEntry, Worker
from ledger.services import CommunityService, GridService, WorkerService
from tests.helpers import count, shown_window, snapshot
from ui import messages, tasks
from ui.audit_view import RecordHistoryDialog
from ui.batch_edit import BatchEditDialog
from ui.main_window import MainWindow
from ui.recycle_bin_dialog import RecycleBinDialog

WORKERS = (("张华", "二岗", "8"), ("李敏", "三岗", "9"), ("王强", "二岗", "10"))


@pytest.fixture
def said(monkeypatch):
    """Message boxes answered yes (or as `said.answer` says) and kept, never shown."""
    kept: list[str] = []
    kept_answer = {"yes": True}
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: kept.append(text) or kept_answer["yes"])
    for name in ("inform", "warn"):
        monkeypatch.setattr(messages, name, lambda parent, title, text: kept.append(text))
    return kept


@pytest.fixture
def window(qtbot, ledger, said):
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
    GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第1网格", "households": "450",
                                "buildings": "14"})
    for n, (name, post, level) in enumerate(WORKERS):
        WorkerService(ledger).create({"name": name, "id_number": make_id("150203", date(1980 + n, 5, 1), 31 + n),
                                      "community": "幸福社区", "title": "社区工作者", "post": post, "level": level,
                                      "started_on": "2015.03"})
    with shown_window(qtbot, ledger) as win:
        yield win


def _page(qtbot, window, key):
    page = window.show_page(key)
    qtbot.waitUntil(lambda: page.table is not None and page.loading is None and not tasks.running_tasks())
    return page


def _idle(qtbot, page):
    qtbot.waitUntil(lambda: page.loading is None and not page.stale and not tasks.running_tasks(), timeout=20000)


def _shown_dialog(widget, kind):
    found = [d for d in widget.findChildren(kind) if shiboken6.isValid(d) and d.isVisible()]
    return found[-1] if found else None


def _grid(ledger):
    return GridService(ledger).list()[0]


def test_undo_and_redo_of_an_edit(qtbot, window, ledger):
    page = _page(qtbot, window, "grids")
    dialog = page.open_record(_grid(ledger)["id"])
    dialog.editors["buildings"].set_value("12")         # the slip of the mouse: 14 → 12
    assert dialog.save()
    assert _grid(ledger)["buildings"] == 12
    assert window.undo_action.text() == "撤销 修改 幸福社区 第1网格"
    window.undo_action.trigger()
    assert _grid(ledger)["buildings"] == 14
    _idle(qtbot, page)
    assert page.model.record(0)["buildings"] == 14          # the page shows it again
    assert window.redo_action.text() == "重做 修改 幸福社区 第1网格"
    window.redo_action.trigger()
    assert _grid(ledger)["buildings"] == 12


def test_undo_meets_a_change_someone_else_made_since(qtbot, window, ledger, said):
    page = _page(qtbot, window, "grids")
    dialog = page.open_record(_grid(ledger)["id"])
    dialog.editors["buildings"].set_value("12")
    assert dialog.save()
    other = ledger.as_actor(Actor("李四", CLERK, None, "界面"))
    GridService(other).update(_grid(ledger)["id"], {"households": "500"})
    rows = snapshot(ledger, GridService.model)
    window.undo_action.trigger()
    assert said[-1].startswith("没有撤销“修改 幸福社区 第1网格”：网格“第1网格”已被“李四”于")
    assert "户数 450 → 500" in said[-1]
    assert snapshot(ledger, GridService.model) == rows         # nothing overwritten
    assert (_grid(ledger)["buildings"], _grid(ledger)["households"]) == (12, 500)
    assert not window.undo_action.isEnabled()                   # the step is dropped: its record moved on


def test_undo_of_a_delete_brings_the_record_back_under_its_id(qtbot, window, ledger, said):
    page = _page(qtbot, window, "workers")
    wang = next(r for r in WorkerService(ledger).list() if r["name"] == "王强")
    page.select_record(wang["id"])
    page.delete_selected()
    qtbot.waitUntil(lambda: page.deleting is not None and page.deleting.done, timeout=20000)
    assert "可按 Ctrl+Z 撤销" in said[-1]
    assert count(ledger, Worker) == 2 and page.model.row_of_id(wang["id"]) is None
    assert window.undo_action.text() == "撤销 删除 王强（幸福社区）"
    window.undo_action.trigger()
    assert WorkerService(ledger).get(wang["id"])["name"] == "王强"
    _idle(qtbot, page)
    assert page.model.row_of_id(wang["id"]) is not None
    window.redo_action.trigger()                                 # deleted again, into the bin
    assert count(ledger, Worker) == 2


def _select(page, names):
    selection = page.view.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(page.model.rowCount()):
        if page.model.record(row)["name"] in names:
            selection.select(page.model.index(row, 0), flags)


def test_a_batch_with_one_refused_row_saves_nothing_and_names_it(qtbot, window, ledger):
    page = _page(qtbot, window, "workers")
    _select(page, {"张华", "李敏", "王强"})
    dialog = page.edit_selected()                      # 编辑 of 3 rows offers 批量修改
    assert isinstance(dialog, BatchEditDialog) and dialog.isVisible()
    rows, trail = snapshot(ledger, Worker), count(ledger, AuditEntry)
    dialog.choose("等级")
    dialog.set_value("14")                             # within 二岗 (4–15), not 三岗 (1–12)
    preview = {row[0]: row for row in dialog.model.rows}
    assert preview["张华（幸福社区）"][1:] == ("8", "14", "可以修改")
    assert preview["李敏（幸福社区）"][3].startswith("等级：")
    assert "有1条记录不能这样修改" in dialog.note.text() and not dialog.save_button.isEnabled()
    assert not dialog.save() and "没有保存任何修改" in dialog.note.text()
    assert snapshot(ledger, Worker) == rows and count(ledger, AuditEntry) == trail


def test_a_batch_saved_and_undone(qtbot, window, ledger, said):
    page = _page(qtbot, window, "workers")
    _select(page, {"张华", "李敏", "王强"})
    dialog = page.batch_edit()
    dialog.choose("等级")
    dialog.set_value("11")
    other = ledger.as_actor(Actor("李四", CLERK, None, "界面"))
    li = next(r for r in WorkerService(ledger).list() if r["name"] == "李敏")
    WorkerService(other).update(li["id"], {"level": "10"})       # after the preview: the save refuses it
    assert not dialog.save()
    assert "没有保存任何修改" in dialog.note.text()
    assert next(r for r in dialog.model.rows if r[0] == "李敏（幸福社区）")[3].startswith("社区工作者“李敏”已被“李四”于")
    dialog.reject()

    page.refresh()                                     # F5: the page shows 李敏 as 李四 left her
    _idle(qtbot, page)
    _select(page, {"张华", "李敏", "王强"})
    dialog = page.batch_edit()
    dialog.choose("等级")
    dialog.set_value("11")
    assert dialog.save()
    levels = lambda: {r["name"]: r["level"] for r in WorkerService(ledger).list()}  # noqa: E731
    assert levels() == {"张华": 11, "李敏": 11, "王强": 11}
    assert window.undo_action.text() == "撤销 批量修改 3条社区工作者记录的等级"
    window.undo_action.trigger()
    assert levels() == {"张华": 8, "李敏": 10, "王强": 10}


def test_save_and_new_keeps_the_community_for_the_next_record(qtbot, window, ledger):
    page = _page(qtbot, window, "grids")
    dialog = page.new_record()
    dialog.editors["community"].set_value("和平社区")
    for key, value in (("code", "02"), ("name", "第2网格"), ("households", "420")):
        dialog.editors[key].set_value(value)
    assert dialog.save_new_button.isVisible() and dialog.save_and_new()
    assert dialog.isVisible() and dialog.record_id is None and dialog.windowTitle() == "新建网格"
    assert dialog.editors["community"].value() == "和平社区" and dialog.editors["code"].value() == ""
    assert [g["name"] for g in GridService(ledger).list() if g["community"] == "和平社区"] == ["第2网格"]
    assert window.undo_action.text() == "撤销 新建 和平社区 第2网格"
    window.undo_action.trigger()                       # taken back: into the 回收站
    assert [g["name"] for g in GridService(ledger).list() if g["community"] == "和平社区"] == []


def test_restoring_an_earlier_version_from_the_history(qtbot, window, ledger, said):
    page = _page(qtbot, window, "grids")
    grid = _grid(ledger)
    GridService(ledger).update(grid["id"], {"buildings": "12"})
    _idle(qtbot, page)
    page.select_record(grid["id"])
    dialog = page.show_history()
    assert isinstance(dialog, RecordHistoryDialog) and dialog.isVisible()
    assert [r.action for r in dialog.rows] == ["新增", "修改"]
    assert not dialog.restore_button.isEnabled()        # the last entry is the record as it is
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    assert dialog.restore_selected()["buildings"] == 14
    assert _grid(ledger)["buildings"] == 14 and [r.action for r in dialog.rows] == ["新增", "修改", "修改"]
    window.undo_action.trigger()                         # a restore is a step 撤销 takes back
    assert _grid(ledger)["buildings"] == 12


def _open_bin(window) -> RecycleBinDialog:
    action = next(a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions() if a.text() == "回收站…")
    action.trigger()
    return _shown_dialog(window, RecycleBinDialog)


def test_restore_from_the_recycle_bin_and_a_refused_one(qtbot, window, ledger, said):
    workers = WorkerService(ledger)
    zhang, li = (next(r for r in workers.list() if r["name"] == n) for n in ("张华", "李敏"))
    workers.delete(zhang["id"])
    workers.delete(li["id"])
    workers.create({"name": "李敏新", "id_number": li["id_number"], "community": "和平社区", "title": "委员",
                    "post": "三岗", "level": "3"})              # the same person entered again meanwhile
    page = _page(qtbot, window, "workers")
    dialog = _open_bin(window)
    assert [row[:2] for row in dialog.model.rows] == [("社区工作者", "李敏（幸福社区）"), ("社区工作者", "张华（幸福社区）")]
    dialog.select(["张华（幸福社区）", "李敏（幸福社区）"])
    assert dialog.restore_selected() == ["张华（幸福社区）"]
    assert "李敏（幸福社区）" in said[-1] and "身份证号：与现有的社区工作者“李敏新（和平社区）”相同，不能恢复" in said[-1]
    assert workers.get(zhang["id"])["name"] == "张华"
    assert [row[1] for row in dialog.model.rows] == ["李敏（幸福社区）"]
    _idle(qtbot, page)
    assert page.model.row_of_id(zhang["id"]) is not None


def test_the_recycle_bin_of_a_limited_account(qtbot, ledger, said):
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
    ids = [WorkerService(ledger).create({"name": name, "id_number": make_id("150203", date(1980 + n, 5, 1), 31 + n),
                                         "community": community, "title": "社区工作者", "post": "三岗", "level": "3"})["id"]
           for n, (name, community) in enumerate((("张华", "幸福社区"), ("李敏", "和平社区")))]
    for record_id in ids:
        WorkerService(ledger).delete(record_id)
    own = next(c["id"] for c in CommunityService(ledger).list() if c["name"] == "幸福社区")
    clerk = ledger.as_actor(Actor("幸福录入员", CLERK, own, "界面"))
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    window.show()
    dialog = _open_bin(window)
    assert [row[1] for row in dialog.model.rows] == ["张华（幸福社区）"]
    assert not dialog.empty_button.isEnabled() and "只有管理员" in dialog.empty_button.toolTip()
    window.close()
