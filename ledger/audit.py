"""The audit trail: every change to a record, written in the same transaction as the change.

ORM changes are recorded automatically by a flush hook on the application's sessions; bulk operations
(imports, pay runs, demo data) call record() themselves, and events outside a change (a login, an export of
personal data) call note(). The trail is append-only: the flush hook refuses to update or delete an entry,
and database triggers (migrations 0003_trust, 0007_integrity) refuse it for any other path; each entry is
appended to a hash chain (audit_chain) that shows an edit made by whoever holds the database file.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, event, inspect
from sqlalchemy.orm import Session

from . import audit_chain, catalog, scope
from .errors import LedgerError
from .models import AuditEntry, Base
from .models.base import Scaled

# Never copied into the trail: the password hash; login bookkeeping (logins are recorded as such); and
# bulky data whose meaning is recorded by its operation (a closed quarter's figures, an import's undo data).
_SECRET = {"version",  # the record's save counter: bookkeeping, not a value anyone entered
           "password_hash", "failed_attempts", "locked_until", "last_login_at", "password_changed_at",
           "must_change_password", "figures", "undo"}
_LABEL_ATTRS = ("name", "month", "voucher_no", "key", "code")

# Bulk work recorded as one event rather than an entry per row: the event, and the tables whose rows it inserts
# (or, for the opening balances, replaces) without entries of their own (None: every ledger's tables). On
# PostgreSQL the server accepts such rows only in a transaction that records the event (ledger.server.trail).
DEMO_LOAD = "加载演示数据"
OPENING_IMPORT = "导入期初累计"
SUMMARIZED: dict[str, tuple[str, ...] | None] = {DEMO_LOAD: None, OPENING_IMPORT: ("year_opening",)}


def plain(value):
    """A JSON-safe rendering of a column value, as a user would read it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def typed(column, value):
    """A value kept as JSON (`plain`) back in its column's Python type: an exact Decimal, a date, a datetime."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Scaled):
        return Decimal(str(value))
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def record(session: Session, action: str, ledger: str | None = None, record_id: int | None = None,
           label: str | None = None, changes: list | None = None, community_id: int | None = None) -> None:
    """Append one entry to the trail (at the end of its hash chain) in the session's transaction;
    `community_id` files it under the community of the record concerned (None: street-wide)."""
    actor = session.info.get("actor")
    audit_chain.append(session, [{
        "at": datetime.now(), "user_name": getattr(actor, "name", None), "source": getattr(actor, "source", None),
        "action": action, "ledger": ledger, "record_id": record_id, "record_label": label,
        "changes": json.loads(json.dumps(changes, default=plain)) if changes else None, "community_id": community_id,
    }])


def note(ledger, action: str, ledger_name: str | None = None, record_id: int | None = None,
         label: str | None = None, changes: list | None = None, community_id: int | None = None) -> None:
    """Record an event that changes no record (an export, a backup) in a transaction of its own."""
    with ledger.db.writes.begin() as session:
        session.info["actor"] = ledger.actor
        record(session, action, ledger_name, record_id, label, changes, community_id)


def exported(ledger, what: str, path, rows: int | None = None, personal: bool = True) -> None:
    """Record an export; `personal` says whether it held 身份证号, 银行账号 or 电话 (in full or masked)."""
    shown = "完整" if ledger.actor.shows_personal else "已遮蔽"
    changes = [{"field": "文件", "old": None, "new": str(path)}]
    if rows is not None:
        changes.append({"field": "行数", "old": None, "new": rows})
    if personal:
        changes.append({"field": "个人信息", "old": None, "new": shown})
    note(ledger, "导出", None, None, what[:100], changes)


def _audited(obj) -> str | None:
    """The name a changed object is audited under; None for tables exempt or audited by their service.

    Which tables are audited, and under what name, is declared once in ledger.catalog.
    """
    if not isinstance(obj, Base):
        return None
    info = catalog.tables().get(obj.__table__.name)
    if info is None:
        raise LedgerError(f"数据表 {obj.__table__.name} 没有在 ledger.catalog 中说明如何记录操作日志")
    return None if info.by_service else info.name


def _id(obj) -> int | None:
    """The record's number; None for tables keyed otherwise (a setting is known by its key, the label)."""
    value = getattr(obj, "id", None)
    return value if isinstance(value, int) else None


def _label(obj) -> str | None:
    for attr in _LABEL_ATTRS:
        value = getattr(obj, attr, None)
        if value:
            return str(value)[:100]
    return None


def _changes(obj, only_modified: bool) -> list[dict]:
    state = inspect(obj)
    out = []
    for attr in state.mapper.column_attrs:
        if attr.key in _SECRET or attr.key == "id":
            continue
        history = state.attrs[attr.key].history
        if only_modified:
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
            out.append({"field": attr.key, "old": plain(old), "new": plain(new)})
        else:
            value = getattr(obj, attr.key)
            if value is not None:
                # A deleted record's values are what was there before: old, with nothing after.
                out.append({"field": attr.key, "old": plain(value), "new": None})
    return out


def install(session_factory) -> None:
    """Attach the flush hook that audits ORM creates, updates and deletes to a session factory."""

    @event.listens_for(session_factory, "before_flush")
    def _before(session: Session, _ctx, _instances) -> None:
        if any(isinstance(obj, AuditEntry) for obj in (*session.dirty, *session.deleted)):
            raise LedgerError("操作日志只能新增，不能修改或删除")
        pending = session.info.setdefault("audit_pending", [])
        for obj in session.dirty:
            name = _audited(obj)
            if name and session.is_modified(obj, include_collections=False):
                changes = _changes(obj, only_modified=True)
                if changes:
                    pending.append(("修改", name, _id(obj), _label(obj), changes, scope.community_of(session, obj)))
        for obj in session.deleted:
            if name := _audited(obj):
                pending.append(("删除", name, _id(obj), _label(obj), _changes(obj, only_modified=False),
                                scope.community_of(session, obj)))
        session.info["audit_new"] = [obj for obj in session.new if _audited(obj)]

    @event.listens_for(session_factory, "after_flush")
    def _after(session: Session, _ctx) -> None:
        pending = session.info.pop("audit_pending", [])
        for obj in session.info.pop("audit_new", []):
            pending.append(("新增", _audited(obj), _id(obj), _label(obj),
                            [{"field": k, "old": None, "new": plain(v)} for k, v in _row_values(obj).items()],
                            scope.community_of(session, obj)))
        for action, ledger, record_id, label, changes, community_id in pending:
            record(session, action, ledger, record_id, label, changes, community_id)


def _row_values(obj) -> dict:
    state = inspect(obj)
    return {a.key: getattr(obj, a.key) for a in state.mapper.column_attrs
            if a.key not in _SECRET and a.key != "id" and getattr(obj, a.key) is not None}
