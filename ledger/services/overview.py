"""The key counts of the street (or one community) for the 首页, each in one SQL query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce

from ..app import Ledger
from ..money import round_half_up
from ..models import Community, Grid, PartyOrg, Venue, Worker
from .base import current_street
from .funds import fund_summary


@dataclass(frozen=True)
class Overview:
    street: str | None
    communities: int
    grids: int
    households: int             # the grids' households
    orgs: int
    branches: int               # 党支部 of every kind
    members: int                # 党员 of the community-level organisations (parents count their branches)
    workers: int                # 在岗
    workers_left: int           # 离职
    venues: int
    venue_area: Decimal         # m²
    year: int
    budget: Decimal
    allocated: Decimal
    spent: Decimal

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 of the year, as the fund summary computes it per line."""
        if not self.budget:
            return None
        return round_half_up(self.spent * 100 / self.budget, Decimal("0.1"))


def is_empty(ledger: Ledger) -> bool:
    """True before the first 社区 exists: the window then offers 新建街道, 导入 and 演示数据."""
    with ledger.reading() as session:
        return session.scalar(select(Community.id).limit(1)) is None


def overview(ledger: Ledger, community_id: int | None = None, today: date | None = None) -> Overview:
    today = today or date.today()
    own = ledger.actor.community_id
    community_id = own if own is not None else community_id
    with ledger.reading() as session:
        def count(model, *where):
            stmt = select(func.count()).select_from(model).where(*where)
            if community_id is not None:
                stmt = stmt.where((model.id if model is Community else model.community_id) == community_id)
            return session.scalar(stmt) or 0

        def total(column, model, *where):
            stmt = select(func.sum(column)).select_from(model).where(*where)
            if community_id is not None:
                stmt = stmt.where(model.community_id == community_id)
            return session.scalar(stmt) or 0

        street = current_street(session)
        branches = ("党支部", "联合党支部", "网格党支部", "小区党支部")
        area = total(type_coerce(Venue.floor_area, BigInteger), Venue)
        summary = fund_summary(session, today.year, today, community_id)
        zero = Decimal("0.00")
        return Overview(
            street=street.name if street else None,
            communities=count(Community), grids=count(Grid), households=int(total(Grid.households, Grid)),
            orgs=count(PartyOrg), branches=count(PartyOrg, PartyOrg.category.in_(branches)),
            members=int(total(PartyOrg.members_total, PartyOrg, PartyOrg.category.in_(("党委", "党总支")),
                              PartyOrg.community_id.is_not(None))),
            workers=count(Worker, Worker.status == "在岗"), workers_left=count(Worker, Worker.status == "离职"),
            venues=count(Venue), venue_area=(Decimal(int(area)) / 100).quantize(zero),
            year=today.year, budget=sum((s.budget for s in summary), zero),
            allocated=sum((s.allocated for s in summary), zero), spent=sum((s.spent for s in summary), zero))
