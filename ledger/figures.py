"""Each community's figures as of a day, and a street's as their sums: 党组织, 党员, 户数, 网格, 社区工作者, 经费, 阵地,
and the wider ledgers' 共建单位, 共建项目, 报到党员, 志愿服务, 民生诉求 and 小区.

The 首页, the 季度统计汇总 (screen, xlsx, PDF, CLI) and the 数据检查 all take their figures from here, so that no
two of them can disagree. The rules themselves live with their concept and are applied here: which
organisations count and how members are counted once (ledger/party.py), 执行率 (services/funds.py), 达标
(services/venues.py). A community's 户数 is the 社区 ledger's own figure; the sum over its grids is a separate
figure, 网格户数合计, and a difference between the two is a finding of `check` (households_gap).

"As of a day" is as exact as the ledgers allow: funding entries have dates, party organisations a founding
date and workers a starting date, so those are cut at the day; grids, households and venues carry no history,
so they are the present figures. Of the wider ledgers, agreements, projects, registrations, teams and activities
have dates and are cut at the day (activities and the residents they served: the year to the day, as funds);
民生诉求 are the cases as they stood at the end of the day, the year to it (ledger/case_figures.py); estates
are the present figures.

报到党员 has one home here (`registered_members`): a community that keeps registrations counts its members 在册
in that ledger; one that has none yet counts what its party organisations state as 在职党员报到数, and its row
says so (`reported_by_orgs`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from . import settings
from .case_figures import CaseFigures, case_figures
from .models import Grid, PartyOrg, Venue, Worker
from .money import round_half_up
from .paystandard import Post
from .party import BRANCHES, PARTY_GROUP, OrgRow, members_by_community, org_counts, reported_by_community
from .services.activities import activities_by_community
from .services.base import communities
from .services.estates import estates_by_community, red_coverage
from .services.funds import CATEGORIES as FUND_CATEGORIES
from .services.funds import execution_rate, fund_summary
from .services.partners import partners_by_community
from .services.paystandards import standard_in_force
from .services.projects import projects_by_community
from .services.registrations import registered_by_community
from .services.teams import teams_by_community
from .services.venues import meets_standard
from .shared_reads import count_if, shared, shared_by_day, split_by_day

ZERO = Decimal("0.00")

# The report's party-organisation columns and the categories each one counts. A 党工委 tied to a community
# is unusual (it is the street's), but it is a 党委-level body, so it is counted there rather than lost.
# 党小组 come last: they are listed, never counted among the 党组织.
PARTY_ORG_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("党委", ("党委", "党工委")),
    ("党总支", ("党总支",)),
    ("党支部", ("党支部", "联合党支部", "小区党支部")),
    ("网格党支部", ("网格党支部",)),
)
GROUP_COLUMN = ("党小组", (PARTY_GROUP,))
ORG_COLUMNS = PARTY_ORG_COLUMNS + (GROUP_COLUMN,)


@dataclass(frozen=True)
class FundFigures:
    """One funding category's year-to-date figures: budget, 拨入 and 支出."""

    budget: Decimal = ZERO
    allocated: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def execution_rate(self) -> Decimal | None:
        return execution_rate(self.spent, self.budget)

    def __add__(self, other: FundFigures) -> FundFigures:
        return FundFigures(self.budget + other.budget, self.allocated + other.allocated, self.spent + other.spent)


