"""The application's entry to its services: one open database and the person using it.

Every service call runs in `Ledger.unit(permission)`: one transaction per user action, the permission
checked first, the actor attached so that the audit trail can say who. A refused change raises before
anything is written, and an error inside the unit rolls the whole action back.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, configure_mappers
from sqlalchemy.orm.exc import StaleDataError

from . import audit, conflicts, scope
from .access import NOBODY, Actor
from .db import Database, open_database
from .models import User


@dataclass
class Ledger:
    db: Database
    actor: Actor = field(default_factory=Actor)

    @classmethod
    def open(cls, path_or_url: str | Path | None = None, actor: Actor | None = None) -> "Ledger":
        db = open_database(path_or_url)
        actor = actor or Actor()
        if actor.name is None:
            # Once accounts exist nobody is an unnamed administrator: every service refuses until login.
            with db.sessions() as session:
                if session.scalar(select(func.count()).select_from(User)):
                    actor = Actor(None, NOBODY, None, actor.source)
        return cls.on(db, actor)

    @classmethod
    def on(cls, db: Database, actor: Actor) -> "Ledger":
        """An opened database as a person: the audit trail and the community limit attached to its sessions."""
        from .services import facts    # here: the services import this module
        # The mappers' one-time set-up (some 20–40 ms) here, as the database opens, not inside the first ORM query
        # of whatever runs first after it — the first page a clerk opens was paying for it. Later calls return at
        # once (a server's sign-ins).
        configure_mappers()
        for factory in (db.sessions, db.writes):
            audit.install(factory)
            scope.install(factory)
            facts.install(factory)
        return cls(db, actor)

    def as_actor(self, actor: Actor) -> "Ledger":
        """The same database seen by another person (used after login)."""
        return Ledger(self.db, actor)

    @contextmanager
    def unit(self, permission: str) -> Iterator[Session]:
        """One all-or-nothing user action under a permission."""
        self.actor.require(permission)
        try:
            with self.db.writes.begin() as session:
                session.info["actor"] = self.actor
                yield session
        except (StaleDataError, DBAPIError) as exc:
            # Another person's concurrent work won a race: their Chinese refusal, not a traceback.
            refusal = conflicts.translate(exc)
            if refusal is None:
                raise
            raise refusal from exc

    @contextmanager
    def reading(self, permission: str = "ledger.read") -> Iterator[Session]:
        """A read-only look under a permission (rolled back, never committed)."""
        self.actor.require(permission)
        with self.db.sessions() as session:
            session.info["actor"] = self.actor
            yield session

    def close(self) -> None:
        self.db.dispose()
