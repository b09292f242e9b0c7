"""The audit trail: every change to a record, written in the same transaction as the change.

ORM changes are recorded automatically by a flush hook on the application's sessions; bulk operations
(imports, pay runs, demo data) call record() themselves.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from .models import AuditEntry, Base

# Which tables are audited, under the ledger name a user knows.
LEDGER_NAMES = {
    "street": "街道", "community": "社区", "grid": "网格", "party_org": "党组织", "worker": "社区工作者",
    "level_change": "调级记录", "post_change": "岗位变动", "appraisal": "年度考核", "certificate": "证书",
    "fund_entry": "经费", "budget": "预算", "venue": "阵地", "venue_room": "功能室", "setting": "设置",
    "pay_standard": "工资标准", "pay_adjustment": "工资调整", "year_opening": "期初累计", "app_user": "账号",
}
_SECRET = {"password_hash"}
_LABEL_ATTRS = ("name", "month", "voucher_no", "key", "code")


def plain(value):
    """A JSON-safe rendering of a column value, as a user would read it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(session: Session, action: str, ledger: str | None = None, record_id: int | None = None,
           label: str | None = None, changes: list | None = None) -> None:
    actor = session.info.get("actor")
    session.execute(insert(AuditEntry), [{
        "at": datetime.now(), "user_name": getattr(actor, "name", None), "source": getattr(actor, "source", None),
        "action": action, "ledger": ledger, "record_id": record_id, "record_label": label,
        "changes": json.loads(json.dumps(changes, default=plain)) if changes else None,
    }])


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
                out.append({"field": attr.key, "old": None, "new": plain(value)})
    return out


def install(session_factory) -> None:
    """Attach the flush hook that audits ORM creates, updates and deletes to a session factory."""

    @event.listens_for(session_factory, "before_flush")
    def _before(session: Session, _ctx, _instances) -> None:
        pending = session.info.setdefault("audit_pending", [])
        for obj in session.dirty:
            table = obj.__table__.name if isinstance(obj, Base) else None
            if table in LEDGER_NAMES and session.is_modified(obj, include_collections=False):
                changes = _changes(obj, only_modified=True)
                if changes:
                    pending.append(("修改", LEDGER_NAMES[table], obj.id, _label(obj), changes))
        for obj in session.deleted:
            table = obj.__table__.name if isinstance(obj, Base) else None
            if table in LEDGER_NAMES:
                pending.append(("删除", LEDGER_NAMES[table], obj.id, _label(obj), _changes(obj, only_modified=False)))
        session.info["audit_new"] = [obj for obj in session.new
                                     if isinstance(obj, Base) and obj.__table__.name in LEDGER_NAMES]

    @event.listens_for(session_factory, "after_flush")
    def _after(session: Session, _ctx) -> None:
        pending = session.info.pop("audit_pending", [])
        for obj in session.info.pop("audit_new", []):
            pending.append(("新增", LEDGER_NAMES[obj.__table__.name], obj.id, _label(obj),
                            [{"field": k, "old": None, "new": plain(v)} for k, v in _row_values(obj).items()]))
        for action, ledger, record_id, label, changes in pending:
            record(session, action, ledger, record_id, label, changes)


def _row_values(obj) -> dict:
    state = inspect(obj)
    return {a.key: getattr(obj, a.key) for a in state.mapper.column_attrs
            if a.key not in _SECRET and a.key != "id" and getattr(obj, a.key) is not None}