@dataclass(frozen=True)
class CommunityFigures:
    """One community's figures (or the 合计 of several: a street's figures are the sums of its communities')."""

    name: str
    community_id: int | None = None
    code: str | None = None
    orgs: dict[str, int] = field(default_factory=dict)          # party-organisation category -> count (党小组 too)
    members: int = 0                                            # 党员数, each member once
    grids: int = 0
    households: int | None = None                               # 户数: the 社区 ledger's own figure
    grid_workers: int = 0                                       # 专职网格员 on the roster
    workers: dict[str, int] = field(default_factory=dict)       # post name (一岗 …) -> workers in post
    funds: dict[str, FundFigures] = field(default_factory=dict) # funding category -> year to date
    venue_area: Decimal = ZERO                                  # all venues' floor area, m²
    venues: int = 0
    venues_judged: int = 0                                      # community 党群服务中心 judged against the standard
    venues_met: int = 0
    grid_households: int | None = None                          # 网格户数合计: the sum over the grids
    partners: int = 0                                           # 共建单位 with an agreement in force
    projects_active: int = 0                                    # 共建项目 实施中
    projects_done: int = 0                                      # 共建项目 已完成
    reported: int = 0                                           # 报到在职党员 (registered_members)
    reported_by_orgs: int = 0                                   # communities whose 报到党员 is the 党组织 figure
    teams: int = 0                                              # 志愿服务队
    activities: int = 0                                         # 志愿服务活动, the year to the day
    service_visits: int = 0                                     # 服务居民人次 of those activities
    estates: int = 0                                            # 小区
    red_estates: int = 0                                        # 红色物业 小区
    cases: CaseFigures = CaseFigures()                          # 民生诉求, the year to the day

    @property
    def org_total(self) -> int:
        """党组织数: every category but the 党小组, which are part of their 支部."""
        return sum(n for category, n in self.orgs.items() if category != PARTY_GROUP)

    @property
    def party_groups(self) -> int:
        return self.orgs.get(PARTY_GROUP, 0)

    @property
    def branches(self) -> int:
        """党支部 of every kind."""
        return sum(self.orgs.get(c, 0) for c in BRANCHES)

    def org_column(self, column: str) -> int:
        categories = dict(ORG_COLUMNS)[column]
        return sum(self.orgs.get(c, 0) for c in categories)

    @property
    def workers_total(self) -> int:
        return sum(self.workers.values())

    @property
    def fund(self) -> FundFigures:
        total = FundFigures()
        for figures in self.funds.values():
            total = total + figures
        return total

    @property
    def meets_standard(self) -> bool | None:
        """Whether every judged 党群服务中心 meets the standard; None when none is judged."""
        if not self.venues_judged:
            return None
        return self.venues_met == self.venues_judged

    @property
    def red_coverage(self) -> Decimal | None:
        """红色物业覆盖率 (%), from the counts (a 合计's from its sums)."""
        return red_coverage(self.red_estates, self.estates)

    def __add__(self, other: CommunityFigures) -> CommunityFigures:
        def merged(a: dict, b: dict) -> dict:
            out = dict(a)
            for key, value in b.items():
                out[key] = out[key] + value if key in out else value
            return out
        counts = {key: getattr(self, key) + getattr(other, key) for key in _COUNTS}
        return CommunityFigures(
            name=self.name, orgs=merged(self.orgs, other.orgs), households=_known_sum(self.households, other.households),
            workers=merged(self.workers, other.workers), funds=merged(self.funds, other.funds),
            venue_area=self.venue_area + other.venue_area, cases=self.cases + other.cases,
            grid_households=_known_sum(self.grid_households, other.grid_households), **counts)


# the counts a 合计 adds up as they are
_COUNTS = ("members", "grids", "grid_workers", "venues", "venues_judged", "venues_met", "partners", "projects_active",
           "projects_done", "reported", "reported_by_orgs", "teams", "activities", "service_visits", "estates",
           "red_estates")


def _known_sum(a: int | None, b: int | None) -> int | None:
    """A sum of figures of which some may be unknown (blank): the known ones, or None when none is known."""
    return None if a is None and b is None else (a or 0) + (b or 0)


def total_of(rows: Iterable[CommunityFigures], posts: Sequence[str] = ()) -> CommunityFigures:
    """The 合计: sums of the rows; rates and averages are recomputed from the sums, never summed."""
    total = CommunityFigures(name="合计", orgs={c: 0 for _, cats in ORG_COLUMNS for c in cats},
                             workers={p: 0 for p in posts}, funds={c: FundFigures() for c in FUND_CATEGORIES})
    for row in rows:
        total = total + row
    return replace(total, name="合计")


@dataclass(frozen=True)
class StreetFigures:
    """Every community's figures on a day, with the post names and the 阵地 standard they were counted by."""

    on: date
    posts: tuple[str, ...]
    rows: tuple[CommunityFigures, ...]
    venue_standard: tuple[int, int]     # (minimum m², minimum m² per 100 households)

    @property
    def total(self) -> CommunityFigures:
        return total_of(self.rows, self.posts)


# ---------------------------------------------------------------------------------------------------------
# Computing from the ledgers: one query per figure


