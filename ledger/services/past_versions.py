"""恢复到此版本: a record's values as they stood after one entry of its history, saved back through its service.

The audit trail holds every save of a record (新增 with all its values, 修改 with the fields changed, 恢复 from the
回收站), so the record as it was after any entry is the trail replayed up to it. Restoring saves the fields that
differ from today's through the ledger's own `update`, with the version the person saw: the rules of a form
apply, and a save by someone else since is refused (conflicts.Conflict) instead of overwritten.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import catalog
from ..app import Ledger
from ..audit import typed
from ..catalog import LedgerDef
from ..errors import LedgerError, NotFound
from ..models import AuditEntry

REPLACES = ("新增", "恢复")          # entries that state every value of the record
ENDS = ("删除", "彻底删除")


def columns_after(session: Session, definition: LedgerDef, record_id: int, entry_id: int) -> dict[str, Any]:
    """The record's column values (as the trail keeps them) after the entry: what the trail knows of them."""
    entries = session.scalars(select(AuditEntry).where(AuditEntry.ledger == definition.name,
                                                       AuditEntry.record_id == record_id, AuditEntry.id <= entry_id)
                              .order_by(AuditEntry.id)).all()
    if not entries or entries[-1].id != entry_id:
        raise NotFound("修改历史中没有这一条，无法恢复到它")
    state: dict[str, Any] = {}
    for entry in entries:
        changes = entry.changes or []
        if entry.action in REPLACES:
            state = {c["field"]: c.get("new") for c in changes}
        elif entry.action in ENDS:
            state = {}
        else:
            state.update({c["field"]: c.get("new") for c in changes if "field" in c})
    return state


def restore_version(ledger: Ledger, ledger_key: str, record_id: int, entry_id: int, version: int | None) -> dict:
    """Save back the values the record had after `entry_id`; returns the stored record.

    `version` is the record's version the person saw; refused when there is nothing to restore.
    """
    definition = catalog.ledger(ledger_key)
    service = definition.make(ledger)
    with ledger.reading() as session:
        obj = session.get(definition.model, record_id)
        if obj is None:
            raise NotFound(f"{definition.name}记录不存在，可能已被删除（可在回收站中恢复）")
        raw = _differing(session, definition, obj, columns_after(session, definition, record_id, entry_id))
    if not raw:
        raise LedgerError("这条记录现在的内容与所选版本相同，无需恢复")
    return service.update(record_id, raw, version=version)


def _differing(session: Session, definition: LedgerDef, obj: Any, state: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value after the entry differs from today's, as raw values the service reads."""
    table = definition.model.__table__
    raw: dict[str, Any] = {}
    for field in definition.fields:
        if field.derived:
            continue
        column = field.key if field.key in table.c else f"{field.key}_id"
        if column not in table.c or column not in state:
            continue   # kept in a child table (功能室), or a value the trail never recorded
        then = typed(table.c[column], state[column])
        if then == getattr(obj, column):
            continue
        raw[field.key] = _reference(session, table.c[column], then) if column != field.key else then
    return raw


def _reference(session: Session, column, record_id: int | None) -> str | None:
    """A referenced record by what its ledger matches on (a 社区 by name, a 网格 by its 编号), as a form names it."""
    if record_id is None:
        return None
    target = next(iter(column.foreign_keys)).column.table
    definition = catalog.by_table(target.name)
    keys = [k for k in (definition.service.match_on if definition else ()) if not k.endswith("_id")]
    attribute = keys[0] if keys else (definition.label if definition else "name")
    value = session.scalar(select(target.c[attribute]).where(target.c.id == record_id))
    if value is None:
        raise LedgerError("该版本引用的记录已不存在，无法恢复到这个版本")
    return str(value)
