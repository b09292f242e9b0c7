"""How the window shows each ledger: built from its declaration (ledger.catalog), plus what only a window adds.

A ledger's page, navigation tile, filters, footer totals and hidden columns come from its LedgerDef's PageHint;
a new ledger gets a working page from its declaration alone. What the window adds for some ledgers — derived
columns, row colours and a detail dialog of their own — lives in EXTRAS below, and those call the ledgers' own
rules through the services' records (the 换届 window, household_warning, meets_standard).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ledger import catalog
from ledger.catalog import LedgerDef
from ledger.fields import Field
from ledger.services.columns import Columns
from ledger.services.workers import age_on

from .table_data import Facet, Scope, Total


@dataclass(frozen=True)
class Extras:
    """What the window adds to a ledger's declared page."""

    extra_fields: tuple[Field, ...] = ()       # derived columns, filled by `derive`
    extra_after: str | None = None             # the column the derived ones follow (default: at the end)
    derive: Callable[[Columns], None] | None = None         # adds the derived columns to a batch of records
    flag: Callable[[Columns], list[str | None]] | None = None   # a row's flag (its colour), for a batch
    dialog: str = "ui.record_dialog:RecordDialog"   # module:class, imported when first opened
    totals: tuple[Total, ...] = ()             # footer figures of record keys that are not columns


@dataclass(frozen=True)
class LedgerSpec:
    key: str                                   # the ledger's key (catalog)
    icon: str                                  # the character on the navigation tile
    facets: tuple[Facet, ...] = ()
    totals: tuple[Total, ...] = ()
    hidden: tuple[str, ...] = ()               # columns hidden until the clerk shows them
    extra_fields: tuple[Field, ...] = ()       # derived columns, filled by `derive`
    extra_after: str | None = None             # the column the derived ones follow (default: at the end)
    derive: Callable[[Columns], None] | None = None         # adds the derived columns to a batch of records
    flag: Callable[[Columns], list[str | None]] | None = None   # a row's flag (its colour), for a batch
    scope: Scope = Scope()
    dialog: str = "ui.record_dialog:RecordDialog"   # module:class, imported when first opened
    count_unit: str = "条"

    @property
    def definition(self) -> LedgerDef:
        return catalog.ledger(self.key)

    @property
    def service(self):
        return self.definition.service

    @property
    def title(self) -> str:
        return self.definition.name

    def fields(self) -> tuple[Field, ...]:
        own = tuple(self.definition.fields)
        keys = [f.key for f in own]
        if self.extra_after not in keys:
            return own + self.extra_fields
        at = keys.index(self.extra_after) + 1
        return own[:at] + self.extra_fields + own[at:]


COMMUNITY = Facet("社区", "community")


# --- derived columns and row flags, a batch of listed records (Columns) at a time -------------------------
def _worker_ages(columns: Columns) -> None:
    today = date.today()
    births = columns.get("birth_date")
    ages = {birth: age_on(birth, today) for birth in set(births) if birth}   # once per birthday
    columns.put("age", [ages.get(birth) for birth in births])


def _worker_flag(columns: Columns) -> list[str | None]:
    """A stored number that fails its check (shown as stored, the reason in the cell's tooltip) comes first."""
    return ["核对" if doubts else "离职" if status == "离职" else None
            for doubts, status in zip(columns.get("doubts"), columns.get("status"))]


def _venue_state(columns: Columns) -> None:
    states = {True: "达标", False: "未达标"}
    columns.put("standard_state", [states.get(meets, "不评定") for meets in columns.get("meets_standard")])


def _flag_where(key: str, flag: str, test: Callable[[object], bool] = bool) -> Callable[[Columns], list]:
    """Rows flagged `flag` where test(value of `key`) holds."""
    return lambda columns: [flag if test(value) else None for value in columns.get(key)]


# What the window adds to some ledgers' pages.
EXTRAS: dict[str, Extras] = {
    "orgs": Extras(extra_fields=(Field("term_end", "届满日期", "date", derived=True),
                                 Field("term_state", "换届状态", derived=True)), extra_after="term_years",
                   totals=(Total("社区党组织", "party_org", "个"), Total("党小组", "party_group", "个")),
                   flag=lambda columns: [alert or None for alert in columns.get("term_alert")],
                   dialog="ui.org_details:OrgDialog"),
    "grids": Extras(flag=_flag_where("household_warning", "提醒")),
    "workers": Extras(extra_fields=(Field("age", "年龄", "int", derived=True),), derive=_worker_ages,
                      flag=_worker_flag, dialog="ui.worker_details:WorkerDialog"),
    "venues": Extras(extra_fields=(Field("per_100", "每百户面积", "decimal", derived=True),
                                   Field("standard_state", "达标情况", derived=True)), extra_after="households_served",
                     derive=_venue_state, flag=_flag_where("meets_standard", "未达标", lambda meets: meets is False),
                     dialog="ui.venue_details:VenueDialog"),
    "registrations": Extras(flag=_flag_where("status", "离职", lambda status: status == "已转出"),
                            dialog="ui.registration_details:RegistrationDialog"),
    "cases": Extras(flag=_flag_where("overdue", "逾期"), dialog="ui.case_dialog:CaseDialog"),
}


def _facet(field: Field) -> Facet:
    if field.key == "community":
        return COMMUNITY
    if field.kind == "date":  # a date filters by its year
        return Facet("年度", field.key, lambda day: f"{day.year}年")
    return Facet(field.label, field.key)


def _total(fields: dict[str, Field], total: str | tuple[str, str, str]) -> Total:
    if isinstance(total, str):
        return Total(fields[total].label, total, fields[total].unit)
    key, where_key, where_value = total
    return Total(f"{where_value}合计", key, fields[key].unit, (where_key, where_value))


def _tree_scope(d: LedgerDef) -> Scope:
    """Which keys place a row under a 社区 and a 网格 of the organisation tree."""
    columns = d.model.__table__.columns
    grid = "id" if d.table == "grid" else ("grid_id" if "grid_id" in columns else None)
    if d.owner is None:
        return Scope(None, grid)
    # a ledger owned through its parent record lists each record with its parent's community_id
    return Scope(d.owner.column or "community_id", grid)


def spec_for(d: LedgerDef) -> LedgerSpec:
    extras = EXTRAS.get(d.key, Extras())
    hint = d.page
    fields = {f.key: f for f in (*d.fields, *extras.extra_fields)}
    return LedgerSpec(d.key, hint.icon, facets=tuple(_facet(fields[k]) for k in hint.facets),
                      totals=tuple(_total(fields, t) for t in hint.totals) + extras.totals, hidden=hint.hidden,
                      extra_fields=extras.extra_fields, extra_after=extras.extra_after, derive=extras.derive,
                      flag=extras.flag, scope=_tree_scope(d), dialog=extras.dialog, count_unit=hint.unit)


# Every ledger that has a page, in navigation order.
SPECS: dict[str, LedgerSpec] = {key: spec_for(d) for key, d in catalog.ledgers().items() if d.page is not None}
