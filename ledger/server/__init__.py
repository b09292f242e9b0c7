"""The rules a shared PostgreSQL server holds itself: people's login roles, privileges, row-level security,
masked personal data, the server-written audit trail and the sign-in lockout.

SQLite needs none of this (whoever holds the file holds the data); on PostgreSQL each person signs in with
their own login role, so a person who copies the connection settings into another program gets no more than
the application would give them. `setup.apply` builds everything from the catalogue and is run by `upgrade`
with the database owner's credentials; docs/trust.md describes the design for an office's administrator.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine, make_url


def is_server(url_or_engine) -> bool:
    """Whether a database URL (or engine) is a PostgreSQL server."""
    url = url_or_engine.url if isinstance(url_or_engine, Engine) else make_url(str(url_or_engine))
    return url.get_backend_name() == "postgresql"
