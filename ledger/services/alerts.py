"""What needs attention: terms ending (换届), grids outside the household band, venues below standard, funds,
and 民生诉求 past their 办理期限 (超期).

The 首页 lists these with a link to each record; `check` reports them too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from .. import settings
from ..app import Ledger
from ..case_figures import overdue_cases
from ..figures import grid_rows, load_orgs, venue_rows
from ..party import term_end, term_state
from ..record_names import named
from .base import community_names
from .funds import fund_summary
from .grids import household_warning
from .holidays import calendar_of
from .venues import meets_standard, per_100_households


@dataclass(frozen=True)
class Alert:
    severity: str   # 逾期 / 紧急 / 提醒
    ledger: str     # the LEDGERS key: orgs, grids, venues, funds
    record_id: int | None
    community_id: int | None
    text: str
    label: str = ""  # the record as a person names it: 幸福社区 第1网格


def alerts(ledger: Ledger, today: date | None = None, community_id: int | None = None) -> list[Alert]:
    today = today or date.today()
    own = ledger.actor.community_id
    with ledger.reading() as session:
        return alerts_in(session, today, own if own is not None else community_id)


def alerts_in(session: Session, today: date, community_id: int | None = None) -> list[Alert]:
    """The warnings of the street (or one community) on `today`, from the rows the figures read too."""
    cfg = settings.get_all(session)
    names = community_names(session)
    out: list[Alert] = []
    for org in load_orgs(session):
        end = term_end(org.term_start, org.term_years)
        state = term_state(end, today, cfg["term_warn_months"], cfg["term_urgent_months"])
        if state is None or state.severity is None:
            continue
        label = named(org.name, names.get(org.community_id))
        text = f"{label}任期已于{end:%Y年%m月%d日}届满，尚未换届" if state.severity == "逾期" else \
            f"{label}将于{end:%Y年%m月%d日}任期届满（{state.months}个月内）"
        out.append(Alert(state.severity, "orgs", org.id, org.community_id, text, label))
    band = (cfg["grid_households_min"], cfg["grid_households_max"])
    for grid in grid_rows(session):
        warning = household_warning(grid.households, band)
        if warning:
            label = named(grid.name, names.get(grid.community_id))
            out.append(Alert("提醒", "grids", grid.id, grid.community_id, f"{label}：{warning}", label))
    for venue in venue_rows(session):
        ok = meets_standard(venue.kind, venue.tier, venue.floor_area, venue.households_served,
                            cfg["venue_min_area"], cfg["venue_min_area_per_100"])
        if ok is False:
            per100 = per_100_households(venue.floor_area, venue.households_served)
            detail = f"建筑面积{venue.floor_area}平方米" + (f"，每百户{per100}平方米" if per100 is not None else "")
            label = named(venue.name, names.get(venue.community_id))
            out.append(Alert("提醒", "venues", venue.id, venue.community_id, f"{label}未达标（{detail}）", label))
    late_in_year = today.month >= 10
    for s in fund_summary(session, today.year, today):
        label = f"{s.community} {s.category}"
        if s.spent > s.allocated:
            out.append(Alert("紧急", "funds", None, s.community_id,
                             f"{s.community}{s.category}超支：累计支出{s.spent:,.2f}元，累计拨入{s.allocated:,.2f}元",
                             label))
        elif late_in_year and s.execution_rate is not None and s.execution_rate < Decimal(cfg["budget_low_execution"]):
            out.append(Alert("提醒", "funds", None, s.community_id,
                             f"{s.community}{s.category}执行率仅{s.execution_rate}%", label))
    calendar = calendar_of(session)
    for case in overdue_cases(session, today):
        label = named(case.number, names.get(case.community_id))
        late = calendar.between(case.due_on, today)
        handler = f"，承办单位：{case.handler}" if case.handler else ""
        supervised = "，已督办" if case.supervised_on else ""
        out.append(Alert("逾期", "cases", case.id, case.community_id,
                         f"民生诉求{label}（{case.category}）已超过办理期限{case.due_on:%Y年%m月%d日}"
                         f"{late}个工作日，尚未办结{handler}{supervised}", label))
    if community_id is not None:
        out = [a for a in out if a.community_id == community_id]
    order = {"逾期": 0, "紧急": 1, "提醒": 2}
    return sorted(out, key=lambda a: (order[a.severity], a.ledger, a.text))
