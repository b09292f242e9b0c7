"""The community limit, applied in one place: every read and write of a session whose actor is limited.

An account limited to one 社区 reads and changes only that community's rows, in every ledger, child table, pay
line and audit entry. Rather than each service remembering to filter, the limit is attached to the session:

- reads: every ORM statement (select, count, sum, join, ORM update/delete) gets `with_loader_criteria` for
  each table that belongs to a community (ledger.catalog states which column, or which parent, says so);
- writes: a flush refuses a new, changed or deleted row outside the limit, and bulk writers pass their rows
  through `check_rows` (they bypass the ORM for speed).

Statements on a bare Table (`select(Model.__table__)`) are not ORM statements and are not limited: services
read through mapped attributes. Bookkeeping that must see everything (uniqueness across the street, the
audit chain) reads through `unlimited(session)`. On PostgreSQL the server enforces the same limit with
row-level security, so a statement that slipped past this module still sees only its community.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, inspect, or_, select, text
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from . import catalog
from .errors import PermissionDenied
from .models import Base, Community

# table name -> mapped class, for the tables that belong to a community
_MODELS: dict[str, type] = {}


def _model(table: str) -> type:
    if not _MODELS:
        for mapper in Base.registry.mappers:
            _MODELS[mapper.local_table.name] = mapper.class_
    return _MODELS[table]


def _actor_name(session: Session) -> str | None:
    return getattr(session.info.get("actor"), "name", None)


def limit_of(session: Session) -> int | None:
    """The community the session's actor is limited to; None for the whole street (or unlimited bookkeeping)."""
    if session.info.get("unlimited"):
        return None
    actor = session.info.get("actor")
    return getattr(actor, "community_id", None)


def community_clause(table: str, own: int, actor: str | None = None):
    """The SQL condition 'this table's row belongs to community `own`' — the one place the limit is spelt.

    A limit to a street would change only this function (community ids of the street instead of one id).
    """
    info = catalog.tables()[table]
    model = _model(table)
    owner = info.owner
    if owner.column is not None:
        clause = getattr(model, owner.column) == own
        if owner.or_actor is not None and actor is not None:
            clause = or_(clause, getattr(model, owner.or_actor) == actor)
        return clause
    parent = _model(info.parent)
    return getattr(model, owner.via).in_(select(parent.id).where(community_clause(info.parent, own)))


def owned_tables() -> list[str]:
    return [name for name, info in catalog.tables().items() if info.owner is not None]


def _criteria(own: int, actor: str | None) -> list:
    return [with_loader_criteria(_model(name), community_clause(name, own, actor), include_aliases=True)
            for name in owned_tables()]


def install(session_factory) -> None:
    """Attach the limit to every session the factory makes."""

    @event.listens_for(session_factory, "do_orm_execute")
    def _limit_reads(state: ORMExecuteState) -> None:
        own = limit_of(state.session)
        if own is None or not (state.is_select or state.is_update or state.is_delete):
            return
        state.statement = state.statement.options(*_criteria(own, _actor_name(state.session)))

    @event.listens_for(session_factory, "before_flush")
    def _limit_writes(session: Session, _ctx, _instances) -> None:
        own = limit_of(session)
        if own is None:
            return
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Base) and obj.__table__.name in catalog.tables():
                _check_object(session, obj, own)


def _check_object(session: Session, obj: Any, own: int) -> None:
    info = catalog.tables()[obj.__table__.name]
    if info.owner is None:
        return
    if info.owner.column is not None:
        # Its community now and, for a change, before: neither may lie outside the limit.
        before = inspect(obj).attrs[info.owner.column].history.deleted
        if any(value != own for value in (getattr(obj, info.owner.column), *before)):
            refuse(session)
        return
    parent_id = getattr(obj, info.owner.via)
    parent = session.get(_model(info.parent), parent_id) if parent_id is not None else None
    if parent is None:  # outside the limit, the parent is not even visible
        refuse(session)


