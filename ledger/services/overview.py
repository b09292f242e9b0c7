"""The 首页's figures: the street's (or one community's) key figures today, its warnings and the quarter's charts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..app import Ledger
from ..figures import StreetFigures, street_figures, total_of, workers_left
from ..models import Community
from ..quarter import Quarter, QuarterFigures, closed_figures, quarter_of
from ..shared_reads import sharing
from .alerts import Alert, alerts_in
from .base import current_street
from .estates import red_coverage
from .funds import execution_rate


@dataclass(frozen=True)
class Overview:
    street: str | None
    communities: int
    grids: int
    households: int | None      # 户数: the 社区 ledger's own figures (None when no community states one)
    grid_households: int | None # 网格户数合计
    orgs: int                   # 党组织 of the communities (党小组 not among them)
    party_groups: int           # 党小组
    branches: int               # 党支部 of every kind
    members: int                # 党员, each member once
    workers: int                # 在岗
    workers_left: int           # 离职
    venues: int
    venue_area: Decimal         # m²
    year: int
    budget: Decimal
    allocated: Decimal
    spent: Decimal
    partners: int = 0           # 共建单位 with an agreement in force
    projects_active: int = 0    # 共建项目 实施中
    projects_done: int = 0      # 共建项目 已完成
    reported: int = 0           # 报到在职党员 (figures.registered_members)
    reported_by_orgs: int = 0   # communities whose figure is their 党组织's, having no registrations
    teams: int = 0              # 志愿服务队
    activities: int = 0         # 志愿服务活动 this year
    service_visits: int = 0     # 服务人次 this year
    estates: int = 0            # 小区
    red_estates: int = 0        # 红色物业 小区

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 of the year to date."""
        return execution_rate(self.spent, self.budget)

    @property
    def red_coverage(self) -> Decimal | None:
        return red_coverage(self.red_estates, self.estates)

    @property
    def households_per_grid(self) -> int:
        """网格户数合计 over the grids, in whole households."""
        return (self.grid_households or 0) // self.grids if self.grids else 0


def is_empty(ledger: Ledger) -> bool:
    """True before the first 社区 exists: the window then offers 新建街道, 导入 and 演示数据."""
    with ledger.reading() as session:
        return session.scalar(select(Community.id).limit(1)) is None


@dataclass(frozen=True)
class Home:
    """What the 首页 shows: the key figures, the warnings and the current quarter's figures for the charts."""

    overview: Overview
    alerts: list[Alert]
    quarter: QuarterFigures


def home(ledger: Ledger, community_id: int | None = None, today: date | None = None) -> Home:
    """The 首页's figures in one transaction: the street's figures as of today give the overview (the street's or
    one community's); the charts are the quarterly summary's, as of the quarter's last day. Each table is read
    once for all three and the warnings: the rows that do not depend on the day (社区, settings, 党组织, 网格, 阵地,
    小区, 预算) as they are, the rows cut at a day (工作者, 经费, 民生诉求 …) for today and the quarter's last day
    at once (ledger/shared_reads.py) — for today alone when the quarter is closed and its figures are frozen."""
    today = today or date.today()
    own = ledger.actor.community_id
    community_id = own if own is not None else community_id
    with ledger.reading() as session:
        quarter = Quarter.containing(today)
        closed = closed_figures(session, quarter)
        with sharing(session, days={today} if closed else {today, quarter.last_day}):
            counted = street_figures(session, today)   # the limit on the session keeps an account to its community
            street = current_street(session)
            shown = overview_of(counted, street.name if street else None, community_id,
                                workers_left(session, today, community_id))
            return Home(shown, alerts_in(session, today, community_id), quarter_of(ledger, session, counted, closed))


def overview_of(counted: StreetFigures, street: str | None, community_id: int | None, left: int) -> Overview:
    """The overview of the street, or of one community, from the street's figures."""
    rows = [r for r in counted.rows if community_id in (None, r.community_id)]
    t = total_of(rows, counted.posts)
    fund = t.fund
    return Overview(
        street=street, communities=len(rows), grids=t.grids,
        households=t.households, grid_households=t.grid_households, orgs=t.org_total, party_groups=t.party_groups,
        branches=t.branches, members=t.members, workers=t.workers_total, workers_left=left,
        venues=t.venues, venue_area=t.venue_area, year=counted.on.year, budget=fund.budget, allocated=fund.allocated,
        spent=fund.spent, partners=t.partners, projects_active=t.projects_active, projects_done=t.projects_done,
        reported=t.reported, reported_by_orgs=t.reported_by_orgs, teams=t.teams, activities=t.activities,
        service_visits=t.service_visits, estates=t.estates, red_estates=t.red_estates)
