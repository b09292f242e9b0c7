"""回收站: a deleted ledger record kept whole — its row and its child rows — restored under its own id, or emptied.

`LedgerService.delete` puts the record here (`keep`) in the transaction that deletes it, after the refusals of a
record still in use. A restore writes the row and its children back with their own ids (ledger ids are never given
again: AUTOINCREMENT on SQLite, sequences on PostgreSQL), so the record's audit trail and history still apply;
it is refused, with the reason, when a reference is gone (its 社区 deleted since) or a unique key is now taken
(a new worker with the same 身份证号). An administrator empties the bin. Each restore and emptying is audited;
the deletion itself is, by the audit trail's flush hook.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint, and_, func, insert, select
from sqlalchemy.orm import Session

from .. import audit_chain, catalog, scope
from ..access import UNNAMED
from ..app import Ledger
from ..audit import plain, typed
from ..catalog import LedgerDef
from ..errors import NotFound, Problem, ValidationError
from ..models import Community, DeletedRecord
from ..record_names import is_person, named

BIN = "回收站"   # how the audit trail names the bin's own events


@dataclass(frozen=True)
class BinEntry:
    """A deleted record as the 回收站 lists it."""

    id: int
    ledger_key: str
    ledger_name: str
    record_id: int
    name: str                  # 张华（幸福社区）
    community_id: int | None
    deleted_at: datetime
    deleted_by: str
    contents: str              # what came along: 调级记录2条、年度考核1条


@dataclass(frozen=True)
class Restored:
    ledger_key: str
    record_id: int
    name: str
    version: int | None      # the restored record's version (a restore is a save)


def keep(session: Session, definition: LedgerDef, obj: Any) -> int:
    """Put a record about to be deleted, with its child rows, into the bin; returns the bin entry's id."""
    table = obj.__table__
    with scope.unlimited(session):
        row = session.execute(select(table).where(table.c.id == obj.id)).mappings().one()
        children = {}
        for child in definition.children:
            child_table = child.model.__table__
            rows = session.execute(select(child_table).where(child_table.c[child.via] == obj.id)
                                   .order_by(child_table.c.id)).mappings().all()
            if rows:
                children[child_table.name] = [_plain(r) for r in rows]
    community_id = scope.community_of(session, obj)
    actor = session.info.get("actor")
    entry = DeletedRecord(ledger=definition.key, record_id=obj.id, name=record_name(session, definition, obj)[:100],
                          community_id=community_id, deleted_at=datetime.now(), deleted_by=getattr(actor, "name", None),
                          snapshot={"row": _plain(row), "children": children})
    session.add(entry)
    session.flush()
    return entry.id


def own_label(definition: LedgerDef, obj: Any) -> str:
    """The record's own name (its 姓名, 名称, 凭证号), as the audit trail stores it."""
    own = getattr(obj, definition.label, None)
    return str(own)[:100] if own not in (None, "") else f"编号{obj.id}"


def record_name(session: Session, definition: LedgerDef, obj: Any) -> str:
    """A record as a person names it: 张华（幸福社区）, 幸福社区 第1网格."""
    own = own_label(definition, obj)
    cid = getattr(obj, "community_id", None) if definition.community_field else None
    with scope.unlimited(session):
        community = session.scalar(select(Community.name).where(Community.id == cid)) if cid is not None else None
    return named(own, community, is_person(definition))


class RecycleBin:
    """The bin as one signed-in person sees it: a community-limited account only its own community's records."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def list(self) -> list[BinEntry]:
        """Newest deletion first."""
        with self.ledger.reading() as session:
            entries = session.scalars(select(DeletedRecord).order_by(DeletedRecord.deleted_at.desc(),
                                                                     DeletedRecord.id.desc())).all()
            return [_entry(e) for e in entries]

    def count(self) -> int:
        with self.ledger.reading() as session:
            return session.scalar(select(func.count()).select_from(DeletedRecord)) or 0

    def restore(self, entry_id: int) -> Restored:
        """Bring a record back under its own id with its child rows; refused (nothing written) with the reason."""
        return self.restore_many([entry_id])[0]

    def restore_many(self, entry_ids: Sequence[int]) -> list[Restored]:
        """Restore several entries in one transaction, all or nothing (the records of one deletion)."""
        with self.ledger.unit("ledger.write") as session:
            return [self._restore(session, entry_id) for entry_id in entry_ids]

    def _restore(self, session: Session, entry_id: int) -> Restored:
        entry = session.get(DeletedRecord, entry_id)
        if entry is None:
            raise NotFound("回收站中没有这条记录，可能已被恢复，或回收站已被清空")
        definition = catalog.ledger(entry.ledger)
        table = definition.model.__table__
        row = {k: typed(table.c[k], v) for k, v in entry.snapshot["row"].items() if k in table.c}
        problems = _refusals(session, definition, entry.name, row)
        if problems:
            raise ValidationError(problems)
        if "version" in table.c:   # a restore is a save: a form or an undo holding the old version must reload
            row["version"] = (row.get("version") or 0) + 1
        scope.check_rows(session, definition.model, [row])
        session.execute(insert(table), [row])
        label = own_label(definition, _Row(row))
        restored = [_audit_entry(session, "恢复", definition.name, entry.record_id, label, entry.community_id,
                                 [{"field": k, "old": None, "new": plain(v)} for k, v in row.items()
                                  if k not in ("id", "version") and v is not None])]
        for name, rows in (entry.snapshot.get("children") or {}).items():
            child = table.metadata.tables[name]
            session.execute(insert(child), [{k: typed(child.c[k], v) for k, v in r.items() if k in child.c}
                                            for r in rows])
            called = catalog.audit_name(name) or name
            restored += [_audit_entry(session, "恢复", called, r["id"], label, entry.community_id,
                                      [{"field": k, "old": None, "new": v} for k, v in r.items()
                                       if k != "id" and v is not None]) for r in rows]
        audit_chain.append(session, restored)
        session.delete(entry)
        session.flush()
        return Restored(entry.ledger, entry.record_id, entry.name, row.get("version"))

    def empty(self, entry_ids: Sequence[int] | None = None) -> int:
        """Delete for good the given entries (None: every entry); an administrator's work. Returns how many."""
        with self.ledger.unit("recycle.empty") as session:
            stmt = select(DeletedRecord)
            if entry_ids is not None:
                stmt = stmt.where(DeletedRecord.id.in_(list(entry_ids)))
            entries = session.scalars(stmt.order_by(DeletedRecord.id)).all()
            gone = []
            for e in entries:
                called = catalog.ledger(e.ledger).name if e.ledger in catalog.ledgers() else e.ledger
                row = e.snapshot.get("row") or {}
                label = own_label(catalog.ledger(e.ledger), _Row(row)) if e.ledger in catalog.ledgers() else e.name
                # the community among the changes: a record gone for good is still named with its 社区
                where = [{"field": "community_id", "old": row["community_id"], "new": None}] \
                    if row.get("community_id") is not None else None
                gone.append(_audit_entry(session, "彻底删除", called, e.record_id, label, e.community_id, where))
                session.delete(e)
            audit_chain.append(session, gone)
            return len(entries)


