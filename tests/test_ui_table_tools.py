"""Every table's tools on a ledger page, driven through the window: the print preview of the view, 导出Excel of
exactly the rows and columns shown, Ctrl+C as spreadsheets read it, and rows pasted from a spreadsheet previewed
and imported (and taken back with 撤销)."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPdf import QPdfDocument

from ledger.idcard import make_id
from ledger.models import ImportBatch, Worker
from ledger.services import CommunityService, WorkerService
from tests.helpers import count
from ui import messages, tasks
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow

SURNAMES, GIVEN = "赵钱孙李周吴郑王冯陈", "伟芳娜敏静丽强磊军洋"


def _id(n: int) -> str:
    return make_id("150203", date(1975, 1, 1) + timedelta(days=97 * n), 11 + n % 80)


@pytest.fixture
def window(qtbot, sqlite_ledger, monkeypatch):
    """40 workers in 幸福社区 and 5 in 和平社区; message boxes answered yes and kept."""
    ledger = sqlite_ledger
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
    workers = WorkerService(ledger)
    for n in range(45):
        workers.create({"name": SURNAMES[n % 10] + GIVEN[n // 10] + GIVEN[n % 10], "id_number": _id(n),
                        "community": "幸福社区" if n < 40 else "和平社区", "title": "社区工作者", "post": "三岗",
                        "level": str(1 + n % 12), "started_on": "2015.03", "contribution_base": f"{5000 + n}.50"})
    said: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: said.append(text) or True)
    for name in ("inform", "warn"):
        monkeypatch.setattr(messages, name, lambda parent, title, text: said.append(text))
    monkeypatch.setattr(messages, "exported", lambda parent, title, text, path: said.append(text))
    win = MainWindow(ledger)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.said = said
    yield win
    win.close()


def _page(qtbot, window):
    page = window.show_page("workers")
    qtbot.waitUntil(lambda: page.table is not None and page.loading is None and not tasks.running_tasks())
    return page


def _only_happy(page) -> None:
    box = page.facet_boxes["社区"]
    box.setCurrentIndex(box.findText("幸福社区"))


def test_the_print_preview_shows_the_pages_of_the_filtered_view(qtbot, window, tmp_path):
    page = _page(qtbot, window)
    _only_happy(page)
    assert page.model.rowCount() == 40
    task = page.tools.export(".pdf", tmp_path / "名册.pdf")
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    pdf = QPdfDocument()
    assert pdf.load(str(tmp_path / "名册.pdf")) == QPdfDocument.Error.None_ and pdf.pageCount() >= 2
    text = "".join(pdf.getAllText(i).text() for i in range(pdf.pageCount()))
    assert "社区：幸福社区" in text and "共40条" in text and "赵伟伟" in text and "赵静伟" not in text   # 赵静伟 is of 和平社区

    page.print_button.click()                      # the same PDF in Qt's print preview, opened with open()
    qtbot.waitUntil(lambda: page.tools.preview is not None, timeout=30000)
    preview = page.tools.preview
    assert preview.isVisible() and "社区工作者台账" in preview.windowTitle()
    qtbot.waitUntil(lambda: preview.pages == pdf.pageCount(), timeout=30000)
    preview.close()


def test_excel_export_has_exactly_the_rows_and_columns_shown(qtbot, window, tmp_path):
    page = _page(qtbot, window)
    _only_happy(page)
    page.search.setText("赵")                       # 赵伟伟 赵娜伟 … of 幸福社区 only
    page.set_column_shown("title", False)
    page.set_column_shown("contribution_base", True)
    page.sort_by("level", descending=True)
    shown = [page.fields[c].label for c in range(len(page.fields)) if not page.view.isColumnHidden(c)]
    names = [page.model.record(r)["name"] for r in range(page.model.rowCount())]
    assert names and len(names) == 4 and all(n.startswith("赵") for n in names)
    task = page.tools.export(".xlsx", tmp_path / "视图.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    sheet = openpyxl.load_workbook(tmp_path / "视图.xlsx").active
    header = [c.value for c in sheet[3]]
    assert header == shown and "职务" not in header and "缴费基数" in header
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=4) if any(c.value is not None for c in row)]
    assert [row[header.index("姓名")] for row in data] == names
    levels = [row[header.index("等级")] for row in data]
    assert levels == sorted(levels, reverse=True)
    by_name = {r["name"]: r for r in WorkerService(window.ledger).list()}
    for row in data:
        record = by_name[row[header.index("姓名")]]
        assert row[header.index("身份证号")] == record["id_number"]             # 18 digits kept: text
        assert Decimal(str(row[header.index("缴费基数")])) == record["contribution_base"]   # a number
    cell = sheet.cell(4, header.index("缴费基数") + 1)
    assert cell.data_type == "n" and sheet.cell(4, header.index("身份证号") + 1).data_type == "s"


def test_ctrl_c_copies_the_selected_rows_with_their_headers(qtbot, window):
    page = _page(qtbot, window)
    _only_happy(page)
    view = page.view
    view.setFocus()
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 2, 3):
        selection.select(page.model.index(row, 0), flags)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QGuiApplication.clipboard().mimeData()
    rows = list(csv.reader(io.StringIO(mime.text()), delimiter="\t"))
    shown = [page.fields[c].label for c in range(len(page.fields)) if not view.isColumnHidden(c)]
    assert rows[0] == shown and len(rows) == 4
    expected = [page.model.record(r) for r in (0, 2, 3)]
    assert [r[shown.index("姓名")] for r in rows[1:]] == [e["name"] for e in expected]
    assert [r[shown.index("身份证号")] for r in rows[1:]] == [e["id_number"] for e in expected]
    assert [r[shown.index("等级")] for r in rows[1:]] == [str(e["level"]) for e in expected]
    # the HTML twin keeps 身份证号 as text when Excel or WPS pastes it
    assert "mso-number-format" in mime.html() and expected[0]["id_number"] in mime.html()


def test_rows_pasted_from_a_spreadsheet_open_the_import_preview_and_import(qtbot, window):
    page = _page(qtbot, window)
    rows = [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "参加社区工作时间"],
            ["刘洋", _id(60), "和平社区", "委员", "三岗", "4", "2019.05"],
            ["何静", _id(61), "和平社区", "社区工作者", "三岗", "2", "2020.09"]]
    QGuiApplication.clipboard().setText("\r\n".join("\t".join(r) for r in rows) + "\r\n")
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wizard = next(w for w in window.findChildren(ImportWizard) if w.isVisible())
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=30000)
    assert [(r.row, r.action, r.label) for r in wizard.plan.rows] == [(2, "新增", "刘洋"), (3, "新增", "何静")]
    before = count(window.ledger, Worker)
    wizard.import_button.click()
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=30000)
    assert count(window.ledger, Worker) == before + 2
    assert window.undo_action.text() == "撤销 导入 社区工作者台账（剪贴板）"
    wizard.close()
    window.undo_action.trigger()                   # 撤销 takes the import back, by its batch
    assert count(window.ledger, Worker) == before
    with window.ledger.reading() as session:
        assert session.query(ImportBatch).one().undone
    assert not window.undo_action.isEnabled()      # an import is not done again by 重做
