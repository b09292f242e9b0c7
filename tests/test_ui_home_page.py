"""The 首页: key counts, and warnings that link to their records (a term-ending 党组织 made for the test)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import shiboken6

from ledger.services import CommunityService, GridService, PartyOrgService
from ui import messages, tasks
from ui.main_window import MainWindow
from ui.org_details import OrgDialog


@pytest.fixture
def window(qtbot, ledger, monkeypatch):
    monkeypatch.setattr(messages, "warn", lambda *a, **k: pytest.fail(f"unexpected warning {a}"))
    CommunityService(ledger).create({"name": "幸福社区"})
    win = MainWindow(ledger)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _home(qtbot, window):
    home = window.show_page("home")
    qtbot.waitUntil(lambda: not home.stale and not tasks.running_tasks())
    return home


def test_term_ending_party_org_is_listed_and_opens_its_record(qtbot, ledger, window):
    # A 社区党委 (5-year term) whose term ends in 20 days: 紧急, within a month.
    start = date.today() + timedelta(days=20)
    start = start.replace(year=start.year - 5)
    org = PartyOrgService(ledger).create({"name": "幸福社区党委", "category": "党委", "community": "幸福社区",
                                          "term_start": start.isoformat()})
    GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 900})
    window.ledger_changed("orgs")
    home = _home(qtbot, window)
    rows = [home.alert_model.rows[r] for r in range(home.alert_model.rowCount())]
    mine = [r for r in rows if "幸福社区党委" in r[2]]
    assert len(mine) == 1
    severity, ledger_name, text = mine[0]
    assert (severity, ledger_name) == ("紧急", "党组织") and "任期届满（1个月内）" in text
    assert any(r[1] == "网格" and "超过标准范围" in r[2] for r in rows)
    assert home.cards["orgs"].figure.text() == "1 个"
    assert "需要关注（2）" == home.alert_title.text()

    # the warning is a link: clicking it opens the 党组织's own record
    row = next(r for r in range(home.alert_model.rowCount()) if "幸福社区党委" in home.alert_model.rows[r][2])
    index = home.alert_model.index(row, 2)
    from PySide6.QtCore import Qt
    qtbot.mouseClick(home.alert_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=home.alert_view.visualRect(index).center())
    page = window.pages["orgs"]
    qtbot.waitUntil(lambda: any(shiboken6.isValid(d) and d.isVisible() for d in page.findChildren(OrgDialog)))
    dialog = next(d for d in page.findChildren(OrgDialog) if d.isVisible())
    assert dialog.record_id == org["id"]
    assert "还有" in dialog.term_state.text() and "天任期届满" in dialog.term_state.text()
    dialog.reject()


def test_counts_follow_the_tree(qtbot, ledger, window):
    CommunityService(ledger).create({"name": "和平社区"})
    GridService(ledger).create({"community": "和平社区", "code": "01", "name": "第一网格", "households": 450})
    window.ledger_changed("communities")
    home = _home(qtbot, window)
    assert home.cards["communities"].figure.text() == "2 个"
    window.select_community(CommunityService(ledger).id_by_name("和平社区"))
    qtbot.waitUntil(lambda: not home.stale and not tasks.running_tasks())
    assert home.cards["communities"].figure.text() == "1 个"
    assert home.cards["grids"].figure.text() == "1 个"
    assert "和平社区" in home.heading.text()


def test_the_wider_ledgers_row_counts_them_and_says_whose_members_figure_it_is(qtbot, ledger, window):
    from ledger.services import LEDGERS
    CommunityService(ledger).create({"name": "和平社区"})
    PartyOrgService(ledger).create({"name": "和平社区党委", "category": "党委", "community": "和平社区",
                                    "members_reported": "7"})
    LEDGERS["partners"](ledger).create({"name": "区税务局", "community": "幸福社区"})
    LEDGERS["projects"](ledger).create({"name": "加装电梯", "community": "幸福社区", "list_type": "项目", "status": "实施中"})
    LEDGERS["registrations"](ledger).create({"name": "张华", "employer": "区税务局", "community": "幸福社区",
                                             "registered_on": "2024-03-01"})
    LEDGERS["teams"](ledger).create({"name": "红马甲", "community": "幸福社区"})
    LEDGERS["activities"](ledger).create({"held_on": date.today().isoformat(), "community": "幸福社区",
                                          "team": "红马甲", "name": "义诊", "served": "40"})
    for name, red in (("幸福家园", "是"), ("阳光花园", "否"), ("和平苑", "否")):
        LEDGERS["estates"](ledger).create({"name": name, "community": "幸福社区", "red_property": red})
    window.ledger_changed("estates")
    cards = _home(qtbot, window).cards
    assert (cards["partners"].figure.text(), cards["partners"].detail.text()) == ("1 家", "共建项目实施中 1 项，已完成 0 项")
    # 幸福社区's one registered member, and 和平社区's 党委 figure (it keeps no registrations)
    assert cards["registrations"].figure.text() == "8 人"
    assert cards["registrations"].detail.text() == "其中 1 个社区尚无报到台账，按党组织填报数"
    assert cards["teams"].detail.text() == f"{date.today().year}年活动 1 次，服务 40 人次"
    assert (cards["estates"].figure.text(), cards["estates"].detail.text()) == ("3 个", "红色物业覆盖率 33.3%")
    cards["teams"].clicked.emit()
    assert window.page_title.text() == "志愿服务队"
