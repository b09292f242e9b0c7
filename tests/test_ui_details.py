"""The ledgers' own dialogs: a worker's history tabs, a venue's rooms and 达标, a 党组织's term, 预算执行."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication

from ledger.idcard import make_id
from ledger.models import Appraisal, LevelChange
from ledger.services import (BudgetService, CommunityService, FundService, PartyOrgService, VenueService,
                             WorkerService)
from tests.helpers import count
from ui import messages, tasks
from ui.main_window import MainWindow
from ui.worker_details import EntryDialog


@pytest.fixture
def window(qtbot, ledger, monkeypatch):
    monkeypatch.setattr(messages, "ask", lambda *a, **k: True)
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: pytest.fail(text))
    CommunityService(ledger).create({"name": "幸福社区"})
    win = MainWindow(ledger)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _page(qtbot, window, key):
    page = window.show_page(key)
    page = getattr(page, "entries", page)
    qtbot.waitUntil(lambda: page.table is not None and not tasks.running_tasks())
    return page


def _entry(qtbot, parent) -> EntryDialog:
    qtbot.waitUntil(lambda: any(shiboken6.isValid(d) and d.isVisible() for d in parent.findChildren(EntryDialog)))
    return next(d for d in parent.findChildren(EntryDialog) if d.isVisible())


def test_worker_history_tabs(qtbot, ledger, window):
    worker = WorkerService(ledger).create({"name": "张华", "id_number": make_id("150203", date(1985, 6, 15), 231),
                                           "community": "幸福社区", "title": "社区工作者", "post": "三岗",
                                           "level": "5"})
    page = _page(qtbot, window, "workers")
    dialog = page.open_record(worker["id"])
    assert "年龄：" in dialog.derived.text()
    tab = dialog.history_tabs["调级记录"]
    dialog.tabs.setCurrentWidget(tab)
    # a level outside 三岗's range is refused with the service's message, and nothing changes
    tab.add_button.click()
    entry = _entry(qtbot, tab)
    entry.editors["new_level"].set_value("13")
    entry.editors["reason"].set_value("年度调级")
    entry.save()
    assert entry.isVisible() and "1–12级" in entry.errors["new_level"].text()
    assert count(ledger, LevelChange) == 0
    entry.editors["new_level"].set_value("6")
    entry.save()
    assert not entry.isVisible()
    assert count(ledger, LevelChange) == 1
    assert tab.model.rowCount() == 1 and tab.model.rows[0][1:4] == ("5", "6", "年度调级")
    assert dialog.editors["level"].value() == "6"                  # the form follows the new level
    assert page.model.table.rows[page.model.table.row_of(worker["id"])][page.keys.index("level")] == "6"

    appraisals = dialog.history_tabs["年度考核"]
    appraisals.add_button.click()
    entry = _entry(qtbot, appraisals)
    entry.editors["year"].set_value("2025")
    entry.editors["grade"].set_value("优秀")
    entry.save()
    assert appraisals.model.rows == [("2025", "优秀", "")]
    appraisals.view.selectRow(0)
    appraisals.remove_button.click()
    assert appraisals.model.rowCount() == 0 and count(ledger, Appraisal) == 0
    assert not dialog.history_tabs["岗位变动"].add_button.isEnabled()
    dialog.reject()


def test_new_worker_has_history_after_saving_only(qtbot, window):
    page = _page(qtbot, window, "workers")
    dialog = page.new_record()
    assert not dialog.tabs.isTabEnabled(1)
    assert dialog.derived.text() == "性别、出生日期、年龄：由身份证号自动得出"
    dialog.reject()


def test_venue_rooms_and_standard_as_you_type(qtbot, ledger, window):
    page = _page(qtbot, window, "venues")
    dialog = page.new_record()
    dialog.editors["name"].set_value("幸福社区党群服务中心")
    dialog.editors["community"].set_value("幸福社区")
    dialog.editors["tier"].set_value("社区级")
    dialog.editors["kind"].set_value("党群服务中心")
    dialog.editors["floor_area"].set_value("320")
    dialog.editors["households_served"].set_value("1600")
    rooms = dialog.editors["rooms"]
    rooms.add_row()
    rooms.table.item(0, 0).setText("会议室")
    rooms.table.item(0, 1).setText("60")
    rooms.add_row()
    rooms.table.item(1, 0).setText("活动室")
    rooms.table.item(1, 1).setText("80.5")
    dialog.values_changed()
    text = dialog.figures.text()
    assert "每百户面积：20.00 平方米" in text and "未达标" in text and "合计 140.50 平方米" in text
    dialog.editors["floor_area"].set_value("520")
    dialog.values_changed()
    assert "每百户面积：32.50 平方米" in dialog.figures.text() and ">达标<" in dialog.figures.text()
    # a room larger than the venue: the service's message under 功能室
    rooms.table.item(1, 1).setText("600")
    assert dialog.save() is False
    assert "超过建筑面积" in dialog.errors["rooms"].text()
    rooms.table.item(1, 1).setText("80.5")
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    venue = VenueService(ledger).get(VenueService(ledger).list()[0]["id"])
    assert venue["rooms"] == [("会议室", Decimal("60.00")), ("活动室", Decimal("80.50"))]
    assert page.model.rowCount() == 1
    row = page.model.table.rows[0]
    assert row[page.keys.index("per_100")] == "32.50" and row[page.keys.index("standard_state")] == "达标"


def test_org_term_and_place_in_the_tree(qtbot, ledger, window):
    PartyOrgService(ledger).create({"name": "测试街道党工委", "category": "党工委", "term_start": "2024-01-01"})
    org = PartyOrgService(ledger).create({"name": "幸福社区党委", "category": "党委", "community": "幸福社区",
                                          "parent": "测试街道党工委", "term_start": "2020-03-01",
                                          "members_total": "120", "members_full": "115", "members_probation": "5"})
    page = _page(qtbot, window, "orgs")
    dialog = page.open_record(org["id"])
    assert "届满日期：2025-03-01" in dialog.term_text.text() and "应及时换届" in dialog.term_state.text()
    assert "党员总数：120 人" in dialog.member_text.text() and "预备党员：5 人" in dialog.member_text.text()
    assert "测试街道党工委 › <b>幸福社区党委</b>" in dialog.tree_text.text()
    state = page.model.table.rows[page.model.table.row_of(org["id"])][page.keys.index("term_state")]
    assert state == "已逾期" and page.model.table.flags[page.model.table.row_of(org["id"])] == "逾期"
    dialog.editors["term_start"].set_value(date.today().isoformat())
    dialog.values_changed()
    assert "任期内" in dialog.term_state.text()
    dialog.done(0)


def test_budget_execution_per_community_and_category(qtbot, ledger, window):
    year = date.today().year
    BudgetService(ledger).create({"year": year, "community": "幸福社区", "category": "党组织服务群众专项经费",
                                  "amount": "150000"})
    for direction, amount in (("拨入", "75000"), ("支出", "12345.67"), ("支出", "80000")):
        FundService(ledger).create({"entry_date": f"{year}-01-10", "community": "幸福社区",
                                    "category": "党组织服务群众专项经费", "direction": direction, "amount": amount})
    funds = window.show_page("funds")
    funds.show_summary()
    qtbot.waitUntil(lambda: not funds.summary.stale and not tasks.running_tasks())
    rows = funds.summary.model.rows
    assert rows[0] == ("幸福社区", "党组织服务群众专项经费", "150,000.00", "75,000.00", "92,345.67", "-17,345.67",
                       "61.6%")
    assert funds.summary.model.row_flags[0] == "超支"
    assert rows[-1][0] == "合计"
    # 设置预算: the generic record dialog on the budget service
    dialog = funds.summary.edit_budget(None)
    dialog.editors["community"].set_value("幸福社区")
    dialog.editors["category"].set_value("社区工作经费")
    dialog.editors["amount"].set_value("200000")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    qtbot.waitUntil(lambda: not tasks.running_tasks() and len(funds.summary.model.rows) == 3)
    funds.summary.grouping.setCurrentText("按社区")
    assert funds.summary.model.rows[0][:3] == ("幸福社区", "（全部类别）", "350,000.00")
    entries = _page(qtbot, window, "funds")
    assert "支出合计：92,345.67元" in entries.footer.text() and "拨入合计：75,000.00元" in entries.footer.text()
    QApplication.processEvents()


def test_a_references_list_follows_the_chosen_community(qtbot, ledger, window):
    """An activity's 队伍 (and a record's 所属网格) offers the records of the 社区 chosen in the form."""
    from ledger.services import LEDGERS
    CommunityService(ledger).create({"name": "和平社区"})
    LEDGERS["teams"](ledger).create({"name": "红马甲", "community": "幸福社区"})
    LEDGERS["teams"](ledger).create({"name": "巡逻队", "community": "幸福社区"})
    LEDGERS["teams"](ledger).create({"name": "调解队", "community": "和平社区"})
    dialog = _page(qtbot, window, "activities").new_record()
    items = lambda: [dialog.editors["team"].combo.itemText(i) for i in range(dialog.editors["team"].combo.count())]  # noqa: E731
    assert items() == [""]
    dialog.editors["community"].combo.setEditText("幸福社区")
    assert items() == ["", "红马甲", "巡逻队"]
    dialog.editors["community"].combo.setEditText("和平社区")
    assert items() == ["", "调解队"]
    dialog.editors["team"].set_value("调解队")
    dialog.editors["held_on"].set_value("2025-04-01")
    dialog.editors["name"].set_value("义诊")
    assert dialog.save()
    assert [(a["community"], a["team"]) for a in LEDGERS["activities"](ledger).list()] == [("和平社区", "调解队")]


def test_a_registered_member_shows_the_service_done(qtbot, ledger, window):
    from ledger.services import LEDGERS
    member = LEDGERS["registrations"](ledger).create({"name": "张华", "employer": "区税务局", "community": "幸福社区",
                                                      "registered_on": "2024-03-01"})
    for day, hours in (("2024-04-01", "2"), ("2024-05-01", "1.5")):
        LEDGERS["registration-services"](ledger).create({"name": "张华", "community": "幸福社区", "served_on": day,
                                                         "content": "清理楼道", "hours": hours})
    dialog = _page(qtbot, window, "registrations").open_record(member["id"])
    assert dialog.summary.text() == "共 2 次，合计 3.50 小时"
    assert dialog.services.rows == [("2024-05-01", "清理楼道", "1.50"), ("2024-04-01", "清理楼道", "2.00")]
