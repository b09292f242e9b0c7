"""The main window: first start on an empty database, the import hook, the tree's scope, page registration."""
from __future__ import annotations

import pytest

from ledger.access import Actor
from ledger.app import Ledger
from ledger.models import Community, Grid
from ledger.services import CommunityService, GridService
from tests.helpers import count
from ui import main_window, messages, tasks
from ui.first_start import FirstStartPage
from ui.main_window import MainWindow, Page
from ui.record_dialog import RecordDialog


@pytest.fixture
def informed(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: said.append(text))
    return said


def _window(qtbot, ledger) -> MainWindow:
    win = MainWindow(ledger)
    qtbot.addWidget(win)
    win.show()
    return win


def test_empty_database_offers_street_import_and_demo(qtbot, ledger, informed):
    window = _window(qtbot, ledger)
    assert isinstance(window.central.currentWidget(), FirstStartPage)
    first = window.first_start
    assert first.street_name.text() == "测试街道"            # the street exists, no 社区 yet
    first.import_button.click()
    from ui.import_wizard import ImportWizard
    wizards = [w for w in window.findChildren(ImportWizard)]
    assert len(wizards) == 1 and wizards[0].isVisible()   # 导入现有台账 opens the import wizard
    wizards[0].close()
    first.demo_scale.setCurrentIndex(first.demo_scale.findData("street"))
    first.demo_button.click()
    qtbot.waitUntil(lambda: window.central.currentWidget() is window.workspace and not tasks.running_tasks(),
                    timeout=60000)
    assert count(ledger, Community) == 12
    root = window.tree.topLevelItem(0)
    assert root.text(0) == "测试街道" and root.childCount() == 12
    assert window.page_title.text() == "首页"
    window.close()


def test_new_street_then_new_community(qtbot, tmp_path, informed):
    ledger = Ledger.open(tmp_path / "new.sqlite", Actor(source="界面"))
    try:
        window = _window(qtbot, ledger)
        first = window.first_start
        assert first.street_name.text() == ""
        first.create_button.click()
        assert first.create_error.text() == "街道名称：必填，不能为空"
        first.street_name.setText("新建街道")
        first.create_button.click()
        assert window.windowTitle() == "街道台账 - 新建街道"
        page = window.pages["communities"]
        dialog = next(d for d in page.findChildren(RecordDialog) if d.isVisible())
        assert dialog.windowTitle() == "新建社区"
        dialog.editors["name"].set_value("幸福社区")
        with qtbot.waitSignal(dialog.saved):
            dialog.save_button.click()
        assert window.tree.topLevelItem(0).child(0).text(0) == "幸福社区"
        window.close()
    finally:
        ledger.close()


def test_tree_scope_filters_every_page(qtbot, ledger, informed):
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
        for code in ("01", "02"):
            GridService(ledger).create({"community": name, "code": code, "name": f"第{code}网格", "households": 450})
    assert count(ledger, Grid) == 4
    window = _window(qtbot, ledger)
    grids = window.show_page("grids")
    qtbot.waitUntil(lambda: grids.table is not None and not tasks.running_tasks())
    assert grids.model.rowCount() == 4
    community = window.tree.topLevelItem(0).child(1)          # 和平社区
    window.tree.setCurrentItem(community)
    assert grids.model.rowCount() == 2 and window.scope_label.text() == "范围：和平社区"
    window.tree.setCurrentItem(community.child(0))             # its first grid
    assert grids.model.rowCount() == 1
    communities = window.show_page("communities")              # made after the choice: still scoped
    qtbot.waitUntil(lambda: communities.table is not None and not tasks.running_tasks())
    assert communities.model.rowCount() == 1
    assert "和平社区 › 01 第01网格" in window.scope_label.text()
    window.scope_clear.click()
    assert communities.model.rowCount() == 2 and grids.model.rowCount() == 4
    window.close()


def test_adding_a_page_is_one_line(qtbot, ledger, informed, monkeypatch):
    from PySide6.QtWidgets import QLabel
    CommunityService(ledger).create({"name": "幸福社区"})
    monkeypatch.setattr(main_window, "PAGES", main_window.PAGES + [
        Page("extra", "统计分析", ("统", "#2e6da4"), lambda window: QLabel("统计分析页"))])
    window = _window(qtbot, ledger)
    assert window.nav.item(window.nav.count() - 1).text() == "统计分析"
    page = window.show_page("extra")
    assert page.text() == "统计分析页" and window.page_title.text() == "统计分析"
    window.close()
