"""The party organisation's rules: categories, terms (换届) and their warning window, and what is counted once.

Pure functions over values and rows, so that the ledger page, the 首页, the warnings, the details dialog and
the 季度统计汇总 all apply the same rule (中办《关于党的基层组织任期的意见》; 中国共产党支部工作条例).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

CATEGORIES = ("党工委", "党委", "党总支", "党支部", "联合党支部", "网格党支部", "小区党支部", "楼栋党小组")
# A 党小组 is part of its 支部, not a 党组织 of its own: it is never counted among the 党组织.
PARTY_GROUP = "楼栋党小组"
# 党支部 of every kind (the ones the 3-正式党员 and 50-member rules apply to)
BRANCHES = ("党支部", "联合党支部", "网格党支部", "小区党支部")


# --- terms (换届) ------------------------------------------------------------------------------------------
def default_term_years(category: str, parent_category: str | None, has_community: bool) -> int | None:
    """Terms by 中办《关于党的基层组织任期的意见》: 村/社区 organisations 5 years, other 党总支/党支部 3 years."""
    if category == PARTY_GROUP:
        return None
    if category in ("党工委", "党委"):
        return 5
    if has_community and parent_category in (None, "党工委"):
        return 5  # the community's own 党总支/党支部
    return 3


def term_end(term_start: date | None, term_years: int | None) -> date | None:
    if term_start is None or not term_years:
        return None
    try:
        return term_start.replace(year=term_start.year + term_years)
    except ValueError:  # 29 February
        return term_start.replace(year=term_start.year + term_years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the 28th at the latest, so that every month has it)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


@dataclass(frozen=True)
class TermState:
    """Where a term stands on a day: a label for the ledger's column and a severity for the warnings."""

    label: str                 # 已逾期 / 1个月内届满 / 3个月内届满 / 任期内
    severity: str | None       # 逾期 / 紧急 / 提醒, None while the end is further than the warning window
    months: int | None = None  # the window it falls in (1 or the configured warning months)


def term_state(end: date | None, today: date, warn_months: int, urgent_months: int = 1) -> TermState | None:
    """The 换届 state of a term ending on `end`: overdue, within the urgent window, within the warning window
    (both configured: 换届提前提醒 and 换届紧急提醒, in months), or current; None without an end."""
    if end is None:
        return None
    if end < today:
        return TermState("已逾期", "逾期")
    if end <= add_months(today, urgent_months):
        return TermState(f"{urgent_months}个月内届满", "紧急", urgent_months)
    if end <= add_months(today, warn_months):
        return TermState(f"{warn_months}个月内届满", "提醒", warn_months)
    return TermState("任期内", None)


# --- what is counted ---------------------------------------------------------------------------------------
class OrgRow(NamedTuple):
    """What counting needs of one stored organisation."""

    id: int
    parent_id: int | None
    community_id: int | None
    category: str
    members_total: int | None
    founded_on: date | None
    members_reported: int | None = None   # 在职党员报到数 as the organisation states it
    name: str = ""                        # the rest is what the 换届 warnings need
    term_start: date | None = None
    term_years: int | None = None


def standing(founded_on: date | None, on: date) -> bool:
    """An organisation exists on a day once founded (an unknown founding date counts as long ago)."""
    return founded_on is None or founded_on <= on


def counted_as(category: str, community_id: int | None, founded_on: date | None, on: date) -> str | None:
    """How a community's figures count an organisation on a day: '党组织', '党小组', or not at all (None).

    The street's own 党工委 belongs to no community and a street's figures are the sums of its communities'.
    """
    if community_id is None or not standing(founded_on, on):
        return None
    return "党小组" if category == PARTY_GROUP else "党组织"


def org_counts(orgs: Iterable[OrgRow], on: date) -> dict[int, dict[str, int]]:
    """Per community, its organisations standing on `on` by category (党小组 among them, for callers to set apart)."""
    out: dict[int, dict[str, int]] = {}
    for org in orgs:
        if counted_as(org.category, org.community_id, org.founded_on, on) is not None:
            counts = out.setdefault(org.community_id, {})  # type: ignore[arg-type]  # counted_as checked it
            counts[org.category] = counts.get(org.category, 0) + 1
    return out


def members_by_community(orgs: Iterable[OrgRow], on: date) -> dict[int, int]:
    """党员数 per community, each member once.

    A community's 党委/党总支 states the total of its branches, so an organisation's 党员总数 counts only when
    no organisation above it in the same community states one: the top-level organisation's figure, or,
    where it is left blank, its children's (and theirs, where a child is blank too).
    """
    return _once_per_community(orgs, on, "members_total")


def reported_by_community(orgs: Iterable[OrgRow], on: date) -> dict[int, int]:
    """在职党员报到数 per community as the organisations state it, each member once (as 党员数 is counted)."""
    return _once_per_community(orgs, on, "members_reported")


def _once_per_community(orgs: Iterable[OrgRow], on: date, figure: str) -> dict[int, int]:
    standing_orgs = {o.id: o for o in orgs if standing(o.founded_on, on)}
    out: dict[int, int] = {}
    for org in standing_orgs.values():
        value = getattr(org, figure)
        if org.community_id is None or value is None:
            continue
        if not _covered(org, standing_orgs, figure):
            out[org.community_id] = out.get(org.community_id, 0) + value
    return out


def _covered(org: OrgRow, orgs: dict[int, OrgRow], figure: str) -> bool:
    """Whether an organisation above `org` in its community states the figure (which then includes its own)."""
    parent, seen = org.parent_id, {org.id}
    while parent is not None and parent in orgs and parent not in seen:
        seen.add(parent)
        above = orgs[parent]
        if above.community_id != org.community_id:
            return False
        if getattr(above, figure) is not None:
            return True
        parent = above.parent_id
    return False
