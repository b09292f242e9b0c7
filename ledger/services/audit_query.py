"""Reading the audit trail: filtered lists and one record's history. There is no way to change an entry.

Personal values (身份证号, 银行账号, 联系电话) inside the recorded changes are masked for roles that may not
see them, exactly as in the ledgers themselves.
"""
from __future__ import annotations

import re
from functools import cache
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import distinct, func, or_, select, text

from ..access import mask_personal
from ..app import Ledger
from .. import catalog
from ..errors import NotFound
from ..models import AuditEntry
from .base import community_names


@cache
def _field_labels() -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
    """(ledger name as recorded, field key) -> the Chinese label, and the set of personal ones."""
    labels, personal = {}, set()
    for d in catalog.ledgers().values():
        for f in d.fields:
            labels[(d.name, f.key)] = f.label
            if f.personal:
                personal.add((d.name, f.key))
    return labels, personal

# Columns stored under another key than the field's (references kept as ids).
_COMMON_LABELS = {"community_id": "所属社区（编号）", "street_id": "街道（编号）", "grid_id": "所属网格（编号）",
                  "parent_id": "上级组织（编号）", "worker_id": "社区工作者（编号）", "venue_id": "阵地（编号）",
                  "role": "角色", "name": "名称", "active": "可登录", "status": "状态", "month": "月份",
                  "approved_by": "审批人", "approved_at": "审批时间", "quarter": "季度", "closed_by": "关账人",
                  "created_at": "创建时间", "created_by": "创建人", "computed_at": "计算时间",
                  # a worker's history (调级记录, 岗位变动, 年度考核, 证书) and a venue's rooms
                  "old_level": "原等级", "new_level": "新等级", "reason": "原因", "effective_on": "生效日期",
                  "approver": "审批人", "recorded_at": "记录时间", "old_post": "原岗位", "new_post": "新岗位",
                  "old_title": "原职务", "new_title": "新职务", "year": "年度", "grade": "考核结果",
                  "kind": "类别", "obtained_on": "取得日期", "number": "编号", "note": "备注", "area": "面积",
                  "key": "设置项", "value": "值", "effective_from": "生效日期", "pays_bonus": "发放年度奖",
                  "amount": "金额", "taxable": "计税", "cum_gross": "累计收入", "cum_tax": "累计已缴税额",
                  "months": "月数", "filename": "文件", "created": "新增条数", "updated": "更新条数",
                  "undone": "已撤销", "district": "所属区县"}
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?$")
_PERSONAL_KEYS = {"id_number", "bank_account", "phone"}


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every part is optional."""

    user: str | None = None
    since: date | datetime | None = None
    until: date | datetime | None = None      # inclusive when a date
    ledger: str | None = None                 # 社区工作者, 经费, 账号 …
    record_id: int | None = None
    action: str | None = None                 # 新增 / 修改 / 删除 / 登录 / 登录失败 / 导出 …
    text: str | None = None                   # part of the record's label


@dataclass(frozen=True)
class Change:
    field: str        # the Chinese label when known
    old: Any
    new: Any


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    source: str
    action: str
    ledger: str
    record_id: int | None
    label: str
    changes: tuple[Change, ...]

    def summary(self) -> str:
        """One line for a table or a terminal: 字段: 旧 → 新; …"""
        parts = []
        for c in self.changes:
            if c.old is None:
                parts.append(f"{c.field}：{show_value(c.new)}")
            else:
                parts.append(f"{c.field}：{show_value(c.old)} → {show_value(c.new)}")
        return "；".join(parts)


def _readable(value: Any) -> Any:
    """A recorded timestamp as a clerk writes it: 2026-11-23 20:15:19."""
    if isinstance(value, str) and (match := _TIMESTAMP.match(value)):
        return f"{match[1]} {match[2]}"
    return value


def show_value(value: Any) -> str:
    """An old or new value as the audit trail shows it (（空） for nothing, 是/否 for flags)."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _bound(value: date | datetime, end: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1) if end else value, time.min)


