"""志愿服务队台账: a community's volunteer teams."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import scope
from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Activity, Team
from ..shared_reads import count_if, shared_by_day, split_by_day
from .base import LedgerService
from .facts import facts_for

KINDS = ("党员志愿服务队", "红色物业", "调解", "巡逻", "文体", "其他")

FIELDS = (
    Field("name", "队伍名称", required=True, max_length=64, aliases=("队伍", "服务队名称", "志愿服务队", "名称", "队名")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称")),
    Field("grid", "所属网格", "ref", aliases=("网格",), help="网格编号或网格名称", refers="grids"),
    Field("kind", "类型", "choice", choices=KINDS, aliases=("队伍类型", "服务类型", "类别"),
          value_aliases={"党员志愿服务": "党员志愿服务队", "党员服务队": "党员志愿服务队", "党员志愿者服务队": "党员志愿服务队",
                         "红色物业服务队": "红色物业", "调解队": "调解", "矛盾调解": "调解", "人民调解": "调解",
                         "巡逻队": "巡逻", "治安巡逻": "巡逻", "平安巡逻": "巡逻", "文体队": "文体", "文艺": "文体",
                         "文体活动": "文体"}),
    Field("leader", "负责人", max_length=30, person=True, aliases=("队长", "领队")),
    Field("members", "队员人数", "int", minimum=0, maximum=100000, unit="人", aliases=("人数", "队员数", "队伍人数")),
    Field("founded_on", "成立日期", "date", earliest=date(1949, 10, 1), months_ahead=0, aliases=("成立时间",)),
    Field("note", "备注", max_length=500, multiline=True),
)


class TeamService(LedgerService):
    match_on = ("community_id", "name")

    def _check(self, session, attrs, problems, existing, row):
        facts = facts_for(session)
        if self._taken(facts.find(Team, community_id=attrs["community_id"], name=attrs["name"]), existing):
            problems.append(Problem("队伍名称", f"本社区已有志愿服务队“{attrs['name']}”", row))
        if existing is not None and existing.community_id != attrs["community_id"]:
            # an activity is the community's through its team: a team with activities stays where they were held
            with scope.unlimited(session):
                held = session.scalar(select(func.count()).select_from(Activity).where(Activity.team_id == existing.id))
            if held:
                problems.append(Problem("所属社区", f"该队伍已有{held}次活动记录，不能改到其他社区", row))


def teams_by_community(session: Session, on: date, community_id: int | None = None) -> dict[int, int]:
    """志愿服务队数 per community: the teams founded by `on` (or without a founding date)."""
    return shared_by_day(session, ("teams", community_id), on, lambda days: _teams_on(session, days, community_id))


def _teams_on(session: Session, days: tuple[date, ...], community_id: int | None) -> dict[date, dict[int, int]]:
    """志愿服务队数 per community on each day, in one statement."""
    founded = [or_(Team.founded_on.is_(None), Team.founded_on <= day) for day in days]
    stmt = select(Team.community_id, *(count_if(f) for f in founded)).where(or_(*founded)).group_by(Team.community_id)
    if community_id is not None:
        stmt = stmt.where(Team.community_id == community_id)
    return {day: dict(rows) for day, rows in split_by_day(session.execute(stmt), days).items()}


TEAMS = LedgerDef(
    "teams", "志愿服务队", Team, FIELDS, TeamService,
    page=PageHint("队", 74, unit="支", facets=("community", "kind"), totals=("members",), hidden=("note",)))