def street_figures(session: Session, on: date, community_id: int | None = None) -> StreetFigures:
    """Every community's figures as of `on` (funds: the year to `on`), or one community's, in a few queries."""
    posts: tuple[Post, ...] = standard_in_force(session, on).posts
    post_names = {p.code: p.name for p in posts}
    rows: dict[int, dict] = {
        cid: {"name": name, "code": code, "households": households, "orgs": {}, "grid_households": None,
              "workers": {p.name: 0 for p in posts}, "funds": {}, "venue_area": ZERO, "cases": CaseFigures(),
              **dict.fromkeys(_COUNTS, 0)}
        for cid, name, code, households in communities(session) if community_id in (None, cid)}

    orgs = load_orgs(session, community_id)
    for cid, counts in org_counts(orgs, on).items():
        if cid in rows:
            rows[cid]["orgs"] = counts
    for cid, members in members_by_community(orgs, on).items():
        if cid in rows:
            rows[cid]["members"] = members

    for cid, (n, households) in grid_households(session, community_id).items():
        if cid in rows:
            rows[cid]["grids"], rows[cid]["grid_households"] = n, households

    for cid, post, title, status, n in worker_counts(session, on):
        if cid not in rows or status != "在岗":
            continue
        name = post_names.get(post, f"{post}岗")
        rows[cid]["workers"][name] = rows[cid]["workers"].get(name, 0) + n
        if title == "专职网格员":
            rows[cid]["grid_workers"] += n

    for s in fund_summary(session, on.year, on, community_id):
        if s.community_id in rows:
            rows[s.community_id]["funds"][s.category] = FundFigures(s.budget, s.allocated, s.spent)

    cfg = settings.get_all(session)
    for _id, _name, cid, kind, tier, area, served in venue_rows(session):
        if cid not in rows:
            continue
        row = rows[cid]
        row["venue_area"] += area or ZERO
        row["venues"] += 1
        ok = meets_standard(kind, tier, area or ZERO, served, cfg["venue_min_area"], cfg["venue_min_area_per_100"])
        if ok is not None:
            row["venues_judged"] += 1
            row["venues_met"] += int(ok)

    _wider(session, on, community_id, orgs, rows)
    figures = sorted((CommunityFigures(community_id=cid, **row) for cid, row in rows.items()),
                     key=lambda r: (r.code is None, r.code or "", r.community_id or 0))
    return StreetFigures(on, tuple(p.name for p in posts), tuple(figures),
                         (cfg["venue_min_area"], cfg["venue_min_area_per_100"]))


def _wider(session: Session, on: date, community_id: int | None, orgs: list[OrgRow], rows: dict[int, dict]) -> None:
    """The wider ledgers' figures of each community on `on` (activities and cases: from 1 January to `on`)."""
    def put(key: str, counted: dict[int, int]) -> None:
        for cid, n in counted.items():
            if cid in rows:
                rows[cid][key] = n

    put("partners", partners_by_community(session, on, community_id))
    for cid, (active, done) in projects_by_community(session, on, community_id).items():
        if cid in rows:
            rows[cid]["projects_active"], rows[cid]["projects_done"] = active, done
    members = registered_members(session, on, orgs, community_id)
    for cid, row in rows.items():
        n, by_orgs = members.get(cid, (0, True))     # no registrations, nothing stated: the 党组织 figure, blank
        row["reported"], row["reported_by_orgs"] = n, int(by_orgs)
    put("teams", teams_by_community(session, on, community_id))
    for cid, (n, visits) in activities_by_community(session, date(on.year, 1, 1), on, community_id).items():
        if cid in rows:
            rows[cid]["activities"], rows[cid]["service_visits"] = n, visits
    for cid, (n, red) in estates_by_community(session, community_id).items():
        if cid in rows:
            rows[cid]["estates"], rows[cid]["red_estates"] = n, red
    for cid, cases in case_figures(session, on, community_id).items():
        if cid in rows:
            rows[cid]["cases"] = cases


def registered_members(session: Session, on: date, orgs: list[OrgRow],
                       community_id: int | None = None) -> dict[int, tuple[int, bool]]:
    """报到在职党员 per community on `on`, and whether it is the 党组织 figure standing in.

    The 在职党员双报到 ledger is the source for a community that has registrations by that day (its members
    在册); a community without any counts the 在职党员报到数 its party organisations state, each member once.
    """
    kept = registered_by_community(session, on, community_id)
    stated = reported_by_community(orgs, on)
    out = {cid: (n, False) for cid, (n, _registrations) in kept.items()}
    for cid, n in stated.items():
        out.setdefault(cid, (n, True))
    return out


