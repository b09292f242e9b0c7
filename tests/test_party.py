"""The party organisation's rules: the 换届 window (configured, the same on every screen) and 党员 counted once."""
from __future__ import annotations

from datetime import date

import pytest
import shiboken6

from ledger.party import OrgRow, TermState, members_by_community, org_counts, term_state
from ledger.services import CommunityService, PartyOrgService
from ledger.services.alerts import alerts
from ledger.services.street import put_setting
from ui import messages, tasks
from ui.main_window import MainWindow

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("end, state", [
    (date(2026, 11, 22), TermState("已逾期", "逾期")),
    (date(2026, 11, 23), TermState("1个月内届满", "紧急", 1)),       # ends today: not yet overdue
    (date(2026, 12, 23), TermState("1个月内届满", "紧急", 1)),
    (date(2026, 12, 24), TermState("3个月内届满", "提醒", 3)),
    (date(2027, 2, 23), TermState("3个月内届满", "提醒", 3)),
    (date(2027, 2, 24), TermState("任期内", None)),
])
def test_term_windows_by_default(end, state):
    assert term_state(end, TODAY, 3, 1) == state


def test_term_windows_follow_the_configuration():
    assert term_state(date(2027, 4, 1), TODAY, 6, 1) == TermState("6个月内届满", "提醒", 6)
    assert term_state(date(2027, 1, 10), TODAY, 6, 2) == TermState("2个月内届满", "紧急", 2)
    assert term_state(None, TODAY, 3, 1) is None


def test_an_offices_warning_window_is_the_same_on_every_screen(qtbot, ledger, monkeypatch):
    """A term ending in about five months, with 换届提前提醒 set to 6 months: the warnings, the ledger page and
    the org's dialog all say it is due (the page and the dialog used to hold 92 days fixed)."""
    monkeypatch.setattr(messages, "warn", lambda *a, **k: pytest.fail(f"unexpected warning {a}"))
    CommunityService(ledger).create({"name": "幸福社区"})
    today = date.today()
    start = date(today.year - 5 + (today.month + 5 > 12), (today.month + 5 - 1) % 12 + 1, 1)   # ends in 4–5 months
    org = PartyOrgService(ledger).create({"name": "幸福社区党委", "category": "党委", "community": "幸福社区",
                                          "term_start": start.isoformat()})
    assert [(a.severity, a.record_id) for a in alerts(ledger) if a.ledger == "orgs"] == []   # 3 months by default
    put_setting(ledger, "term_warn_months", 6)
    found = [a for a in alerts(ledger) if a.ledger == "orgs"]
    assert [(a.severity, a.record_id) for a in found] == [("提醒", org["id"])] and "（6个月内）" in found[0].text

    window = MainWindow(ledger)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("orgs")
    qtbot.waitUntil(lambda: page.table is not None and page.loading is None and not tasks.running_tasks())
    row = page.model.table.row_of(org["id"])
    assert page.model.table.rows[row][page.keys.index("term_state")] == "6个月内届满"
    assert page.model.table.flags[row] == "提醒"
    dialog = page.open_record(org["id"])
    qtbot.waitUntil(lambda: shiboken6.isValid(dialog) and dialog.isVisible())
    assert "请准备换届" in dialog.term_state.text() and "6个月内届满" in dialog.term_state.text()
    dialog.done(0)
    window.close()


def _org(oid, parent, community, members, category="党支部", founded=None) -> OrgRow:
    return OrgRow(oid, parent, community, category, members, founded)


def test_members_are_counted_once():
    orgs = [
        _org(1, None, None, 500, "党工委"),            # the street's: no community
        _org(2, 1, 10, 60, "党委"),                     # states the total of its branches
        _org(3, 2, 10, 25, "网格党支部"),
        _org(4, 3, 10, 6, "楼栋党小组"),
        _org(5, 1, 20, None, "党总支"),                 # blank: its children count
        _org(6, 5, 20, 18, "网格党支部"),
        _org(7, 6, 20, 7, "楼栋党小组"),                # inside its branch's 18
        _org(8, 5, 20, None, "小区党支部"),             # blank as well: its group counts
        _org(9, 8, 20, 4, "楼栋党小组"),
        _org(10, 2, 30, 9),                             # hangs under another community's 党委: its own
    ]
    assert members_by_community(orgs, TODAY) == {10: 60, 20: 22, 30: 9}


def test_what_is_founded_after_the_day_is_not_counted():
    orgs = [_org(1, None, 10, None, "党委", date(2027, 1, 1)),   # founded later: its branch stands alone
            _org(2, 1, 10, 12, "党支部", date(2020, 1, 1)),
            _org(3, 2, 10, 5, "楼栋党小组")]
    assert members_by_community(orgs, TODAY) == {10: 12}
    assert org_counts(orgs, TODAY) == {10: {"党支部": 1, "楼栋党小组": 1}}
    assert org_counts(orgs, date(2027, 1, 1)) == {10: {"党委": 1, "党支部": 1, "楼栋党小组": 1}}
