"""Opening the database: the engine, SQLite's pragmas, and schema upgrades.

SQLite is the default (a file in the data folder); a URL such as postgresql+psycopg://… selects a server.
A SQLite file is upgraded at start-up; before that it is copied aside with SQLite's online backup API
(ledger.backup, rotated with the other automatic backups), so a failed upgrade never costs data.

On PostgreSQL upgrades are explicit: `upgrade_database` (the `upgrade` command, run with the database owner's
credentials) migrates the schema and then builds the server's own rules (ledger.server.setup). Opening a
server database whose schema or rules are behind is refused with the command to run.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from . import backup, paths, presence
from .backup import backup_sqlite  # noqa: F401  (its old home; callers may still import it from here)
from .errors import LedgerError
from .storage_errors import describe, storage_error

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (with the SQL dialects and templates it loads, and the migration scripts it reads to find the newest
# revision) is imported only to upgrade or to explain a schema that is not this program's: opening a database
# already at the newest revision, as nearly every start does, compares one row with one line of a file instead
# (see `newest_revision`), which saves a command like `import` about half a second of its start-up.

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
        engine = create_engine(url)
        event.listen(engine, "checkin", _idle_from)
        event.listen(engine, "checkout", _pinger(engine))
    event.listen(engine, "handle_error", _storage_error_namer(sqlite_file(url)))
    return engine


# A server connection left idle in the pool this long is pinged before it is used again: a server restarted, an
# idle-session timeout or a router forgetting a quiet connection drops connections that have sat unused, not
# ones used a moment ago. (Pinging every checkout, as pool_pre_ping does, costs a round trip on each action:
# over a link with 2 ms round trips, one request in eleven of a form's save.)
IDLE_BEFORE_PING = 30.0   # seconds


def _idle_from(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _pinger(engine: Engine):
    """The pool's checkout hook: a connection idle for a while answers a ping, or the pool connects anew (the
    DisconnectionError asks it to), so that the action after a quiet spell works instead of failing."""
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("空闲的数据库连接已断开") from exc
    return ping_if_idle


def _storage_error_namer(path: Path | None):
    """A handle_error hook: a full disk, a missing right, a file held by another program or a damaged file,
    met by any statement or commit of any service, becomes the StorageError that says so (see
    ledger.storage_errors); every other database error passes unchanged."""
    def name(context) -> Exception | None:
        return storage_error(context.original_exception, path)
    return name


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # (configparser reads % as interpolation: a login name or password in the URL is percent-encoded)
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def newest_revision() -> str:
    """The revision of the newest migration script, read from the file as text. The scripts are numbered in the
    order they apply (0001_…, 0002_…), so the newest is the head Alembic would find by loading them all."""
    newest = max(MIGRATIONS.joinpath("versions").glob("[0-9]*.py"))
    found = re.search(r"^revision = ['\"]([^'\"]+)['\"]", newest.read_text(encoding="utf-8"), re.MULTILINE)
    if found is None:
        raise LedgerError(f"数据库升级脚本 {newest.name} 没有写明版本号")
    return found.group(1)


def stored_revision(connection) -> str | None:
    """The schema revision the database records (None: no schema yet), read without Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


NEWER = "这个数据库已由更新版本的街道台账使用过，本程序无法打开：请安装最新版本"


def known_revision(engine: Engine, revision: str) -> bool:
    """Whether this program's migrations know the revision (a later release's database has one it does not)."""
    from alembic.script import ScriptDirectory
    return any(r.revision == revision for r in ScriptDirectory.from_config(alembic_config(engine)).walk_revisions())


def upgrade(engine: Engine, revision: str = "head") -> Path | None:
    """Apply pending migrations; returns the copy made aside first, if one was made."""
    if revision == "head":
        with engine.connect() as connection:
            if stored_revision(connection) == newest_revision():
                return None
    from alembic import command
    current = current_revision(engine)
    if current == head_revision(engine) and revision == "head":
        return None
    if current is not None and not known_revision(engine, current):
        raise SchemaBehind(NEWER)
    copy = None
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if current is not None and path is not None and path.exists():
        copy = backup.before_upgrade(path, current)
    command.upgrade(alembic_config(engine), revision)
    return copy


class SchemaBehind(LedgerError):
    """A database whose schema is not this program's: an older server database (its owner must run `upgrade`),
    or one a later release has used."""


