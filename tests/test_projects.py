"""共建项目: its own rules, and the projects the figures count 实施中 and 已完成 on a day."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.services import LEDGERS
from ledger.services.projects import state_on, projects_by_community
from tests.helpers import refusals
from tests.workbooks import communities


@pytest.fixture
def street(ledger):
    communities(ledger, "幸福社区", "和平社区")
    return ledger


def test_a_list_entry_is_once_in_its_list_and_a_finished_project_has_finished(street):
    projects = LEDGERS["projects"](street)
    projects.create({"name": "加装电梯", "community": "幸福社区", "list_type": "需求清单"})
    projects.create({"name": "加装电梯", "community": "幸福社区", "list_type": "项目", "status": "进行中"})
    assert refusals(projects, {"name": "加装电梯", "community": "幸福社区", "list_type": "需求"}) == [
        "项目名称：本社区的需求清单中已有“加装电梯”"]
    assert refusals(projects, {"name": "义诊", "community": "幸福社区", "list_type": "项目", "start_on": "2025-05-01",
                               "end_on": "2025-04-01"}) == ["完成日期：早于开始日期2025-05-01"]
    soon = (date.today() + timedelta(days=10)).isoformat()
    assert refusals(projects, {"name": "义诊", "community": "幸福社区", "list_type": "项目", "status": "已完成",
                               "end_on": soon}) == ["完成日期：状态为已完成，完成日期不能晚于今天"]
    projects.create({"name": "义诊", "community": "幸福社区", "list_type": "项目", "status": "实施中", "end_on": soon})
    assert {r["status"] for r in projects.list()} == {"征集中", "实施中"}   # a need is 征集中 until taken up


@pytest.mark.parametrize("status, start, end, on, state", [
    ("已完成", date(2025, 1, 1), date(2025, 6, 30), date(2025, 6, 30), "已完成"),
    ("已完成", date(2025, 1, 1), date(2025, 6, 30), date(2025, 3, 31), "实施中"),   # before it finished
    ("已完成", date(2025, 4, 1), date(2025, 6, 30), date(2025, 3, 31), None),       # before it began
    ("已完成", None, None, date(2020, 1, 1), "已完成"),                              # no dates: as it is now
    ("实施中", date(2025, 4, 1), None, date(2025, 3, 31), None),
    ("实施中", None, None, date(2025, 3, 31), "实施中"),
    ("征集中", None, None, date(2025, 3, 31), None),
    ("已取消", date(2025, 1, 1), None, date(2025, 3, 31), None),
])
def test_a_projects_state_on_a_day(status, start, end, on, state):
    assert state_on(status, start, end, on) == state


def test_projects_counted_per_community_are_the_project_list_only(street):
    projects = LEDGERS["projects"](street)
    rows = [("电梯", "项目", "已完成", "2025-01-01", "2025-05-31"), ("课堂", "项目", "实施中", "2025-03-01", None),
            ("义诊", "项目", "实施中", "2025-07-01", None), ("广场", "需求", "实施中", None, None),
            ("法律", "资源", "已完成", None, None), ("停车", "项目", "征集中", None, None)]
    for name, kind, status, start, end in rows:
        projects.create({"name": name, "community": "幸福社区", "list_type": kind, "status": status,
                         "start_on": start, "end_on": end})
    own = projects.list()[0]["community_id"]
    with street.reading() as session:
        assert projects_by_community(session, date(2025, 6, 30)) == {own: (1, 1)}    # 课堂 实施中; 电梯 已完成
        assert projects_by_community(session, date(2025, 4, 30)) == {own: (2, 0)}    # 电梯 still under way
        assert projects_by_community(session, date(2025, 12, 31)) == {own: (2, 1)}
