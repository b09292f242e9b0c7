"""What the ledgers' rules need to know about stored records: asked one question at a time, or prefetched.

A rule such as "同一身份证号不能重复登记" needs to look at the other records. A form saves one record, so
asking the database each time is right; an import checks ten thousand rows with the very same rules, so it
loads each table once, indexes it, and adds the rows it plans as it goes (a party organisation further
down the file may name one further up as its 上级组织). The rules ask through `facts_for(session)` and never
know which of the two answered.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..models import Community, Street
from ..scope import all_community_ids


class Facts:
    """Live answers: one query per question, for a form's single record."""

    def __init__(self, session: Session, memo: dict[str, Any] | None = None):
        self.session = session
        self._memo: dict[str, Any] = {} if memo is None else memo

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per Facts (the pay standard in force, the street); live facts share theirs
        across one session until it writes (a form's save asks for the pay standard in two rules)."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def find(self, model: type, **where: Any) -> list[Any]:
        """Stored rows of `model` whose columns equal the given values (None matches NULL), in id order."""
        table = model.__table__
        conditions = [table.c[k].is_(None) if v is None else table.c[k] == v for k, v in where.items()]
        return list(self.session.execute(select(table).where(*conditions).order_by(table.c.id)))

    def first(self, model: type, **where: Any) -> Any | None:
        found = self.find(model, **where)
        return found[0] if found else None

    def community_ids(self) -> dict[str, int]:
        """社区名称 -> id of every community (the rules then say whether the account may use it)."""
        return self.memo("community_ids", lambda: all_community_ids(self.session))

    def street_id(self) -> int | None:
        return self.memo("street_id", lambda: self.session.scalar(select(Street.id).order_by(Street.id).limit(1)))


class PrefetchedFacts(Facts):
    """Every row of a table asked about, loaded once and indexed by the columns asked about.

    `add` makes a planned row (with a placeholder id) visible to later questions, so that rules see the
    file's earlier rows as if they were stored.
    """

    def __init__(self, session: Session):
        super().__init__(session)
        self._rows: dict[str, list[Any]] = {}
        self._indexes: dict[tuple[str, tuple[str, ...]], dict[tuple, list[Any]]] = {}

    def rows(self, model: type) -> list[Any]:
        name = model.__table__.name
        if name not in self._rows:
            table = model.__table__
            self._rows[name] = list(self.session.execute(select(table).order_by(table.c.id)))
        return self._rows[name]

    def _index(self, model: type, columns: tuple[str, ...]) -> dict[tuple, list[Any]]:
        key = (model.__table__.name, columns)
        index = self._indexes.get(key)
        if index is None:
            index = {}
            for row in self.rows(model):
                index.setdefault(tuple(getattr(row, c) for c in columns), []).append(row)
            self._indexes[key] = index
        return index

    def find(self, model: type, **where: Any) -> list[Any]:
        columns = tuple(sorted(where))
        return list(self._index(model, columns).get(tuple(where[c] for c in columns), ()))

    def community_ids(self) -> dict[str, int]:
        # the file's own new communities, and every stored one (a limited account's server hides the others')
        return self.memo("community_ids", lambda: {**all_community_ids(self.session),
                                                   **{row.name: row.id for row in self.rows(Community)}})

    def add(self, model: type, values: Mapping[str, Any]) -> Any:
        """A planned row, visible to later finds; columns not given are None."""
        table = model.__table__
        row = SimpleNamespace(**{c.key: values.get(c.key) for c in table.columns})
        self.rows(model).append(row)
        for (name, columns), index in self._indexes.items():
            if name == table.name:
                index.setdefault(tuple(getattr(row, c) for c in columns), []).append(row)
        if model is Community:
            self._memo.pop("community_ids", None)
        return row


def facts_for(session: Session) -> Facts:
    """The prefetched facts an import put on the session, else live ones."""
    facts = session.info.get("facts")
    return facts if facts is not None else Facts(session, session.info.setdefault(_LIVE_MEMO, {}))


_LIVE_MEMO = "live_facts_memo"


def install(session_factory) -> None:
    """Forget the remembered live facts of a session of this factory once it writes (what was remembered may
    have just changed). Attached per factory, as the audit hook and the limit are: a listener added to the
    Session class while a session is executing would change the list being run."""

    @event.listens_for(session_factory, "after_flush")
    def _forget_after_flush(session: Session, _context) -> None:
        session.info.pop(_LIVE_MEMO, None)

    @event.listens_for(session_factory, "do_orm_execute")
    def _forget_after_writing(state) -> None:
        if not state.is_select:
            state.session.info.pop(_LIVE_MEMO, None)
