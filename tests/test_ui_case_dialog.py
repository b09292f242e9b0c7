"""The 民生诉求 page and a case's dialog driven through their widgets: the timeline, the next steps as buttons,
the refused ones explained, a step taken from its small form, and a leader's and a community clerk's view."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from ledger.access import CLERK, LEADER, Actor
from ledger.services.cases import CaseService
from tests.test_ui_ledger_page import activate, choose, open_page, type_text
from tests.workbooks import communities
from ui import messages
from ui.case_dialog import CaseDialog, StepDialog
from ui.main_window import MainWindow


@pytest.fixture
def street(ledger, monkeypatch):
    ids = communities(ledger, "幸福社区", "和平社区")
    service = CaseService(ledger)
    record = service.create({"source": "电话", "community": "幸福社区", "category": "环境卫生", "content": "楼道堆物",
                             "found_on": "2026-03-02"})
    service.act(record["id"], "上报", {"on": "2026-03-02"})
    record = service.act(record["id"], "转办", {"on": "2026-03-03", "handler": "街道城管办"})
    monkeypatch.setattr(messages, "warn", lambda *a, **k: pytest.fail(f"unexpected warning {a}"))
    return ledger, ids, record


def window_of(qtbot, ledger) -> MainWindow:
    win = MainWindow(ledger)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def open_case(qtbot, ledger, record) -> tuple[MainWindow, CaseDialog]:
    win = window_of(qtbot, ledger)
    page = open_page(qtbot, win, "cases")
    dialog = page.open_record(record["id"])
    assert isinstance(dialog, CaseDialog)
    return win, dialog


def buttons(dialog: CaseDialog) -> list[str]:
    return [b.text() for b in dialog.actions_box.findChildren(QPushButton) if not b.isHidden()]


def timeline(dialog: CaseDialog) -> list[tuple[str, str]]:
    table = dialog.timeline
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_the_dialog_shows_the_timeline_and_takes_the_next_step(qtbot, street):
    ledger, _ids, record = street
    win, dialog = open_case(qtbot, ledger, record)
    assert timeline(dialog) == [("2026-03-02", "登记"), ("2026-03-02", "上报"), ("2026-03-03", "转办")]
    assert "转给街道城管办，3个工作日（至2026-03-06）" in dialog.timeline.item(2, 2).text()
    assert dialog.status.text() == "状态：办理中"
    assert buttons(dialog) == ["处置…", "督办…"]
    assert "反馈：须先处置才能反馈（现在是“办理中”）" in dialog.refusals.text()
    step = dialog.take("处置")
    assert isinstance(step, StepDialog)
    step.editors["on"].set_value("2026-03-05")
    step.ok.click()
    # refused by the service, shown in the small form; nothing happened to the case
    assert "处置结果：处置时必须填写处置结果" in step.error.text() and len(timeline(dialog)) == 3
    type_text(qtbot, step.editors["result"].widget, "已清理")
    step.editors["on"].set_value("2026-03-02")
    step.ok.click()
    assert "办结日期：早于转办日期（2026-03-03）" in step.error.text() and step.isVisible()
    step.editors["on"].set_value("2026-03-05")
    step.ok.click()
    assert not step.isVisible()
    assert dialog.status.text() == "状态：待反馈" and buttons(dialog) == ["反馈…", "督办…"]
    assert timeline(dialog)[-1] == ("2026-03-05", "处置") and "按期办结" in dialog.deadline.text()
    # the page's row shows the new state without a reload
    page = win.page("cases")
    row = page.table.records[page.table.row_of(record["id"])]
    assert row["status"] == "待反馈"


def test_a_leader_reads_the_case_and_may_only_supervise(qtbot, street):
    ledger, _ids, record = street
    leader = ledger.as_actor(Actor("王领导", LEADER, None, "界面"))
    _win, dialog = open_case(qtbot, leader, record)
    assert buttons(dialog) == ["督办…"]
    assert "处置：领导不能处置（由街道的台账录入员或管理员办理，领导可以督办）" in dialog.refusals.text()
    assert not dialog.save_button.isVisible() and dialog.cancel_button.text() == "关闭"
    assert not dialog.editors["content"].widget.isEnabled()
    step = dialog.take("督办")
    step.editors["note"].set_value("请本周内办结")
    step.ok.click()
    assert timeline(dialog)[-1][1] == "督办" and "领导已于" in dialog.deadline.text()


def test_a_community_clerk_sees_why_the_street_steps_are_not_theirs(qtbot, street):
    ledger, ids, _record = street
    fresh = CaseService(ledger).create({"source": "微信", "community": "幸福社区", "category": "物业管理",
                                        "content": "电梯故障", "found_on": "2026-03-04"})
    CaseService(ledger).act(fresh["id"], "上报", {"on": "2026-03-04"})
    clerk = ledger.as_actor(Actor("幸福录入员", CLERK, ids["幸福社区"], "界面"))
    _win, dialog = open_case(qtbot, clerk, fresh)
    assert buttons(dialog) == []
    assert "现在没有可以办理的步骤" in dialog.refusals.text()
    assert "转办：转办由街道办理：社区账号只能登记和上报本社区的诉求" in dialog.refusals.text()


def test_registering_a_case_from_the_page(qtbot, street):
    ledger, _ids, _record = street
    win = window_of(qtbot, ledger)
    page = open_page(qtbot, win, "cases")
    activate(qtbot, win)
    dialog = page.new_record()
    assert isinstance(dialog, CaseDialog) and dialog.status.text() == "新登记"
    assert set(dialog.editors) == {"source", "community", "grid", "reporter", "phone", "category", "content",
                                   "found_on", "note"}
    choose(dialog.editors["source"], "居民来访")
    choose(dialog.editors["community"], "和平社区")
    choose(dialog.editors["category"], "安全隐患")
    type_text(qtbot, dialog.editors["content"].widget, "电动车在楼道内充电")
    type_text(qtbot, dialog.editors["found_on"].widget, "2026-03-09")
    assert dialog.save()
    saved = page.table.records[-1]
    assert (saved["number"], saved["community"], saved["status"]) == ("2026-00002", "和平社区", "待上报")


def test_the_administrator_enters_a_years_holidays_and_the_limits(qtbot, street):
    from ui.holidays_dialog import HolidaysDialog
    ledger, _ids, _record = street
    dialog = HolidaysDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.day.setText("2027-02-06")
    dialog.kind.setCurrentText("放假")
    dialog.name.setText("春节")
    dialog.add_day()
    assert dialog.chosen_year() == 2027 and dialog.summary.text() == "放假1天，调休上班0天"
    dialog.day.setText("2027-02-08")
    dialog.kind.setCurrentText("上班")
    dialog.add_day()
    assert "调休上班只用于周六、周日" in dialog.message.text() and dialog.table.rowCount() == 1
    dialog.limits["case_limit_safety"].setText("2")
    dialog.limits["case_limit_dispute"].setText("0")
    dialog.save_limits()
    assert "矛盾纠纷的办理时限：不能小于1" in dialog.message.text()
    assert CaseService(ledger).default_limit("安全隐患") == 1     # all or nothing
    dialog.limits["case_limit_dispute"].setText("15")
    dialog.save_limits()
    assert (CaseService(ledger).default_limit("安全隐患"), CaseService(ledger).default_limit("矛盾纠纷")) == (2, 15)