class _Row:
    """A row's values as attributes (what own_label and record_name read from an ORM object)."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)


def _plain(row) -> dict[str, Any]:
    return {k: plain(v) for k, v in row.items()}


def _entry(e: DeletedRecord) -> BinEntry:
    definition = catalog.ledgers().get(e.ledger)
    children = e.snapshot.get("children") or {}
    contents = "、".join(f"{catalog.audit_name(name) or name}{len(rows)}条" for name, rows in children.items() if rows)
    return BinEntry(e.id, e.ledger, definition.name if definition else e.ledger, e.record_id, e.name, e.community_id,
                    e.deleted_at, e.deleted_by or UNNAMED, contents)


def _audit_entry(session: Session, action: str, ledger_name: str, record_id: int, label: str,
                 community_id: int | None, changes: list | None) -> dict[str, Any]:
    actor = session.info.get("actor")
    return {"at": datetime.now(), "user_name": getattr(actor, "name", None), "source": getattr(actor, "source", None),
            "action": action, "ledger": ledger_name, "record_id": record_id, "record_label": label[:100] or None,
            "community_id": community_id, "changes": changes or None}


def _refusals(session: Session, definition: LedgerDef, name: str, row: dict[str, Any]) -> list[Problem]:
    """Why the row cannot come back: its id in use, a record it refers to gone, a unique key taken by another."""
    table = definition.model.__table__
    problems = []
    with scope.unlimited(session):
        if session.scalar(select(table.c.id).where(table.c.id == row["id"])) is not None:
            problems.append(Problem("", f"{definition.name}“{name}”已经存在，不需要恢复"))
            return problems
        for fk in table.foreign_keys:
            value = row.get(fk.parent.name)
            target = fk.column.table
            if value is None or session.scalar(select(target.c.id).where(fk.column == value)) is not None:
                continue
            problems.append(Problem(_label(definition, fk.parent.name), _gone(session, target.name, value)))
        for columns in _unique_keys(table):
            values = [row.get(c.name) for c in columns]
            if any(v is None for v in values):
                continue
            other = session.execute(select(table).where(and_(*(c == v for c, v in zip(columns, values))))).first()
            if other is None:
                continue
            shown = [c for c in columns if not c.foreign_keys] or columns
            taken = record_name(session, definition, other)
            problems.append(Problem("、".join(_label(definition, c.name) for c in shown),
                                    f"与现有的{definition.name}“{taken}”相同，不能恢复；如确需恢复，请先修改或删除那条记录"))
    return problems


def _gone(session: Session, table: str, record_id: int) -> str:
    """A reference that no longer exists, said with what it was (it may be in the bin too)."""
    called = catalog.audit_name(table) or "引用的记录"
    ledger_key = catalog.by_table(table).key if catalog.by_table(table) else None
    kept = session.scalars(select(DeletedRecord).where(DeletedRecord.ledger == ledger_key,
                                                      DeletedRecord.record_id == record_id)).first() if ledger_key else None
    if kept is not None:
        return f"{called}“{kept.name}”已被删除，请先从回收站恢复它"
    return f"引用的{called}已不存在，不能恢复"


def _unique_keys(table) -> list[list]:
    """Every set of columns the table holds unique (constraints, unique indexes, unique columns), once each."""
    keys: dict[tuple[str, ...], list] = {}
    groups = [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    groups += [list(i.columns) for i in table.indexes if i.unique]
    groups += [[c] for c in table.columns if c.unique]
    for columns in groups:
        keys.setdefault(tuple(c.name for c in columns), columns)
    return list(keys.values())


def _label(definition: LedgerDef, column: str) -> str:
    fields = {f.key: f.label for f in definition.fields}
    if column in fields:
        return fields[column]
    if column.endswith("_id") and column[:-3] in fields:
        return fields[column[:-3]]
    return definition.model.__table__.c[column].info.get("label", "")
