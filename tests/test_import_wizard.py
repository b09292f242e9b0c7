"""The 导入台账 wizard: detected header and mapping, a preview with errors marked, import with progress, undo."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox

from ledger.importing import ERROR, NEW, last_import
from ledger.services import CommunityService, WorkerService
from tests.workbooks import ID_LI, ID_WANG, ID_ZHAO, communities, xlsx
from ui import messages, tasks
from ui.import_wizard import (ERROR_BRUSH, NOT_IMPORTED, PAGE_COLUMNS, PAGE_DONE, PAGE_FILE, PAGE_PREVIEW, ImportWizard,
                              PreviewModel)


@pytest.fixture
def said(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: seen.append(text))
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: seen.append(text))
    monkeypatch.setattr(messages, "error", lambda parent, title, text, details="": seen.append(text))
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: seen.append(text) or True)
    return seen


@pytest.fixture
def wizard(qtbot, sqlite_ledger, said):
    dialog = ImportWizard(sqlite_ledger, "workers")
    qtbot.addWidget(dialog)
    return dialog


def wait(qtbot, dialog) -> None:
    """Until the wizard's background task has delivered its result."""
    task = dialog.task
    qtbot.waitUntil(lambda: task not in tasks.running_tasks(), timeout=30000)


ROSTER = [["幸福街道社区工作者花名册"], ["填报单位：幸福街道"],
          ["序号", "姓名", "身份证号码", "所属社区", "现任职务", "岗级", "薪级", "入职日期"],
          [1, "王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, "2010.05"],
          [2, "李强", ID_LI, "幸福社区", "委员", "三岗", 3, "2016-09-01"],
          [3, "赵敏", "123456", "幸福社区", "委员", "三岗", 2, None],
          ["合计"]]


def test_detected_header_mapping_edit_preview_and_valid_only_import(qtbot, wizard, sqlite_ledger, tmp_path, said):
    communities(sqlite_ledger, "幸福社区")
    path = xlsx(tmp_path / "花名册.xlsx", ROSTER)
    assert wizard.stack.currentIndex() == PAGE_FILE and not wizard.next_button.isEnabled()
    wizard.path_edit.setText(str(path))
    wizard.go_next()
    wait(qtbot, wizard)
    assert wizard.stack.currentIndex() == PAGE_COLUMNS
    assert "检测到表头在第3行，数据从第4行开始" in wizard.header_label.text()
    assert wizard.header_spin.value() == 3
    table = wizard.columns_table
    assert [table.item(r, 1).text() for r in range(table.rowCount())][:3] == ["序号", "姓名", "身份证号码"]
    box = table.cellWidget(7, 2)
    assert isinstance(box, QComboBox) and box.currentText() == NOT_IMPORTED   # 入职日期 is not an alias
    assert wizard.missing_fields() == []
    box.setCurrentIndex(box.findData("started_on"))
    assert wizard.layout_.mapping()[7] == "started_on"

    wizard.go_next()
    wait(qtbot, wizard)
    assert wizard.stack.currentIndex() == PAGE_PREVIEW
    plan = wizard.plan
    assert [(r.row, r.action) for r in plan.rows] == [(4, NEW), (5, NEW), (6, ERROR)]
    assert "1行有错误" in wizard.summary_label.text()
    model = wizard.preview_model
    assert model.data(model.index(2, 3)) == "身份证号：应为18位（最后一位可为X），实际为“123456”"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.BackgroundRole) == ERROR_BRUSH
    assert "第7行合计行，已跳过" in wizard.skipped_label.text()
    assert not wizard.import_button.isEnabled() and not wizard.valid_only.isHidden()
    wizard.filter_box.setCurrentIndex(1)   # 有错误的行
    assert model.rowCount() == 1

    wizard.valid_only.setChecked(True)
    assert wizard.import_button.isEnabled()
    with qtbot.waitSignal(wizard.imported, timeout=30000) as signal:
        wizard.start_import()
    assert signal.args == ["workers"]
    wait(qtbot, wizard)
    assert wizard.stack.currentIndex() == PAGE_DONE
    assert "新增2条" in wizard.done_label.text() and "第6行 身份证号" in wizard.done_label.text()
    got = {w["id_number"]: w for w in WorkerService(sqlite_ledger).list()}
    assert set(got) == {ID_WANG, ID_LI} and str(got[ID_WANG]["started_on"]) == "2010-05-01"

    # The column set by hand is remembered for the next file of the same layout.
    again = ImportWizard(sqlite_ledger, "workers")
    qtbot.addWidget(again)
    again.load_file(xlsx(tmp_path / "下月.xlsx", ROSTER[:3] + [[1, "赵敏", ID_ZHAO, "幸福社区", "委员", "三岗", 2, "2019.3"]]))
    wait(qtbot, again)
    assert again.layout_.remembered and again.layout_.mapping()[7] == "started_on"
    assert "已按上次" in again.header_label.text()


