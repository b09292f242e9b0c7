"""志愿服务队: a team is its community's, keeps its activities where they were held, and counts from its founding."""
from __future__ import annotations

from datetime import date

import pytest

from ledger.errors import ValidationError
from ledger.services import LEDGERS
from ledger.services.teams import teams_by_community
from tests.helpers import refusals
from tests.workbooks import communities


@pytest.fixture
def street(ledger):
    communities(ledger, "幸福社区", "和平社区")
    LEDGERS["grids"](ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 450})
    return ledger


def test_a_team_is_named_once_in_its_community_and_its_grid_is_the_communitys(street):
    teams = LEDGERS["teams"](street)
    team = teams.create({"name": "红马甲", "community": "幸福社区", "grid": "01", "kind": "治安巡逻", "members": "12"})
    assert (team["grid"], team["kind"]) == ("第一网格", "巡逻")
    assert refusals(teams, {"name": "红马甲", "community": "幸福社区"}) == ["队伍名称：本社区已有志愿服务队“红马甲”"]
    assert refusals(teams, {"name": "巡逻队", "community": "和平社区", "grid": "01"}) == [
        "所属网格：本社区没有编号或名称为“01”的网格"]
    # moved to another community, the grid it had is not that community's
    assert refusals(teams, {"community": "和平社区"}, team["id"]) == [
        "所属网格：“第一网格”不属于所选社区，请重新选择所属网格"]
    moved = teams.update(team["id"], {"community": "和平社区", "grid": ""})
    assert (moved["community"], moved["grid"]) == ("和平社区", "")


def test_a_team_with_activities_stays_in_its_community_and_is_not_deleted(street):
    teams = LEDGERS["teams"](street)
    team = teams.create({"name": "红马甲", "community": "幸福社区"})
    LEDGERS["activities"](street).create({"held_on": "2025-04-01", "community": "幸福社区", "team": "红马甲",
                                          "name": "义诊"})
    assert refusals(teams, {"community": "和平社区"}, team["id"]) == ["所属社区：该队伍已有1次活动记录，不能改到其他社区"]
    with pytest.raises(ValidationError, match="志愿服务队“红马甲”下还有1条志愿服务活动"):
        teams.delete(team["id"])


def test_teams_count_from_their_founding(street):
    teams = LEDGERS["teams"](street)
    teams.create({"name": "甲队", "community": "幸福社区", "founded_on": "2025-03-01"})
    teams.create({"name": "乙队", "community": "幸福社区"})
    teams.create({"name": "丙队", "community": "和平社区", "founded_on": "2025-07-01"})
    own = {r["name"]: r["id"] for r in LEDGERS["communities"](street).list()}
    with street.reading() as session:
        assert teams_by_community(session, date(2025, 6, 30)) == {own["幸福社区"]: 2}
        assert teams_by_community(session, date(2025, 7, 1)) == {own["幸福社区"]: 2, own["和平社区"]: 1}
        assert teams_by_community(session, date(2025, 2, 28), own["幸福社区"]) == {own["幸福社区"]: 1}
