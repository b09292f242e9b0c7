"""The audit trail in words for people: each field by its Chinese label, coded values by their names, the
record named as a person reads it ("幸福社区 第1网格", "张华（幸福社区）"), and the 内容 as a sentence.

Each label is defined once, where its column is: a ledger's Field, else the column's `info` label
(ledger.models.base.label), else — for a reference — the name of the table it points to. A stored code is
shown by what it names: 岗位 3 → 三岗, a 社区's id → 幸福社区, a worker's id → 张华（幸福社区）, true → 是. A pay
standard version is stored as JSON; it is shown as what changed against the version before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Column, select
from sqlalchemy.orm import Session

from .. import catalog, paystandard_changes, settings
from ..access import UNNAMED, mask_personal
from ..models import AuditEntry, Base, PayStandardVersion
from ..models.base import Scaled
from ..paystandard import PayStandard
from ..record_names import is_person, named
from .base import community_names
from .paystandards import standard_in_force

_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PERSONAL_KEYS = {"id_number", "bank_account", "phone"}
# Fields of events (not of a table) that earlier versions recorded under an English key.
_EVENT_KEYS = {"file": "文件"}
_STANDARD = "pay_standard"
# A pay standard version's entry names the version in its sentence; these are said by that name already.
_STANDARD_NAMED = {"effective_from", "name", "created_at"}


@dataclass(frozen=True)
class Change:
    field: str        # the Chinese label
    old: Any          # as shown: names for codes, 2 decimals for money, 是/否 stays a bool until shown
    new: Any


def show_value(value: Any) -> str:
    """An old or new value as the audit trail shows it (（空） for nothing, 是/否 for flags)."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def sentence(action: str, changes: tuple[Change, ...], label: str = "", named_first: bool = False) -> str:
    """The 内容: "楼栋数 14 → 12；户数 450 → 460" for a change, "姓名：张华；…" for what was added or removed."""
    parts = []
    for c in changes:
        if c.old is None or (c.new is None and action != "修改"):
            parts.append(f"{c.field}：{show_value(c.new if c.old is None else c.old)}")
        else:
            parts.append(f"{c.field} {show_value(c.old)} → {show_value(c.new)}")
    text = "；".join(parts)
    return f"{label}：{text}" if named_first and label else text


def shown_user(entry: AuditEntry) -> str:
    """Who, as the window's status bar says it: a database without accounts is run by its 管理员."""
    if entry.user_name:
        return entry.user_name
    return "（未填用户名）" if entry.action == "登录失败" else UNNAMED


@cache
def _tables_by_name() -> dict[str, str]:
    """The audit trail's ledger names (社区工作者, 调级记录, 工资标准 …) -> their tables."""
    return {info.name: table for table, info in catalog.tables().items() if info.name}


@cache
def _models() -> dict[str, type]:
    return {m.class_.__table__.name: m.class_ for m in Base.registry.mappers}


def _column(table: str | None, key: str) -> Column | None:
    t = Base.metadata.tables.get(table) if table else None
    return t.columns.get(key) if t is not None else None


def _field(table: str | None, key: str):
    d = catalog.by_table(table) if table else None
    if d is None:
        return None
    fields = {f.key: f for f in d.fields}
    return fields.get(key) or (fields.get(key.removesuffix("_id")) if key.endswith("_id") else None)


def _referenced(column: Column | None) -> str | None:
    return next((fk.column.table.name for fk in column.foreign_keys), None) if column is not None else None


def field_label(table: str | None, key: str) -> str:
    """A column's Chinese label: its Field's, else its own, else the name of what it refers to."""
    field = _field(table, key)
    if field is not None:
        return field.label
    column = _column(table, key)
    if column is not None and column.info.get("label"):
        return column.info["label"]
    if (target := _referenced(column)) is not None:
        return catalog.audit_name(target) or key
    return _EVENT_KEYS.get(key, key)


