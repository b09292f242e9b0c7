"""Undoing the last import exactly: its new records removed, the records it changed given back their old values.

Undo refuses, naming the row and the column, when the records have been edited or used since (a worker put on
a pay run, a grid given to a party organisation): taking the import back then would silently take those later
changes with it. The most recent import that is not yet undone is the one undone; repeating steps further back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from .. import audit_chain, scope
from ..audit import plain, typed
from ..catalog import audit_name
from ..errors import LedgerError, Problem, ValidationError
from ..models import Base, ImportBatch
from ..progress import SILENT, Progress
from .plan import KINDS

CHUNK = 1000
MAX_REPORTED = 20


@dataclass(frozen=True)
class BatchInfo:
    """An import as the undo button describes it."""

    id: int
    at: datetime
    user_name: str | None
    kind: str
    ledger_name: str
    filename: str
    created: int
    updated: int

    def describe(self) -> str:
        who = f"{self.user_name}于" if self.user_name else ""
        return (f"{who}{self.at:%Y-%m-%d %H:%M}导入的{self.ledger_name}台账“{self.filename}”"
                f"（新增{self.created}条，更新{self.updated}条）")


@dataclass(frozen=True)
class UndoOutcome:
    batch: BatchInfo
    removed: int
    restored: int

    def summary(self) -> str:
        return f"已撤销{self.batch.describe()}：删除{self.removed}条新增记录，恢复{self.restored}条被修改的记录"


def last_batch(session: Session) -> ImportBatch | None:
    return session.scalars(select(ImportBatch).where(ImportBatch.undone.is_(False)).order_by(ImportBatch.id.desc())
                           .limit(1)).first()


def info(batch: ImportBatch) -> BatchInfo:
    service = KINDS.get(batch.ledger)
    return BatchInfo(batch.id, batch.at, batch.user_name, batch.ledger, service.name if service else batch.ledger,
                     batch.filename, batch.created, batch.updated)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _current(session: Session, table, ids: list[int]) -> dict[int, Any]:
    out = {}
    for chunk in _chunks(ids):
        for row in session.execute(select(table).where(table.c.id.in_(chunk))):
            out[row.id] = row
    return out


def undo_batch(session: Session, batch: ImportBatch, progress: Progress = SILENT) -> UndoOutcome:
    """Undo one import inside the caller's unit; raises ValidationError (nothing changed) on later edits."""
    data = batch.undo or {}
    if data.get("version") != 1:
        raise LedgerError("这次导入没有保存撤销所需的数据，无法撤销")
    tables = Base.metadata.tables
    table = tables[data["table"]]
    columns = data["columns"]
    inserted, updated = data["inserted"], data["updated"]
    service = KINDS.get(batch.ledger)
    labels = {f.key: f.label for f in service.fields} if service else {}
    if service is not None and service.community_field:
        labels["community_id"] = labels.get(service.community_field, "所属社区")
    labels.update({"parent_id": labels.get("parent", "上级组织"), "grid_id": labels.get("grid", "所属网格")})
    name_of = lambda c: labels.get(c, c)  # noqa: E731
    conflicts: list[Problem] = []
    progress.report(0, 3, "核对导入后的改动")

    # 1. Nothing the import wrote may have changed since.
    current = _current(session, table, [e[0] for e in inserted])
    for record_id, row, label, *values in inserted:
        now = current.get(record_id)
        if now is None:
            continue  # deleted by hand since: already as before the import
        differing = [c for c, v in zip(columns, values) if getattr(now, c) != typed(table.c[c], v)]
        if differing:
            conflicts.append(Problem("、".join(name_of(c) for c in differing),
                                     f"“{label}”在导入后又被修改过，撤销会丢掉那次修改", row))
    current = _current(session, table, [e[0] for e in updated])
    for record_id, row, label, changed in updated:
        now = current.get(record_id)
        if now is None:
            conflicts.append(Problem(name_of(next(iter(changed), "")), f"“{label}”在导入后被删除了，无法恢复原来的值", row))
            continue
        differing = [c for c, (_old, new) in changed.items() if getattr(now, c) != typed(table.c[c], new)]
        if differing:
            conflicts.append(Problem("、".join(name_of(c) for c in differing),
                                     f"“{label}”在导入后又被修改过，撤销会丢掉那次修改", row))
    children = data.get("children", {})
    for name, part in children.items():
        if part.get("deleted"):
            # replaced children (function rooms): the import's set must still be there to be swapped back
            still = _current(session, tables[name], part["inserted"])
            if len(still) != len(part["inserted"]):
                conflicts.append(Problem(audit_name(name) or name, "导入后又被修改过，撤销会丢掉那次修改", None))
    # 2. Nothing may have come to depend on the records the import created.
    row_of = {e[0]: (e[1], e[2]) for e in inserted}
    removing = {name: set(part.get("inserted", [])) for name, part in children.items()}
    removing[table.name] = set(row_of)
    for other in tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is not table or not row_of or "id" not in other.c:
                continue
            mine = removing.get(other.name, set())
            users: dict[int, int] = {}
            for chunk in _chunks(list(row_of)):
                for own_id, ref_id in session.execute(select(other.c.id, fk.parent).where(fk.parent.in_(chunk))):
                    if own_id not in mine:
                        users[ref_id] = users.get(ref_id, 0) + 1
            what = audit_name(other.name) or other.name
            for ref_id, n in users.items():
                row, label = row_of[ref_id]
                conflicts.append(Problem(labels.get(service.label_key, "") if service else "",
                                         f"“{label}”在导入后已被{n}条{what}记录使用，请先处理这些记录", row))
    if conflicts:
        conflicts.sort(key=lambda p: (p.row or 0))
        shown = conflicts[:MAX_REPORTED]
        if len(conflicts) > MAX_REPORTED:
            shown.append(Problem("", f"……另有{len(conflicts) - MAX_REPORTED}处", None))
        raise ValidationError([Problem(p.field, f"无法撤销：{p.message}", p.row) for p in shown])

    # 3. Take it back: children the import added, then its new records (children of the file's own rows
    #    first), then the old values, then the children it replaced, with their old ids.
    progress.report(1, 3, "撤销")
    now_rows = _current(session, table, [e[0] for e in inserted] + [e[0] for e in updated])
    place = dict(zip(now_rows, scope.communities_of(session, table.name, [r._mapping for r in now_rows.values()])))
    entries: list[dict] = []
    actor = session.info.get("actor")
    who = {"at": datetime.now(), "user_name": getattr(actor, "name", None), "source": getattr(actor, "source", None)}
    for name, part in children.items():
        for chunk in _chunks(part.get("inserted", [])):
            session.execute(delete(tables[name]).where(tables[name].c.id.in_(chunk)))
        values = part.get("values", [])
        kin = scope.communities_of(session, name, values)   # their parents are still there
        for child_id, row, community_id in zip(part.get("inserted", []), values, kin):
            entries.append({**who, "action": "删除", "ledger": audit_name(name) or name, "record_id": child_id,
                            "record_label": str(row.get("name") or "")[:100] or None, "community_id": community_id,
                            "changes": [{"field": k, "old": v, "new": None} for k, v in row.items()
                                        if v is not None] or None})
    ledger_name = audit_name(table.name) or table.name
    # newest first, so that a chunk never removes a 上级组织 before the organisations under it
    for chunk in _chunks([e[0] for e in reversed(inserted)]):
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    for record_id, _row, label, *values in inserted:
        entries.append({**who, "action": "删除", "ledger": ledger_name, "record_id": record_id,
                        "record_label": (label or "")[:100] or None, "community_id": place.get(record_id),
                        "changes": [{"field": c, "old": v, "new": None} for c, v in zip(columns, values)
                                    if v is not None] or None})
    groups: dict[tuple[str, ...], list] = {}
    for record_id, _row, label, changed in updated:
        groups.setdefault(tuple(changed), []).append((record_id, label, changed))
    for cols, members in groups.items():
        stmt = table.update().where(table.c.id == bindparam("_id")).values({c: bindparam(f"_v_{c}") for c in cols})
        if "version" in table.c:   # a restored value is a new save: forms opened before the undo must reload
            stmt = stmt.values(version=table.c.version + 1)
        for chunk in _chunks(members):
            session.execute(stmt, [{"_id": rid, **{f"_v_{c}": typed(table.c[c], changed[c][0]) for c in cols}}
                                   for rid, _label, changed in chunk])
        for record_id, label, changed in members:
            entries.append({**who, "action": "修改", "ledger": ledger_name, "record_id": record_id,
                            "record_label": (label or "")[:100] or None, "community_id": place.get(record_id),
                            "changes": [{"field": c, "old": new, "new": old} for c, (old, new) in changed.items()]})
    for name, part in children.items():
        rows = part.get("deleted") or []
        if rows:
            child = tables[name]
            session.execute(insert(child), [{k: typed(child.c[k], v) for k, v in r.items()} for r in rows])
            entries += [{**who, "action": "新增", "ledger": audit_name(name) or name, "record_id": r.get("id"),
                         "record_label": str(r.get("name") or "")[:100] or None, "community_id": community_id,
                         "changes": [{"field": k, "old": None, "new": v} for k, v in r.items()
                                     if v is not None and k != "id"] or None}
                        for r, community_id in zip(rows, scope.communities_of(session, name, rows))]
    progress.report(2, 3, "记录操作日志")
    audit_chain.append(session, entries)
    batch.undone = True
    session.flush()
    progress.report(3, 3, "完成")
    return UndoOutcome(info(batch), len(inserted), len(updated))


__all__ = ["BatchInfo", "UndoOutcome", "last_batch", "info", "undo_batch", "typed", "plain"]
