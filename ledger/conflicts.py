"""When people meet: a save based on an old version, and the database's refusals under concurrent work.

Every record counts its saves (models.base.Versioned). A form or an import keeps the version it showed; a save
that finds a newer one is refused with `Conflict`, naming who changed the record, when and what, from the
audit trail, so that the person can reload and see the other values. Two actions that race in the database
(two imports of one file, two first pay runs of a month, a recompute and an approval) end with the loser's
transaction refused by a constraint, a lock or a trigger; `translate` turns those refusals into a Chinese
message ("另一位用户正在…，请稍后重试") instead of a traceback.
"""
from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import catalog, scope
from .errors import LedgerError
from .models import AuditEntry


class Conflict(LedgerError):
    """Someone else changed the record (or the same data) since it was read; nothing was saved."""

    def __init__(self, message: str, record_id: int | None = None):
        super().__init__(message)
        self.record_id = record_id


def stale(session: Session, table: str, record_id: int, label: str) -> Conflict:
    """The refusal of a save based on an old version: who changed the record, when, and what."""
    name = catalog.audit_name(table) or ""
    entry = _last_entry(session, name, record_id)
    if entry is None:
        return Conflict(f"{name}“{label}”已被其他用户修改，您的修改没有保存。请重新载入后再修改。", record_id)
    from .services.audit_query import describe
    what = "；".join(f"{c.field} {c.old or '（空）'} → {c.new or '（空）'}" for c in describe(session, entry)[:4])
    who = entry.user_name or "其他用户"
    detail = f"（{what}）" if what else ""
    return Conflict(f"{name}“{label}”已被“{who}”于{entry.at:%Y-%m-%d %H:%M}{entry.action}{detail}，"
                    f"您的修改没有保存。请重新载入，看过对方的修改后再改。", record_id)


def _last_entry(session: Session, name: str, record_id: int) -> AuditEntry | None:
    """The record's newest audit entry. The person editing a record may see its history, though perhaps not the
    whole trail: on a server such a person reads it only through the record-history function (ledger.server.rows)."""
    actor = session.info.get("actor")
    if session.get_bind().dialect.name == "postgresql" and not (actor is not None and actor.can("audit.read")):
        history = select(AuditEntry).from_statement(text("SELECT * FROM public.sl_record_history(:name, :id)")
                                                    .bindparams(name=name, id=record_id))
        return (list(session.scalars(history)) or [None])[-1]
    with scope.unlimited(session):
        return session.scalars(select(AuditEntry).where(AuditEntry.ledger == name, AuditEntry.record_id == record_id)
                               .order_by(AuditEntry.id.desc()).limit(1)).first()


# What a concurrent action was doing, by the table whose uniqueness refused the loser.
_DOING = {"pay_run": "生成同一月份的工资表", "pay_line": "计算同一月份的工资表", "quarter_snapshot": "关账同一季度",
          "import_batch": "导入", "app_user": "建立同名账号", "setting": "修改同一项设置"}
_TRIGGER_MESSAGE = re.compile(r"([\u4e00-\u9fff][^\n\"']*[\u4e00-\u9fff。）])")


def translate(exc: Exception) -> LedgerError | None:
    """The Chinese refusal for a database error caused by another person's concurrent work, or None."""
    if isinstance(exc, StaleDataError):
        return Conflict("这条记录刚被其他用户修改，您的修改没有保存。请重新载入后再修改。")
    if not isinstance(exc, DBAPIError):
        return None
    text = str(exc.orig)
    code = getattr(exc.orig, "sqlstate", None)
    if isinstance(exc, IntegrityError) and ("UNIQUE" in text or code == "23505"):
        return Conflict(_duplicate_message(text))
    if "database is locked" in text or "database table is locked" in text or code in ("55P03", "40P01", "40001"):
        return Conflict("另一位用户正在写入同一批数据，您的操作没有保存。请稍后重试。")
    found = _TRIGGER_MESSAGE.search(text)
    if found and (code == "P0001" or "RAISE" in text or exc.orig.__class__.__name__ == "IntegrityError"):
        # A database trigger's own Chinese refusal (an approved pay run is locked, the trail is append-only).
        return LedgerError(found.group(1))
    return None


def _duplicate_message(text: str) -> str:
    """Which uniqueness a concurrent save took first, said for people."""
    table, column = _unique_columns(text)
    definition = catalog.by_table(table) if table else None
    if definition is not None:
        label = next((f.label for f in definition.fields if f.key == column), "")
        what = f"{definition.name}的“{label}”" if label else definition.name
        return f"{what}与另一位用户刚刚保存的记录重复，您的操作没有保存。请刷新后核对，再重试。"
    doing = _DOING.get(table or "", "保存相同的数据")
    return f"另一位用户刚刚{doing}，您的操作没有保存。请刷新后查看，需要时再重试。"


def _unique_columns(text: str) -> tuple[str | None, str | None]:
    """(table, first column) of the unique constraint a database message names (SQLite or PostgreSQL)."""
    from .models import Base
    found = re.search(r"UNIQUE constraint failed: (\w+)\.(\w+)", text)
    if found:
        return found.group(1), found.group(2)
    for table in Base.metadata.tables.values():
        for constraint in (*table.constraints, *table.indexes):
            if constraint.name and f'"{constraint.name}"' in text:
                columns = list(constraint.columns)
                return table.name, columns[0].name if columns else None
    return None, None
