"""志愿服务活动台账: what a community's volunteer teams did, and how many residents it served."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, select, type_coerce
from sqlalchemy.orm import Session

from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Activity, Team
from ..shared_reads import count_if, shared_by_day, split_by_day
from .base import LedgerService
from .facts import facts_for

FIELDS = (
    Field("held_on", "日期", "date", required=True, earliest=date(2000, 1, 1), months_ahead=0,
          aliases=("活动日期", "活动时间", "服务日期")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称")),
    Field("team", "队伍", "ref", required=True, aliases=("队伍名称", "志愿服务队", "服务队"), refers="teams",
          help="本社区志愿服务队的名称"),
    Field("name", "活动名称", required=True, aliases=("活动", "活动主题", "活动内容", "名称")),
    Field("participants", "参与人数", "int", minimum=0, maximum=100000, unit="人",
          aliases=("参加人数", "参与志愿者人数", "志愿者人数")),
    Field("hours", "服务时长", "decimal", minimum=0, maximum=100000, unit="小时",
          aliases=("服务时长(小时)", "时长", "时长(小时)", "服务小时数")),
    Field("served", "服务居民人次", "int", minimum=0, maximum=10_000_000, unit="人次",
          aliases=("服务人次", "服务群众人次", "受益人次", "服务居民")),
    Field("note", "备注", max_length=500, multiline=True),
)


class ActivityService(LedgerService):
    match_on = ("team_id", "held_on", "name")

    def _resolve(self, session, attrs, problems, row, bad):
        """The team is named by its name among the teams of the activity's community."""
        super()._resolve(session, attrs, problems, row, bad)
        if "team" not in attrs:
            return
        name = attrs.pop("team")
        cid = attrs.get("community_id")
        if name is None or cid is None:
            return
        team = facts_for(session).first(Team, community_id=cid, name=name)
        if team is None:
            problems.append(Problem("队伍", f"本社区没有名为“{name}”的志愿服务队，请先在志愿服务队台账中登记", row))
            return
        attrs["team_id"] = team.id

    def _current(self, obj):
        out = super()._current(obj)
        out.pop("team", None)
        out["team_id"] = obj.team_id
        return out

    def _check(self, session, attrs, problems, existing, row):
        facts = facts_for(session)
        team = facts.first(Team, id=attrs["team_id"])
        if team is not None and team.community_id != attrs["community_id"]:
            problems.append(Problem("队伍", f"“{team.name}”不是本社区的志愿服务队，请重新选择队伍", row))
            return
        if team is not None and team.founded_on and attrs["held_on"] < team.founded_on:
            problems.append(Problem("日期", f"早于“{team.name}”的成立日期{team.founded_on.isoformat()}", row))
        found = facts.find(Activity, team_id=attrs["team_id"], held_on=attrs["held_on"], name=attrs["name"])
        if self._taken(found, existing):
            problems.append(Problem("活动名称", f"该队伍{attrs['held_on'].isoformat()}已有活动“{attrs['name']}”", row))

    def _enrich(self, session, records):
        names = dict(session.execute(select(Team.id, Team.name)).all())
        for record in records:
            record["team"] = names.get(record["team_id"], "")


def activities_by_community(session: Session, first: date, last: date,
                            community_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Per community: its activities held from `first` to `last`, and the residents they served (人次)."""
    return shared_by_day(session, ("activities", first, community_id), last,
                         lambda days: _activities_to(session, first, days, community_id))


def _activities_to(session: Session, first: date, days: tuple[date, ...],
                   community_id: int | None) -> dict[date, dict[int, tuple[int, int]]]:
    """activities_by_community from `first` to each day, in one statement."""
    columns = []
    for day in days:
        held = Activity.held_on <= day
        columns += [count_if(held), type_coerce(count_if(held, Activity.served), BigInteger)]
    stmt = (select(Activity.community_id, *columns)
            .where(Activity.held_on >= first, Activity.held_on <= max(days)).group_by(Activity.community_id))
    if community_id is not None:
        stmt = stmt.where(Activity.community_id == community_id)
    return {day: {cid: (n, int(visits or 0)) for cid, n, visits in rows}
            for day, rows in split_by_day(session.execute(stmt), days).items()}


ACTIVITIES = LedgerDef(
    "activities", "志愿服务活动", Activity, FIELDS, ActivityService,
    page=PageHint("活", 75, unit="次", facets=("community", "team", "held_on"),
                  totals=("participants", "hours", "served"), hidden=("note",)))