@dataclass
class Database:
    """An open, migrated database: the engine and its session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]     # reading, and the few writes outside a user action
    writes: sessionmaker[Session]       # one user action that writes (Ledger.unit)

    present: bool = False               # this program's marker of a SQLite file is held (ledger.presence)

    @property
    def server(self) -> bool:
        """Whether this is a PostgreSQL server (each person signs in with their own login role)."""
        return self.engine.dialect.name == "postgresql"

    def reconnect(self, password: str) -> None:
        """Connect anew with another password (after a person changed their own on the server)."""
        engine = make_engine(self.engine.url.set(password=password).render_as_string(hide_password=False))
        self.engine.dispose()
        self.engine = engine
        self.sessions.configure(bind=engine)
        self.writes.configure(bind=engine.execution_options(**{WRITING: True}))

    def dispose(self) -> None:
        self.engine.dispose()
        if self.present:
            self.present = False
            presence.leave(sqlite_file(self.url))


def database_on(url: str, engine: Engine) -> Database:
    """The session factories of an engine: reading, and writing (Ledger.unit)."""
    writing = engine.execution_options(**{WRITING: True})
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False),
                    sessionmaker(writing, expire_on_commit=False))


def open_database(path_or_url: str | Path | None = None, migrate: bool = True) -> Database:
    """Open a database: a SQLite file upgraded to the current schema; a server database as it is, refused when
    its schema or rules are behind (see upgrade_database)."""
    url = database_url(path_or_url)
    if (path := sqlite_file(url)) is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise describe(exc, path, "打开数据库") from exc
    engine = make_engine(url)
    if migrate and engine.dialect.name == "postgresql":
        try:
            check_server_schema(engine)
        except BaseException:
            engine.dispose()
            raise
    elif migrate:
        upgrade(engine)
    database = database_on(url, engine)
    if path is not None:
        presence.enter(path)     # a restore elsewhere now knows this program has the file open
        database.present = True
    return database


@dataclass(frozen=True)
class Upgraded:
    """What `upgrade_database` did."""

    before: str | None          # the schema revision found (None: a new database)
    after: str
    copy: Path | None           # the SQLite file copied aside first
    moved: list                 # ledger.server.setup.Moved: accounts given their login role (one-time passwords)


def upgrade_database(path_or_url: str | Path | None = None) -> Upgraded:
    """Migrate the schema to the current one and, on a server, build its rules (the owner's `upgrade`)."""
    url = database_url(path_or_url)
    if (path := sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        copy = upgrade(engine)
        moved = []
        if engine.dialect.name == "postgresql":
            from .server import setup
            with engine.begin() as connection:
                moved = setup.apply(connection)
        return Upgraded(before, head_revision(engine), copy, moved)
    finally:
        engine.dispose()


def upgrade_command(url: str) -> str:
    """How the owner upgrades this server database, as a person can be told (no credentials in it)."""
    parts = make_url(url)
    port = f":{parts.port}" if parts.port else ""
    return f'python main.py --db "{parts.drivername}://所有者@{parts.host or "localhost"}{port}/{parts.database}" upgrade'


def check_server_schema(engine: Engine) -> None:
    """Refuse a server database whose schema or rules are not this program's, naming the command to run."""
    from .server import setup
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        current = stored_revision(connection)
        head = current if current == newest_revision() else head_revision(engine)
        if current is None:
            raise SchemaBehind("这个数据库还没有建立：请数据库所有者运行 " + upgrade_command(url).replace(" upgrade", " init --name 街道名称"))
        if current != head:
            if not known_revision(engine, current):
                raise SchemaBehind(NEWER)
            raise SchemaBehind("这个数据库的结构比本程序旧，需要先升级：请数据库所有者运行 " + upgrade_command(url))
        owner, database, made = connection.execute(text(
            "SELECT tableowner, current_database(), to_regprocedure('public.sl_setup_digest()') IS NOT NULL "
            "FROM pg_tables WHERE schemaname = 'public' AND tablename = 'alembic_version'")).one()
        stored = connection.scalar(text("SELECT public.sl_setup_digest()")) if made else None
    if stored != setup.digest(database, owner):
        raise SchemaBehind("数据库服务器上的权限与规则与本程序不一致，需要先升级：请数据库所有者运行 " + upgrade_command(url))