def _statement(flt: AuditFilter):
    stmt = select(AuditEntry)
    if flt.user:
        stmt = stmt.where(AuditEntry.user_name == flt.user)
    if flt.since is not None:
        stmt = stmt.where(AuditEntry.at >= _bound(flt.since, False))
    if flt.until is not None:
        bound = _bound(flt.until, True)
        stmt = stmt.where(AuditEntry.at < bound if not isinstance(flt.until, datetime) else AuditEntry.at <= bound)
    if flt.ledger:
        stmt = stmt.where(AuditEntry.ledger == flt.ledger)
    if flt.record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == flt.record_id)
    if flt.action:
        stmt = stmt.where(AuditEntry.action == flt.action)
    if flt.text:
        like = f"%{flt.text.strip()}%"
        stmt = stmt.where(or_(AuditEntry.record_label.like(like), AuditEntry.user_name.like(like)))
    return stmt


def _row(entry: AuditEntry, show_personal: bool, communities: dict[int, str]) -> AuditRow:
    ledger = entry.ledger or ""
    changes = []
    for item in entry.changes or ():
        key = str(item.get("field", ""))
        old, new = item.get("old"), item.get("new")
        if key == "community_id" and ledger != "社区":
            # Shown by name; a community deleted since keeps its number.
            changes.append(Change("所属社区", communities.get(old, old), communities.get(new, new)))
            continue
        labels, personal = _field_labels()
        if ((ledger, key) in personal or key in _PERSONAL_KEYS) and not show_personal:
            old = mask_personal(str(old)) if old not in (None, "") else old
            new = mask_personal(str(new)) if new not in (None, "") else new
        changes.append(Change(labels.get((ledger, key)) or _COMMON_LABELS.get(key, key), _readable(old),
                              _readable(new)))
    return AuditRow(entry.id, entry.at, entry.user_name or "（未登录）", entry.source or "", entry.action, ledger,
                    entry.record_id, entry.record_label or "", tuple(changes))


def query_audit(ledger: Ledger, flt: AuditFilter | None = None, limit: int = 1000, offset: int = 0) -> list[AuditRow]:
    """The newest entries first that match the filter."""
    flt = flt or AuditFilter()
    with ledger.reading("audit.read") as session:
        stmt = _statement(flt).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
        show, names = ledger.actor.shows_personal, community_names(session)
        return [_row(e, show, names) for e in session.scalars(stmt)]


def count_audit(ledger: Ledger, flt: AuditFilter | None = None) -> int:
    with ledger.reading("audit.read") as session:
        return session.scalar(select(func.count()).select_from(_statement(flt or AuditFilter()).subquery())) or 0


def record_history(ledger: Ledger, ledger_name: str, record_id: int) -> list[AuditRow]:
    """One record's own history, oldest first, for its page. Anyone who may see the record may see it."""
    service = next((d.service for d in catalog.ledgers().values() if d.name == ledger_name), None)
    permission = "audit.read"
    if service is not None:
        try:
            service(ledger).get(record_id)   # raises PermissionDenied outside the person's community
            permission = "ledger.read"
        except NotFound:
            pass                             # a deleted record's history is for those who read the whole trail
    with ledger.reading(permission) as session:
        stmt = select(AuditEntry).where(AuditEntry.ledger == ledger_name, AuditEntry.record_id == record_id) \
            .order_by(AuditEntry.at, AuditEntry.id)
        if ledger.db.server and not ledger.actor.can("audit.read"):
            # The server lets such a person read the trail only through this (ledger.server.rows).
            stmt = select(AuditEntry).from_statement(text("SELECT * FROM public.sl_record_history(:name, :id)")
                                                     .bindparams(name=ledger_name, id=record_id))
        show, names = ledger.actor.shows_personal, community_names(session)
        return [_row(e, show, names) for e in session.scalars(stmt)]


def audit_users(ledger: Ledger) -> list[str]:
    """Names that appear in the trail, for a filter's choices."""
    with ledger.reading("audit.read") as session:
        return [n for n in session.scalars(select(distinct(AuditEntry.user_name)).order_by(AuditEntry.user_name)) if n]


def audit_ledgers() -> list[str]:
    """The ledger names a filter may choose from."""
    return list(dict.fromkeys(t.name for t in catalog.tables().values() if t.name))


def audit_actions(ledger: Ledger) -> list[str]:
    with ledger.reading("audit.read") as session:
        return [a for a in session.scalars(select(distinct(AuditEntry.action)).order_by(AuditEntry.action)) if a]
