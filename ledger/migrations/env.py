"""Alembic environment: the engine comes from the application (ledger.db), never from a separate ini.

On SQLite, foreign keys are off while migrations run, as SQLite's own procedure for changing a table's schema
asks: a table rebuilt in batch mode is dropped and its copy renamed, and dropping it with foreign keys on would
delete the rows that cascade from it (a worker's history). A migration that rebuilds tables checks the
references itself before it commits (PRAGMA foreign_key_check).
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from ledger.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # outside any transaction (the pragma is ignored inside one), on the driver's own connection
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                # SQLite migrations commit one by one; what is left open is alembic's reading of its version table
                if connection.in_transaction():
                    connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
