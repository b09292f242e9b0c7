"""共建项目台账: the 需求/资源/项目 三张清单 — residents' needs, units' resources and the projects that match them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Project
from ..settings import FUND_CEILING
from ..shared_reads import shared
from .base import LedgerService
from .facts import facts_for

LIST_TYPES = ("需求", "资源", "项目")
STATUSES = ("征集中", "实施中", "已完成", "已取消")
ACTIVE, DONE = "实施中", "已完成"
SINCE = date(1990, 1, 1)

FIELDS = (
    Field("name", "项目名称", required=True, aliases=("名称", "项目", "清单名称", "事项名称", "清单事项")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称")),
    Field("list_type", "清单类型", "choice", required=True, choices=LIST_TYPES, aliases=("类型", "清单", "清单类别"),
          value_aliases={"需求清单": "需求", "资源清单": "资源", "项目清单": "项目", "居民需求": "需求", "单位资源": "资源"}),
    Field("undertaker", "承接单位", aliases=("承办单位", "实施单位", "认领单位", "提供单位")),
    Field("content", "内容", max_length=500, multiline=True, aliases=("项目内容", "主要内容", "具体内容")),
    Field("start_on", "开始日期", "date", earliest=SINCE, months_ahead=24, aliases=("开始时间", "启动时间")),
    Field("end_on", "完成日期", "date", earliest=SINCE, months_ahead=60, aliases=("完成时间", "结束日期", "结束时间")),
    Field("status", "状态", "choice", choices=STATUSES, default="征集中", aliases=("项目状态", "进展情况", "进度"),
          value_aliases={"征集": "征集中", "待认领": "征集中", "进行中": "实施中", "在建": "实施中", "推进中": "实施中",
                         "完成": "已完成", "已办结": "已完成", "办结": "已完成", "取消": "已取消"}),
    Field("beneficiaries", "受益人数", "int", minimum=0, unit="人", aliases=("受益群众", "受益人次", "惠及人数")),
    Field("investment", "投入资金", "money", minimum=0, unit="元", ceiling=FUND_CEILING,
          aliases=("投入资金(元)", "资金", "投入金额", "投资金额")),
    Field("note", "备注", max_length=500, multiline=True),
)


class ProjectService(LedgerService):
    match_on = ("community_id", "list_type", "name")

    def _check(self, session, attrs, problems, existing, row):
        found = facts_for(session).find(Project, community_id=attrs["community_id"], list_type=attrs["list_type"],
                                        name=attrs["name"])
        if self._taken(found, existing):
            problems.append(Problem("项目名称", f"本社区的{attrs['list_type']}清单中已有“{attrs['name']}”", row))
        start, end = attrs.get("start_on"), attrs.get("end_on")
        if start and end and end < start:
            problems.append(Problem("完成日期", f"早于开始日期{start.isoformat()}", row))
        if attrs.get("status") == DONE and end and end > date.today():
            problems.append(Problem("完成日期", "状态为已完成，完成日期不能晚于今天", row))


def state_on(status: str | None, start: date | None, end: date | None, on: date) -> str | None:
    """A project's state on a day: 已完成 once its 完成日期 has passed, 实施中 from its start until then.

    The ledger keeps only the present 状态, so a day before a date the project has is judged by that date;
    a project without dates is taken at its present 状态.
    """
    if status == DONE:
        if end is None or end <= on:
            return DONE
        return ACTIVE if start is None or start <= on else None
    if status == ACTIVE:
        return ACTIVE if start is None or start <= on else None
    return None


def projects_by_community(session: Session, on: date, community_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Per community: its projects (清单类型 项目) 实施中 and 已完成 on `on`."""
    stmt = (select(Project.community_id, Project.status, Project.start_on, Project.end_on, func.count())
            .where(Project.list_type == "项目", Project.status.in_((ACTIVE, DONE)))
            .group_by(Project.community_id, Project.status, Project.start_on, Project.end_on))
    if community_id is not None:
        stmt = stmt.where(Project.community_id == community_id)
    # the rows do not depend on the day: one read serves every day a refresh counts at
    out: dict[int, tuple[int, int]] = {}
    for cid, status, start, end, n in shared(session, ("projects", community_id), lambda: list(session.execute(stmt))):
        state = state_on(status, start, end, on)
        if state is not None:
            active, done = out.get(cid, (0, 0))
            out[cid] = (active + n, done) if state == ACTIVE else (active, done + n)
    return out


PROJECTS = LedgerDef(
    "projects", "共建项目", Project, FIELDS, ProjectService,
    page=PageHint("项", 71, unit="项", facets=("community", "list_type", "status", "start_on"),
                  totals=("beneficiaries", "investment"), hidden=("content", "note")))
