"""Opening the database: the engine, SQLite's pragmas, and migrations applied at start-up.

SQLite is the default (a file in the data folder); a URL such as postgresql+psycopg://… selects a server.
Before a schema upgrade the SQLite file is copied aside with SQLite's online backup API (ledger.backup,
rotated with the other automatic backups), so a failed upgrade never costs data.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from . import backup, paths, presence
from .backup import backup_sqlite  # noqa: F401  (its old home; callers may still import it from here)
from .storage_errors import describe, storage_error

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(path_or_url: str | Path | None) -> str:
    """A SQLAlchemy URL from a file path, a URL, or None for the default file."""
    if path_or_url is None:
        return f"sqlite:///{paths.default_database()}"
    text = str(path_or_url)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_file(url: str) -> Path | None:
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling opens a transaction only before a write, so the reads of an action
    # would each see a different moment; SQLAlchemy's "begin" event below starts every transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a power cut must not lose a committed entry
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """A transaction from its first statement: a reading one sees one moment of the file; a writing one
    (Ledger.unit) takes the write lock at once (IMMEDIATE), so actions of several programs on one file follow
    one another instead of one overwriting what the other read."""
    immediate = connection.get_execution_options().get(WRITING, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITING = "streetledger_writing"   # the execution option that marks a writing transaction


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _storage_error_namer(sqlite_file(url)))
    return engine


def _storage_error_namer(path: Path | None):
    """A handle_error hook: a full disk, a missing right, a file held by another program or a damaged file,
    met by any statement or commit of any service, becomes the StorageError that says so (see
    ledger.storage_errors); every other database error passes unchanged."""
    def name(context) -> Exception | None:
        return storage_error(context.original_exception, path)
    return name


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> Path | None:
    """Apply pending migrations; returns the copy made aside first, if one was made."""
    current = current_revision(engine)
    if current == head_revision(engine) and revision == "head":
        return None
    copy = None
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if current is not None and path is not None and path.exists():
        copy = backup.before_upgrade(path, current)
    command.upgrade(alembic_config(engine), revision)
    return copy


@dataclass
class Database:
    """An open, migrated database: the engine and its session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]     # reading, and the few writes outside a user action
    writes: sessionmaker[Session]       # one user action that writes (Ledger.unit)

    present: bool = False               # this program's marker of a SQLite file is held (ledger.presence)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.present:
            self.present = False
            presence.leave(sqlite_file(self.url))


def open_database(path_or_url: str | Path | None = None, migrate: bool = True) -> Database:
    url = database_url(path_or_url)
    if (path := sqlite_file(url)) is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise describe(exc, path, "打开数据库") from exc
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    writing = engine.execution_options(**{WRITING: True})
    database = Database(url, engine, sessionmaker(engine, expire_on_commit=False),
                        sessionmaker(writing, expire_on_commit=False))
    if path is not None:
        presence.enter(path)     # a restore elsewhere now knows this program has the file open
        database.present = True
    return database