def test_all_or_nothing_by_default_and_undo_from_the_wizard(qtbot, wizard, sqlite_ledger, tmp_path, said):
    communities(sqlite_ledger, "幸福社区")
    rows = [r[:] for r in ROSTER[:5]]
    rows[2][7] = "参加社区工作时间"
    wizard.load_file(xlsx(tmp_path / "好.xlsx", rows))
    wait(qtbot, wizard)
    wizard.go_next()
    wait(qtbot, wizard)
    assert wizard.plan.ok and wizard.import_button.isEnabled() and not wizard.valid_only.isVisible()
    wizard.start_import()
    wait(qtbot, wizard)
    assert WorkerService(sqlite_ledger).count() == 2
    assert wizard.done_undo.isVisible() or wizard.outcome.batch_id is not None
    with qtbot.waitSignal(wizard.imported, timeout=30000):
        wizard.undo_last()
    wait(qtbot, wizard)
    assert WorkerService(sqlite_ledger).count() == 0 and last_import(sqlite_ledger) is None
    assert any("删除2条新增记录" in text for text in said)


def test_no_header_found_then_set_by_row_number(qtbot, sqlite_ledger, tmp_path, said):
    dialog = ImportWizard(sqlite_ledger, "communities")
    qtbot.addWidget(dialog)
    assert not dialog.kind_box.isEnabled() and dialog.kind == "communities"
    dialog.load_file(xlsx(tmp_path / "c.xlsx", [["幸福街道"], ["名字", "地方"], ["幸福社区", "幸福路1号"]]))
    wait(qtbot, dialog)
    assert "没有找到表头" in dialog.header_label.text() and not dialog.next_button.isEnabled()
    dialog.header_spin.setValue(2)
    dialog._header_row_changed()
    assert dialog.layout_.header_last == 2
    dialog.set_column(0, "name")
    dialog.set_column(1, "address")
    assert dialog.next_button.isEnabled()
    dialog.go_next()
    wait(qtbot, dialog)
    dialog.start_import()
    wait(qtbot, dialog)
    assert CommunityService(sqlite_ledger).list()[0]["address"] == "幸福路1号"


def test_unreadable_file_is_explained(qtbot, wizard, tmp_path, said):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook at all")
    wizard.load_file(bad)
    wait(qtbot, wizard)
    assert wizard.stack.currentIndex() == PAGE_FILE
    assert said and "坏" in said[-1]


def test_template_from_the_wizard(qtbot, wizard, tmp_path, said):
    wizard.write_template(tmp_path / "模板.xlsx")
    assert (tmp_path / "模板.xlsx").exists() and said[-1].startswith("已生成导入模板")


def test_preview_model_is_defensive():
    model = PreviewModel()
    assert model.rowCount() == 0 and model.data(model.index(0, 0)) is None
    assert model.data(QModelIndex()) is None and model.headerData(9, Qt.Orientation.Horizontal) is None
