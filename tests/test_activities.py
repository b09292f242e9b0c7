"""志愿服务活动: an activity names its team among its community's, and the figures count them over a span."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.services import LEDGERS
from ledger.services.activities import activities_by_community
from tests.helpers import refusals
from tests.workbooks import communities


@pytest.fixture
def street(ledger):
    communities(ledger, "幸福社区", "和平社区")
    teams = LEDGERS["teams"](ledger)
    teams.create({"name": "红马甲", "community": "幸福社区", "founded_on": "2020-05-01"})
    teams.create({"name": "红马甲", "community": "和平社区"})     # the same name in another community
    return ledger


def test_an_activity_names_a_team_of_its_own_community(street):
    activities = LEDGERS["activities"](street)
    here = activities.create({"held_on": "2025-04-01", "community": "幸福社区", "team": "红马甲", "name": "义诊",
                              "participants": "8", "hours": "16", "served": "120"})
    there = activities.create({"held_on": "2025-04-01", "community": "和平社区", "team": "红马甲", "name": "义诊"})
    teams = {(r["community"], r["name"]): r["id"] for r in LEDGERS["teams"](street).list()}
    assert here["team_id"] == teams[("幸福社区", "红马甲")] and there["team_id"] == teams[("和平社区", "红马甲")]
    assert (here["team"], here["hours"], here["served"]) == ("红马甲", Decimal("16.00"), 120)
    assert refusals(activities, {"held_on": "2025-04-01", "community": "幸福社区", "team": "巡逻队", "name": "巡逻"}) == [
        "队伍：本社区没有名为“巡逻队”的志愿服务队，请先在志愿服务队台账中登记"]
    assert refusals(activities, {"held_on": "2020-04-30", "community": "幸福社区", "team": "红马甲", "name": "巡逻"}) == [
        "日期：早于“红马甲”的成立日期2020-05-01"]
    assert refusals(activities, {"held_on": "2025-04-01", "community": "幸福社区", "team": "红马甲", "name": "义诊"}) == [
        "活动名称：该队伍2025-04-01已有活动“义诊”"]
    # moved to another community without naming a team there, it would keep a team that is not that community's
    assert refusals(activities, {"community": "和平社区"}, here["id"]) == ["队伍：“红马甲”不是本社区的志愿服务队，请重新选择队伍"]
    moved = activities.update(here["id"], {"community": "和平社区", "team": "红马甲", "name": "健康讲座"})
    assert moved["team_id"] == teams[("和平社区", "红马甲")]


def test_activities_and_residents_served_over_a_span(street):
    activities = LEDGERS["activities"](street)
    for day, community, served in (("2025-01-01", "幸福社区", 100), ("2025-06-30", "幸福社区", None),
                                   ("2025-07-01", "幸福社区", 40), ("2024-12-31", "和平社区", 70),
                                   ("2025-03-15", "和平社区", 30)):
        activities.create({"held_on": day, "community": community, "team": "红马甲", "name": f"活动{day}",
                           "served": served})
    own = {r["name"]: r["id"] for r in LEDGERS["communities"](street).list()}
    with street.reading() as session:
        first_half = activities_by_community(session, date(2025, 1, 1), date(2025, 6, 30))
        assert first_half == {own["幸福社区"]: (2, 100), own["和平社区"]: (1, 30)}
        assert activities_by_community(session, date(2025, 1, 1), date(2025, 12, 31), own["幸福社区"]) == {
            own["幸福社区"]: (3, 140)}