def check_rows(session: Session, model: type, rows: Iterable[Mapping[str, Any]]) -> None:
    """For bulk writers: refuse rows (dicts of column values) that would land outside the limit."""
    own = limit_of(session)
    if own is None:
        return
    info = catalog.tables().get(model.__table__.name)
    if info is None or info.owner is None:
        return
    if info.owner.column is not None:
        if any(row.get(info.owner.column) != own for row in rows):
            refuse(session)
        return
    ids = {row.get(info.owner.via) for row in rows}
    parent = _model(info.parent)
    visible = set(session.scalars(select(parent.id).where(parent.id.in_(ids - {None}))))
    if ids - visible:
        refuse(session)


def communities_of(session: Session, table: str, rows: Iterable[Mapping[str, Any]]) -> list[int | None]:
    """The community each row (a dict of column values) belongs to; None for street-wide tables.

    Used to file audit entries under their community. Reads the parents without the limit (bookkeeping).
    """
    rows = list(rows)
    info = catalog.tables().get(table)
    if info is None or info.owner is None:
        return [None] * len(rows)
    if info.owner.column is not None:
        return [row.get(info.owner.column) for row in rows]
    parent = _model(info.parent).__table__
    ids = {row.get(info.owner.via) for row in rows} - {None}
    found: dict[int, int | None] = {}
    listed = sorted(ids)
    for start in range(0, len(listed), 1000):
        chunk = listed[start:start + 1000]
        column = parent.c[catalog.tables()[info.parent].owner.column]
        found.update(session.connection().execute(select(parent.c.id, column).where(parent.c.id.in_(chunk))).all())
    return [found.get(row.get(info.owner.via)) for row in rows]


def community_of(session: Session, obj: Any) -> int | None:
    """The community an ORM object belongs to (see communities_of)."""
    values = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    return communities_of(session, obj.__table__.name, [values])[0]


def visible(session: Session, model: type, record_id: int) -> Any | None:
    """The record if the account may see it; refused (PermissionDenied) when it exists in another community;
    None when there is no such record."""
    found = session.get(model, record_id)
    if found is None and limit_of(session) is not None:
        with unlimited(session):
            if session.scalar(select(model.id).where(model.id == record_id)) is not None:
                refuse(session)
    return found


def allows(session: Session, community_id: int | None) -> bool:
    own = limit_of(session)
    return own is None or community_id == own


def refuse(session: Session) -> None:
    raise PermissionDenied(f"您的账号只能查看和修改{own_name(session)}的记录")


def own_name(session: Session) -> str:
    """The limited account's community by name ('本社区' if it cannot be read)."""
    own = limit_of(session)
    with unlimited(session):
        name = session.scalar(select(Community.name).where(Community.id == own)) if own is not None else None
    return name or "本社区"


def _server_limited(session: Session) -> bool:
    """A limited person on a PostgreSQL server: the server itself hides the other communities' rows."""
    return limit_of(session) is not None and session.get_bind().dialect.name == "postgresql"


def exists_anywhere(session: Session, model: type, record_id: int) -> bool:
    """Whether a record exists in any community, so that one outside the limit is refused as such."""
    if _server_limited(session):
        return bool(session.scalar(text("SELECT public.sl_record_exists(:table, :id)"),
                                   {"table": model.__table__.name, "id": record_id}))
    with unlimited(session):
        return session.scalar(select(model.id).where(model.id == record_id)) is not None


def all_community_ids(session: Session) -> dict[str, int]:
    """社区名称 -> id of every community in the street, whatever the limit (names only)."""
    if _server_limited(session):
        return {name: cid for cid, name in session.execute(text("SELECT id, name FROM public.sl_community_names()"))}
    with unlimited(session):
        return {name: cid for cid, name in session.execute(select(Community.id, Community.name))}


@contextmanager
def unlimited(session: Session) -> Iterator[Session]:
    """Bookkeeping that must see the whole street (uniqueness across communities, the audit chain)."""
    before = session.info.get("unlimited", False)
    session.info["unlimited"] = True
    try:
        yield session
    finally:
        session.info["unlimited"] = before
