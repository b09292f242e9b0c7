"""Reading the audit trail: filtered lists and one record's history. There is no way to change an entry.

What an entry says is put in words for people by audit_words (labels, names, sentences). Personal values
(身份证号, 银行账号, 联系电话) inside the recorded changes are masked for roles that may not see them, exactly
as in the ledgers themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import distinct, func, or_, select, text

from .. import catalog
from ..access import UNNAMED
from ..app import Ledger
from ..errors import NotFound
from ..models import AuditEntry
from .audit_words import Change, Words, shown_user, show_value

__all__ = ["AuditFilter", "AuditRow", "Change", "show_value", "query_audit", "count_audit", "record_history",
           "audit_users", "audit_ledgers", "audit_actions"]


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
class AuditRow:
    id: int
    at: datetime
    user: str                   # as the status bar names people: an entry without a name is the 管理员's
    source: str
    action: str
    ledger: str
    record_id: int | None
    label: str                  # the record as a person names it: 幸福社区 第1网格, 张华（幸福社区）
    changes: tuple[Change, ...]
    content: str = ""           # the 内容 as a sentence
    community_id: int | None = None     # the community of the record concerned; None: street-wide

    def summary(self) -> str:
        """One line for a table or a terminal: 楼栋数 14 → 12；户数 450 → 460"""
        return self.content


def _bound(value: date | datetime, end: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1) if end else value, time.min)


def _statement(flt: AuditFilter):
    stmt = select(AuditEntry)
    if flt.user == UNNAMED:   # entries of a database without accounts carry no name
        stmt = stmt.where(or_(AuditEntry.user_name.is_(None), AuditEntry.user_name == UNNAMED))
    elif flt.user:
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


def _rows(session, entries: list[AuditEntry], show_personal: bool) -> list[AuditRow]:
    words = Words(session, entries, show_personal)
    out = []
    for e in entries:
        label, changes = words.record_label(e), words.changes(e)
        out.append(AuditRow(e.id, e.at, shown_user(e), e.source or "", e.action, e.ledger or "", e.record_id, label,
                            changes, words.sentence(e, label, changes), e.community_id))
    return out


def query_audit(ledger: Ledger, flt: AuditFilter | None = None, limit: int = 1000, offset: int = 0) -> list[AuditRow]:
    """The newest entries first that match the filter."""
    flt = flt or AuditFilter()
    with ledger.reading("audit.read") as session:
        stmt = _statement(flt).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
        return _rows(session, list(session.scalars(stmt)), ledger.actor.shows_personal)


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
        return _rows(session, list(session.scalars(stmt)), ledger.actor.shows_personal)


def describe(session, entry: AuditEntry) -> tuple[Change, ...]:
    """An entry's changes as people read them (labels, names, masks for the session's actor)."""
    actor = session.info.get("actor")
    return _rows(session, [entry], getattr(actor, "shows_personal", False))[0].changes


def audit_users(ledger: Ledger) -> list[str]:
    """Names that appear in the trail, for a filter's choices."""
    with ledger.reading("audit.read") as session:
        names = list(session.scalars(select(distinct(AuditEntry.user_name)).order_by(AuditEntry.user_name)))
    unnamed = [UNNAMED] if None in names and UNNAMED not in names else []
    return unnamed + [n for n in names if n]


def audit_ledgers() -> list[str]:
    """The ledger names a filter may choose from."""
    return list(dict.fromkeys(t.name for t in catalog.tables().values() if t.name))


def audit_actions(ledger: Ledger) -> list[str]:
    with ledger.reading("audit.read") as session:
        return [a for a in session.scalars(select(distinct(AuditEntry.action)).order_by(AuditEntry.action)) if a]