def load_orgs(session: Session, community_id: int | None = None) -> list[OrgRow]:
    """What counting and the 换届 warnings need of every party organisation (of one community, if given)."""
    def read() -> list[OrgRow]:
        stmt = select(PartyOrg.id, PartyOrg.parent_id, PartyOrg.community_id, PartyOrg.category,
                      PartyOrg.members_total, PartyOrg.founded_on, PartyOrg.members_reported, PartyOrg.name,
                      PartyOrg.term_start, PartyOrg.term_years)
        return [OrgRow(*row) for row in session.execute(stmt)]
    return [o for o in shared(session, "orgs", read) if community_id in (None, o.community_id)]


def grid_rows(session: Session) -> list[Any]:
    """Every grid's id, name, community and 户数."""
    return shared(session, "grids", lambda: list(session.execute(
        select(Grid.id, Grid.name, Grid.community_id, Grid.households))))


def grid_households(session: Session, community_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Per community: its number of grids and 网格户数合计 (the sum of the grids' 户数)."""
    out: dict[int, tuple[int, int]] = {}
    for grid in grid_rows(session):
        if community_id in (None, grid.community_id):
            n, households = out.get(grid.community_id, (0, 0))
            out[grid.community_id] = (n + 1, households + (grid.households or 0))
    return out


def venue_rows(session: Session) -> list[Any]:
    """Every venue's id, name, community and what judging it against the standard needs."""
    return shared(session, "venues", lambda: list(session.execute(
        select(Venue.id, Venue.name, Venue.community_id, Venue.kind, Venue.tier, Venue.floor_area,
               Venue.households_served))))


def worker_counts(session: Session, on: date) -> list[tuple]:
    """Workers per community, post, title and status: those 在岗 on `on` (started on or before it, an unknown
    start counting) and those 离职."""
    return shared_by_day(session, "workers", on, lambda days: _worker_counts(session, days))


def _worker_counts(session: Session, days: tuple[date, ...]) -> dict[date, list[tuple]]:
    """worker_counts on each day, in one statement."""
    def counted(on: date) -> ColumnElement[bool]:
        started = (Worker.started_on.is_(None)) | (Worker.started_on <= on)
        return ((Worker.status == "在岗") & started) | (Worker.status == "离职")

    stmt = (select(Worker.community_id, Worker.post, Worker.title, Worker.status,
                   *(count_if(counted(day)) for day in days))
            .where(or_(*(counted(day) for day in days)))
            .group_by(Worker.community_id, Worker.post, Worker.title, Worker.status))
    return split_by_day(session.execute(stmt), days, keys=4)


def workers_left(session: Session, on: date, community_id: int | None = None) -> int:
    """离职 workers (of one community, if given)."""
    return sum(n for cid, _post, _title, status, n in worker_counts(session, on)
               if status == "离职" and community_id in (None, cid))


# ---------------------------------------------------------------------------------------------------------
# 户数 against 网格户数合计


def households_gap(households: int | None, grid_total: int | None, tolerance_percent: int) -> str | None:
    """Why a community's 户数 and its grids' 网格户数合计 need a look, or None when they agree (within the
    tolerance, as a share of the community's own figure) or there are no grids to compare with."""
    if not grid_total:
        return None
    if households is None:
        return f"社区台账未填户数，网格户数合计{grid_total:,}户"
    difference = abs(households - grid_total)
    if households and difference * 100 <= households * tolerance_percent:
        return None
    share = f"{round_half_up(Decimal(difference) * 100 / households, Decimal('0.1'))}%" if households else "—"
    return (f"社区台账户数{households:,}户，网格户数合计{grid_total:,}户，相差{difference:,}户（{share}），"
            f"超过{tolerance_percent}%")


def household_findings(session: Session) -> list[tuple[str, str]]:
    """(社区名称, why) for every community whose 户数 and 网格户数合计 differ by more than the office's tolerance."""
    tolerance = settings.get(session, "households_gap_percent")
    grids = grid_households(session)
    out = []
    by_code = sorted(communities(session), key=lambda c: (c.code is None, c.code or "", c.id))
    for cid, name, _code, households in by_code:
        why = households_gap(households, grids.get(cid, (0, 0))[1], tolerance)
        if why:
            out.append((name, why))
    return out