def _readable(value: Any) -> Any:
    """A recorded timestamp as a clerk writes it: 2026-11-23 20:15:19."""
    if isinstance(value, str) and (match := _TIMESTAMP.match(value)):
        return f"{match[1]} {match[2]}"
    return value


def _money(value: Any) -> Any:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return value


class Words:
    """The words for a batch of entries (a page of the 操作日志, a record's history), read in one session.

    Names of the records the entries concern and of the records their values refer to are read in one query
    per table; a record deleted since keeps the name the entry recorded.
    """

    def __init__(self, session: Session, entries: list[AuditEntry], show_personal: bool):
        self.session = session
        self.show_personal = show_personal
        self.communities = community_names(session)
        self._names: dict[str, dict[int, str]] = {"community": dict(self.communities)}
        self._posts: dict[int, str] | None = None
        wanted: dict[str, set[int]] = {}
        for entry in entries:
            table = _tables_by_name().get(entry.ledger or "")
            if table and entry.record_id is not None:
                wanted.setdefault(table, set()).add(entry.record_id)
            for item in entry.changes or ():
                target = _referenced(_column(table, str(item.get("field", ""))))
                for value in (item.get("old"), item.get("new")):
                    if target and isinstance(value, int):
                        wanted.setdefault(target, set()).add(value)
        for table, ids in wanted.items():
            self._load(table, ids)

    # --- names of records -------------------------------------------------------------------------------
    def _load(self, table: str, ids: set[int]) -> dict[int, str]:
        known = self._names.setdefault(table, {})
        missing = ids - set(known)
        model = _models().get(table)
        if not missing or model is None or "id" not in model.__table__.columns:
            return known
        info = catalog.tables().get(table)
        if info is not None and info.owner is not None and info.owner.via and info.parent:
            # a worker's 调级记录, a venue's 功能室, a pay adjustment: named by the record they belong to
            via = getattr(model, info.owner.via)
            parents = dict(self.session.execute(select(model.id, via).where(model.id.in_(missing))).all())
            names = self._load(info.parent, set(parents.values()))
            known.update({i: names[p] for i, p in parents.items() if p in names})
            return known
        for obj in self.session.scalars(select(model).where(model.id.in_(missing))):
            known[obj.id] = self._describe(table, obj)
        return known

    def _describe(self, table: str, obj) -> str:
        d = catalog.by_table(table)
        if d is not None:
            community = getattr(obj, d.owner.column, None) if d.owner is not None and d.owner.column else None
            own = str(getattr(obj, d.label, "") or d.name)
            return named(own, self.communities.get(community) if table != "community" else None, is_person(d))
        if table == _STANDARD:
            return f"{obj.name}（自{obj.effective_from:%Y-%m-%d}起）"
        if table == "pay_run":
            return f"{_month(obj.month)}工资表"
        if table == "import_batch":
            return obj.filename
        if table == "quarter_snapshot":
            from ..quarter import Quarter
            return Quarter.parse(obj.quarter).label
        return str(getattr(obj, "name", None) or getattr(obj, "quarter", None) or obj.id)

    def record_label(self, entry: AuditEntry) -> str:
        table = _tables_by_name().get(entry.ledger or "")
        stored = entry.record_label or ""
        if table and entry.record_id is not None and entry.record_id in self._names.get(table, {}):
            return self._names[table][entry.record_id]
        if entry.action == "加载演示数据":      # earlier versions stored the scale's key
            from ..demo import SCALES
            return SCALES[stored].label if stored in SCALES else stored
        if table == "setting":
            return _setting_label(stored)
        # gone since: the recorded name, with the 社区 the entry itself states
        d = catalog.by_table(table) if table else None
        community = next((item.get("old") or item.get("new") for item in entry.changes or ()
                          if item.get("field") == "community_id"), None)
        return named(stored, self.communities.get(community), is_person(d)) if d and table != "community" else stored

    # --- values ---------------------------------------------------------------------------------------------
    def value(self, table: str | None, key: str, value: Any) -> Any:
        """A stored value as a person reads it."""
        if value is None or value == "":
            return None
        column, field = _column(table, key), _field(table, key)
        names = column.info.get("names") if column is not None else None
        if names == "post":
            return self.posts().get(value, f"{value}岗") if isinstance(value, int) else value
        if names == "ledger":
            d = catalog.ledgers().get(value)
            return d.name if d is not None else value
        if names == "setting":
            return _setting_label(value)
        if names == "month":
            return _month(value)
        if names == "quarter":
            from ..quarter import Quarter   # the quarter module reads the ledgers' services: imported late
            return Quarter.parse(value).label
        if (target := _referenced(column)) is not None and isinstance(value, int):
            return self._names.get(target, {}).get(value, f"编号{value}（已删除）")
        scaled = isinstance(getattr(column, "type", None), Scaled) and column.type.places == 2
        if scaled or (field is not None and field.kind == "money"):
            return _money(value)
        if isinstance(getattr(column, "type", None), Boolean) and isinstance(value, int):
            return bool(value)
        return _readable(value)

    def posts(self) -> dict[int, str]:
        if self._posts is None:
            self._posts = {p.code: p.name for p in standard_in_force(self.session, date.today()).posts}
        return self._posts

    def changes(self, entry: AuditEntry) -> tuple[Change, ...]:
        table = _tables_by_name().get(entry.ledger or "")
        d = catalog.by_table(table) if table else None
        personal = {f.key for f in d.fields if f.personal} if d else set()
        info = catalog.tables().get(table) if table else None
        parent = info.owner.via if info is not None and info.owner is not None and info.parent else None
        out: list[Change] = []
        for item in entry.changes or ():
            key = str(item.get("field", ""))
            old, new = item.get("old"), item.get("new")
            if (table == _STANDARD and key in _STANDARD_NAMED) or key == parent:
                continue   # said by the record's name already (a 调级记录 is named by its worker)
            if table == _STANDARD and key == "spec":
                out.extend(Change(*line) for line in self._standard_lines(old, new))
                continue
            if (key in personal or key in _PERSONAL_KEYS) and not self.show_personal:
                old = mask_personal(str(old)) if old not in (None, "") else old
                new = mask_personal(str(new)) if new not in (None, "") else new
            else:
                old, new = self.value(table, key, old), self.value(table, key, new)
            if show_value(old) == show_value(new) and entry.action == "修改":
                continue   # saved again without a visible difference (a timestamp to the microsecond)
            out.append(Change(field_label(table, key), old, new))
        return tuple(out)

    def _standard_lines(self, old: dict | None, new: dict | None) -> list[tuple[str, Any, Any]]:
        if old and new:
            return paystandard_changes.changes(PayStandard.from_json(old), PayStandard.from_json(new))
        if new:   # a new version: what it changes against the version in force before it
            standard = PayStandard.from_json(new)
            before = self.session.scalars(select(PayStandardVersion)
                                          .where(PayStandardVersion.effective_from < standard.effective_from)
                                          .order_by(PayStandardVersion.effective_from.desc())).first()
            if before is None:
                return paystandard_changes.summary(standard)
            return paystandard_changes.changes(PayStandard.from_json(before.spec), standard)
        return []

    def sentence(self, entry: AuditEntry, label: str, changes: tuple[Change, ...]) -> str:
        standard = entry.ledger == catalog.audit_name(_STANDARD)
        if standard and entry.action == "修改" and not changes:
            return f"{label}：保存时内容未变"
        return sentence(entry.action, changes, label, named_first=standard)


def _month(text: str) -> str:
    match = _MONTH.match(str(text))
    return f"{match[1]}年{int(match[2])}月" if match else str(text)


def _setting_label(key: str) -> str:
    return next((s.label for s in settings.SPECS if s.key == key), key)
