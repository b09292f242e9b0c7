"""The 报表 page, driven with pytest-qt (offscreen; message boxes and file dialogs answered without showing):
the quarterly summary exported, printed and closed, ledger exports, the labour cost, and 数据检查 links."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog

from ledger import quarter
from ledger.access import LEADER, Actor
from ledger.quarter import Quarter
from ledger.services import CommunityService, GridService, WorkerService
from ui import messages, tasks
from ui.main_window import MainWindow
from ui.quarterly_view import ReopenDialog
from ui.record_dialog import RecordDialog


class Said(list):
    """What the message boxes said; questions are answered with `yes` (default no: 打开文件 opens nothing)."""
    yes = False


@pytest.fixture
def boxes(monkeypatch):
    said = Said()
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: said.append(text) or said.yes)
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: said.append(text))
    return said


@pytest.fixture
def save_to(monkeypatch):
    """The save dialog answers with the path put in `save_to.path`, and keeps the folder it was opened in."""
    class Answer:
        path: Path | None = None
        asked_in: list[str] = []

    def answer(parent, title, start, filter=""):
        Answer.asked_in.append(start)
        return (str(Answer.path) if Answer.path else "", "")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return Answer


def _idle(qtbot) -> None:
    qtbot.waitUntil(lambda: not tasks.running_tasks(), timeout=60000)


def _window(qtbot, ledger) -> MainWindow:
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    window.show()
    _idle(qtbot)
    return window


def _reports(qtbot, window: MainWindow, tab: int = 0):
    page = window.show_page("reports")
    page.tabs.setCurrentIndex(tab)
    _idle(qtbot)
    return page


def _ended_quarter() -> Quarter:
    return Quarter.containing(date.today()).previous


def test_quarterly_summary_exported_printed_and_closed_from_the_reports_page(qtbot, demo_ledger, boxes, save_to,
                                                                            tmp_path):
    window = _window(qtbot, demo_ledger)
    view = _reports(qtbot, window).quarterly
    q = _ended_quarter()
    view.quarter_box.setCurrentIndex(view.quarter_box.findData(q.code))
    _idle(qtbot)
    assert view.report is not None and view.report.figures.quarter == q
    communities = len(CommunityService(demo_ledger).list())
    assert view.rows.rowCount() == communities + 1 and view.rows.rows[-1][0] == "合计"
    members = {row[0]: row[1] for row in view.indicators.rows}["党员"]
    assert members == f"{view.report.figures.total.members:,}人"
    assert "未关账" in view.status.text() and view.close_button.isEnabled() and not view.reopen_button.isEnabled()

    save_to.path = tmp_path / "汇总"                    # typed without a suffix: .xlsx is added
    view.xlsx_button.click()
    _idle(qtbot)
    book = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    texts = {str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None}
    assert any(f"{q.label}统计汇总表" in t for t in texts) and "幸福社区" in texts
    save_to.path = tmp_path / "汇总.pdf"
    view.pdf_button.click()
    _idle(qtbot)
    pdf = QPdfDocument()
    assert pdf.load(str(tmp_path / "汇总.pdf")) == QPdfDocument.Error.None_ and pdf.pageCount() >= 2
    assert any(str(tmp_path / "汇总.pdf") in text for text in boxes)          # said where it went

    view.print_button.click()                          # the preview of that PDF, opened with open()
    _idle(qtbot)
    preview = view.preview
    assert preview.isVisible() and "统计汇总表" in preview.windowTitle()
    qtbot.waitUntil(lambda: preview.pages == pdf.pageCount(), timeout=20000)
    preview.close()

    boxes.yes = True                        # 确定关账
    view.close_button.click()
    _idle(qtbot)
    assert [c.quarter for c in quarter.closed_quarters(demo_ledger)] == [q]
    assert "已关账" in view.status.text() and "已关账" in view.quarter_box.currentText()
    assert not view.close_button.isEnabled() and view.reopen_button.isEnabled()

    view.reopen_button.click()
    dialog = view.findChild(ReopenDialog)
    assert dialog.isVisible() and not dialog.ok.isEnabled()     # a reason is required
    dialog.reason.setText("九月经费漏录")
    dialog.ok.click()
    _idle(qtbot)
    assert quarter.closed_quarters(demo_ledger) == [] and "未关账" in view.status.text()
    window.close()


def test_those_who_may_not_close_are_told_why(qtbot, demo_ledger, boxes):
    leader = demo_ledger.as_actor(Actor("王领导", LEADER))
    window = _window(qtbot, leader)
    view = _reports(qtbot, window).quarterly
    view.quarter_box.setCurrentIndex(view.quarter_box.findData(_ended_quarter().code))
    _idle(qtbot)
    assert not view.close_button.isEnabled() and "关闭季度" in view.close_button.toolTip()
    assert view.note.isVisible() and "王领导" in view.note.text() and "关闭季度" in view.note.text()
    assert view.xlsx_button.isEnabled()                # a leader exports and prints all the same
    window.close()


def test_ledger_export_of_one_community(qtbot, demo_ledger, boxes, save_to, tmp_path):
    window = _window(qtbot, demo_ledger)
    view = _reports(qtbot, window, 1).ledger_export
    assert view.ledger_box.findText("社区工作者") >= 0 and view.ledger_box.findText("阵地") >= 0
    view.ledger_box.setCurrentIndex(view.ledger_box.findText("社区工作者"))
    view.scope.setCurrentIndex(view.scope.findText("和平社区"))
    save_to.path = tmp_path / "和平.xlsx"
    view.export_button.click()
    _idle(qtbot)
    heping = CommunityService(demo_ledger).id_by_name("和平社区")
    workers = WorkerService(demo_ledger).list(heping)
    assert f"和平社区社区工作者台账 {len(workers):,} 条" in view.result.text()
    sheet = openpyxl.load_workbook(tmp_path / "和平.xlsx").active
    names = {c.value for row in sheet.iter_rows() for c in row}
    assert {w["name"] for w in workers} <= names
    window.close()


def test_labour_cost_what_if_and_a_wrong_amount(qtbot, demo_ledger, boxes, save_to, tmp_path):
    window = _window(qtbot, demo_ledger)
    view = _reports(qtbot, window, 2).labour_cost
    view.year.setValue(2026)
    view.raise_amount.setText("50")
    view.estimate_button.click()
    _idle(qtbot)
    assert view.raise_from.value() == 1          # no month of 2026 approved: the raise counts from January
    assert "2026年人力成本合计" in view.result.text() and "若自2026年1月起等级额上调50元" in view.result.text()
    view.raise_amount.setText("五十")
    view.estimate_button.click()
    _idle(qtbot)
    assert any("上调金额" in text and "五十" in text for text in boxes)
    view.raise_amount.setText("50")
    save_to.path = tmp_path / "成本.xlsx"
    view.export_button.click()
    _idle(qtbot)
    assert (tmp_path / "成本.xlsx").stat().st_size > 5000
    window.close()


def test_a_finding_of_the_data_check_opens_its_record(qtbot, demo_ledger, boxes):
    grid = next(g for g in GridService(demo_ledger).list() if g["code"] == "01")
    GridService(demo_ledger).update(grid["id"], {"households": "120"})       # far below the 300–600 band
    window = _window(qtbot, demo_ledger)
    view = _reports(qtbot, window, 3).checks
    view.run_button.click()
    _idle(qtbot)
    assert view.summary.text().startswith("检查完成")
    community = grid["community"]
    row = next(i for i, cells in enumerate(view.model.rows) if cells[2] == f"{community} {grid['name']}")
    assert view.model.rows[row][1] == "网格" and view.model.rows[row][3].startswith("户数120户")
    view.view.scrollTo(view.model.index(row, 2))
    rect = view.view.visualRect(view.model.index(row, 2))
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())   # as a mouse does:
    qtbot.mouseDClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then double
    assert window.page_title.text() == "网格"
    dialog = next(d for d in window.pages["grids"].findChildren(RecordDialog) if d.isVisible())
    assert dialog.record_id == grid["id"] and dialog.editors["households"].value() == "120"
    window.close()
