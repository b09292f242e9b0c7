"""The catalogue: every ledger declared once, and every table's audit and community stated once.

A ledger is one `LedgerDef` next to its rules (ledger/services/<ledger>.py): its key (the command line's kind
and the window's page), its Chinese name, model, fields, rules (service), the community its records belong to,
its page and its child tables. The services registry, the CLI kinds, the window's pages and navigation, the
audit trail, the community limit and the delete-in-use checks are all derived from these declarations.

Every other table says here how it is audited or why it is exempt (`TABLES`); tests/test_catalog.py fails on
a table with neither, so a new table cannot be silently left out of the trail.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .fields import Field
from .models import (AuditEntry, CalendarDay, DeletedRecord, ImportBatch, PayAdjustment, PayLine, PayRun, PayStandardVersion,
                     QuarterSnapshot, Setting, Street, User, YearOpening)

if TYPE_CHECKING:
    from .services.base import LedgerService


@dataclass(frozen=True)
class PageHint:
    """How the window shows a ledger: plain data (the window builds its page from it; no Qt here)."""

    icon: str                           # the character on the navigation tile
    order: int                          # place in the navigation
    unit: str = "条"                     # 共12个 / 共300人 in the footer
    facets: tuple[str, ...] = ()        # field keys offered as filters (besides search)
    # numeric fields summed in the footer: a key, or (key, field, value) to sum only rows where field == value
    totals: tuple[str | tuple[str, str, str], ...] = ()
    hidden: tuple[str, ...] = ()        # columns hidden until the clerk shows them


@dataclass(frozen=True)
class Owner:
    """Which community a row belongs to: its own column, or its parent's through a foreign key.

    `column` names this table's column holding the community id (`id` for the community table itself);
    `via` names instead the foreign key to a parent table whose own Owner answers. A limit to a street later
    is a question of the same shape (the community's street_id), so it needs no new declarations.
    """

    column: str | None = "community_id"
    via: str | None = None              # a foreign-key column, e.g. "worker_id"
    or_actor: str | None = None         # a column naming the person: their own rows are theirs to see too


COMMUNITY = Owner("community_id")
STREET_WIDE = None                      # rows every account may read (settings, the pay standard …)


@dataclass(frozen=True)
class Child:
    """A table that belongs to a ledger's record (a worker's 调级记录, a venue's 功能室)."""

    model: type
    name: str                           # as the audit trail and the history name it
    via: str                            # the foreign key to the parent record
    by_service: bool = False            # its rows are recorded by the entry of the parent's action (a case's steps)


@dataclass(frozen=True)
class TableAudit:
    """How a table that is not a ledger is audited, or why it is exempt; and whose rows it holds."""

    model: Any                          # a mapped class, or the name of a table outside the models
    name: str | None = None             # audited under this name; None when exempt
    exempt: str | None = None           # why it is not audited field by field
    owner: Owner | None = STREET_WIDE
    by_service: bool = False            # its service writes one meaningful entry itself (审批, 关账)
    called: str | None = None           # what its rows are called when they keep a record from being deleted
    # Who may read and who may change its rows (ledger.access permissions; None: nobody directly). The
    # PostgreSQL server grants its group roles exactly this (ledger.server.rights).
    read: str = "ledger.read"
    write: str | None = "ledger.write"
    personal: tuple[str, ...] = ()      # columns shown masked to those without personal.read


@dataclass(frozen=True)
class LedgerDef:
    """One ledger, declared once."""

    key: str                            # workers — the command line's kind, file names, the page
    name: str                           # 社区工作者 — as a user calls the ledger
    model: type
    fields: tuple[Field, ...]
    service: type["LedgerService"] | None = None   # the rules; None: the generic service
    owner: Owner | None = COMMUNITY
    community_field: str | None = "community"      # the field naming the community, resolved to community_id
    page: PageHint | None = None        # None: no page of its own (budgets are shown on the funds page)
    children: tuple[Child, ...] = ()
    label: str = "name"                 # the attribute that names a record (a fund entry: its 凭证号)
    delete_hint: str = ""               # added to the refusal when other records still use one of these
    read: str = "ledger.read"           # who may read and who may change its rows (ledger.access permissions)
    write: str = "ledger.write"

    def __post_init__(self) -> None:
        from .services.base import LedgerService
        service = self.service
        if service is None:
            service = type(f"{self.model.__name__}Service", (LedgerService,), {"__module__": __name__})
            object.__setattr__(self, "service", service)
        # The service learns its ledger from here, so the rules never restate the model, name or fields.
        service.definition = self
        service.model = self.model
        service.name = self.name
        service.fields = self.fields
        service.community_field = self.community_field
        service.label_key = self.label
        _REGISTERED[self.key] = self

    @property
    def table(self) -> str:
        return self.model.__table__.name

    def make(self, ledger) -> "LedgerService":
        """The ledger's service for a signed-in person."""
        return self.service(ledger)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


_REGISTERED: dict[str, LedgerDef] = {}
_LOADED = False

# Tables that are not ledgers: how each is audited, or why not, and whose rows it holds.
TABLES: tuple[TableAudit, ...] = (
    TableAudit(Street, "街道", write="settings.write"),
    TableAudit(Setting, "设置", write="settings.write"),
    TableAudit(CalendarDay, "节假日安排", write="settings.write"),
    TableAudit(PayStandardVersion, "工资标准", write="pay.write"),
    TableAudit(PayAdjustment, "工资调整", owner=Owner(None, "worker_id"), read="pay.read", write="pay.write"),
    TableAudit(YearOpening, "期初累计", owner=Owner(None, "worker_id"), read="pay.read", write="pay.write"),
    # changed only through the server's account functions on PostgreSQL (ledger.server.functions)
    TableAudit(User, "账号", write=None),
    TableAudit(PayRun, "工资表", by_service=True, read="pay.read", write="pay.write"),
    TableAudit(QuarterSnapshot, "季度关账", by_service=True, write="quarter.close"),
    TableAudit(ImportBatch, "导入批次"),
    # A deleted record's snapshot: its deletion, restore and the emptying are each recorded as one entry.
    TableAudit(DeletedRecord, "回收站", owner=COMMUNITY, by_service=True),
    TableAudit(PayLine, exempt="工资表的每一行由已审计的数据（人员、工资标准、调整）计算得出；计算与审批整体记录",
               owner=Owner(None, "worker_id"), called="工资记录", read="pay.read", write="pay.write",
               personal=("id_number", "bank_account")),
    # Everyone appends (ledger.audit); nobody changes an entry. A limited account reads its community's
    # entries and its own (its logins, its exports); old and new values are personal data, masked inside.
    TableAudit(AuditEntry, exempt="操作日志本身，只能新增", owner=Owner("community_id", or_actor="user_name"),
               read="audit.read", write=None, personal=("changes",)),
    TableAudit("alembic_version", exempt="数据库结构的版本号，由升级程序维护", write=None),
)


def ledgers() -> dict[str, LedgerDef]:
    """Every declared ledger by key, in navigation order (ledgers without a page last)."""
    _load()
    return dict(sorted(_REGISTERED.items(), key=lambda kv: (kv[1].page is None, kv[1].page.order if kv[1].page else 0)))


def ledger(key: str) -> LedgerDef:
    return ledgers()[key]


def by_table(table: str) -> LedgerDef | None:
    return next((d for d in ledgers().values() if d.table == table), None)


def _load() -> None:
    """Import every module of ledger.services once: each declares its ledgers as it is imported."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import services
    for info in pkgutil.iter_modules(services.__path__, services.__name__ + "."):
        importlib.import_module(info.name)


@dataclass(frozen=True)
class TableInfo:
    """What the audit trail and the community limit need to know of one table."""

    table: str
    name: str | None                    # the audit trail's name; None: not audited field by field
    owner: Owner | None
    by_service: bool = False
    exempt: str | None = None
    parent: str | None = None           # the table an Owner.via points to
    called: str | None = None           # its rows in a refusal to delete what they use ("3条工资记录")
    read: str = "ledger.read"           # the permission to read its rows
    write: str | None = "ledger.write"  # the permission to change them (None: nobody directly)
    personal: tuple[str, ...] = ()      # its columns of personal data (masked without personal.read)


def tables() -> dict[str, TableInfo]:
    """Every table's audit name and owner: ledgers, their children, and the rest."""
    global _TABLES
    if _TABLES is None:
        out: dict[str, TableInfo] = {}
        for d in ledgers().values():
            personal = tuple(f.key for f in d.fields if f.personal)
            # a ledger may belong to a community through its parent record (a member's service records)
            out[d.table] = TableInfo(d.table, d.name, d.owner, parent=_parent_of(d.model.__table__, d.owner),
                                     called=d.name, read=d.read, write=d.write, personal=personal)
            for child in d.children:
                name = child.model.__table__.name
                out[name] = TableInfo(name, child.name, Owner(None, child.via), by_service=child.by_service,
                                      parent=d.table, called=child.name, read=d.read, write=d.write)
        for t in TABLES:
            if isinstance(t.model, str):
                out[t.model] = TableInfo(t.model, None, None, exempt=t.exempt, read=t.read, write=t.write)
                continue
            table = t.model.__table__
            out[table.name] = TableInfo(table.name, t.name, t.owner, t.by_service, t.exempt,
                                        _parent_of(table, t.owner), t.called or t.name, t.read, t.write, t.personal)
        _TABLES = out
    return _TABLES


def _parent_of(table, owner: Owner | None) -> str | None:
    """The table an Owner.via foreign key points to; None for an owner by its own column."""
    if owner is None or not owner.via:
        return None
    return next(fk.column.table.name for fk in table.c[owner.via].foreign_keys)


_TABLES: dict[str, TableInfo] | None = None


def audit_name(table: str) -> str | None:
    """The name the audit trail records a table's changes under; None for a table that is not audited."""
    info = tables().get(table)
    return info.name if info is not None else None


__all__ = ["PageHint", "Owner", "Child", "TableAudit", "LedgerDef", "TABLES", "ledgers", "ledger", "by_table",
           "tables", "audit_name", "COMMUNITY"]
