"""What each ledger page shows beyond its fields: filters, footer sums, extra columns, row colours, dialog.

The pages themselves are generic over ledger.services.LEDGERS; a ledger's particulars live here as data.
Derived columns and colours call the services' own rules (term_end, household_warning, meets_standard).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ledger.fields import Field
from ledger.services import LEDGERS
from ledger.services.workers import age_on

from .table_data import Facet, Scope, Total

Record = dict


@dataclass(frozen=True)
class LedgerSpec:
    key: str                                   # the LEDGERS key
    icon: str                                  # the character on the navigation tile
    facets: tuple[Facet, ...] = ()
    totals: tuple[Total, ...] = ()
    hidden: tuple[str, ...] = ()               # columns hidden until the clerk shows them
    extra_fields: tuple[Field, ...] = ()       # derived columns, filled by `derive`
    extra_after: str | None = None             # the column the derived ones follow (default: at the end)
    derive: Callable[[list[Record]], None] | None = None
    flag: Callable[[Record], str | None] | None = None
    scope: Scope = Scope()
    dialog: str = "ui.record_dialog:RecordDialog"   # module:class, imported when first opened
    count_unit: str = "条"

    @property
    def service(self):
        return LEDGERS[self.key]

    @property
    def title(self) -> str:
        return self.service.name

    def fields(self) -> tuple[Field, ...]:
        own = tuple(self.service.fields)
        keys = [f.key for f in own]
        if self.extra_after not in keys:
            return own + self.extra_fields
        at = keys.index(self.extra_after) + 1
        return own[:at] + self.extra_fields + own[at:]


COMMUNITY = Facet("社区", "community")


# --- derived columns -----------------------------------------------------------------------------------
def _worker_ages(records: list[Record]) -> None:
    today = date.today()
    for r in records:
        birth = r.get("birth_date")
        r["age"] = age_on(birth, today) if birth else None


def _org_terms(records: list[Record]) -> None:
    today = date.today()
    for r in records:
        end = r.get("term_end")
        r["term_state"] = _term_state(end, today)


def _term_state(end: date | None, today: date) -> str:
    if end is None:
        return ""
    days = (end - today).days
    if days < 0:
        return "已逾期"
    if days <= 31:
        return "1个月内届满"
    if days <= 92:
        return "3个月内届满"
    return "任期内"


def _org_flag(r: Record) -> str | None:
    return {"已逾期": "逾期", "1个月内届满": "紧急", "3个月内届满": "提醒"}.get(r.get("term_state") or "")


def _grid_flag(r: Record) -> str | None:
    return "提醒" if r.get("household_warning") else None


def _worker_flag(r: Record) -> str | None:
    """A stored number that fails its check (shown as stored, the reason in the cell's tooltip) comes first."""
    if r.get("doubts"):
        return "核对"
    return "离职" if r.get("status") == "离职" else None


def _venue_state(records: list[Record]) -> None:
    for r in records:
        r["standard_state"] = {True: "达标", False: "未达标"}.get(r.get("meets_standard"), "不评定")


SPECS: dict[str, LedgerSpec] = {s.key: s for s in (
    LedgerSpec("communities", "社", scope=Scope("id"), count_unit="个",
               totals=(Total("户数", "households", "户"), Total("常住人口", "population", "人"),
                       Total("辖区面积", "area_km2", "平方公里")),
               hidden=("note",)),
    LedgerSpec("orgs", "党", count_unit="个",
               facets=(COMMUNITY, Facet("组织类别", "category"), Facet("换届", "term_state")),
               hidden=("deputy_secretary", "members_reported", "founded_on", "phone", "venue", "note"),
               extra_fields=(Field("term_end", "届满日期", "date", derived=True),
                             Field("term_state", "换届状态", derived=True)), extra_after="term_years",
               derive=_org_terms, flag=_org_flag, scope=Scope("community_id", "grid_id"),
               dialog="ui.org_details:OrgDialog"),
    LedgerSpec("grids", "网", count_unit="个",
               facets=(COMMUNITY, Facet("网格类型", "kind")),
               totals=(Total("户数", "households", "户"), Total("常住人口", "population", "人"),
                       Total("流动人口", "floating_population", "人")),
               hidden=("bounds", "parttime_count", "department_count", "building_leader_count", "unit_leader_count",
                       "note"),
               flag=_grid_flag, scope=Scope("community_id", "id")),
    LedgerSpec("workers", "工", count_unit="人",
               facets=(COMMUNITY, Facet("职务", "title"), Facet("岗位", "post"), Facet("状态", "status")),
               hidden=("bank_account", "contribution_base", "special_deduction", "political_status", "note"),
               extra_fields=(Field("age", "年龄", "int", derived=True),),
               derive=_worker_ages, flag=_worker_flag,
               dialog="ui.worker_details:WorkerDialog"),
    LedgerSpec("funds", "经",
               facets=(COMMUNITY, Facet("年度", "entry_date",
                                           lambda r: f"{r['entry_date'].year}年" if r.get("entry_date") else ""),
                       Facet("经费类别", "category"), Facet("收支", "direction")),
               totals=(Total("拨入合计", "amount", "元", ("direction", "拨入")),
                       Total("支出合计", "amount", "元", ("direction", "支出"))),
               hidden=("note",)),
    LedgerSpec("venues", "阵", count_unit="个",
               facets=(COMMUNITY, Facet("类型", "kind"), Facet("层级", "tier"), Facet("达标", "standard_state")),
               totals=(Total("建筑面积", "floor_area", "平方米"),),
               hidden=("address", "opening_hours", "note"),
               extra_fields=(Field("per_100", "每百户面积", "decimal", derived=True),
                             Field("standard_state", "达标情况", derived=True)), extra_after="households_served",
               derive=_venue_state, flag=lambda r: "未达标" if r.get("meets_standard") is False else None,
               dialog="ui.venue_details:VenueDialog"),
)}
