"""Shared fixtures: a fresh database per test, on SQLite and — where a server is configured — PostgreSQL.

STREETLEDGER_TEST_PG is a SQLAlchemy URL of a PostgreSQL server that tests may create databases on, as a
database owner that is not a superuser (.ci/start-postgres.sh makes one: password authentication, CREATEDB
and CREATEROLE). In CI (CI=true) it is required, so a missing server fails instead of skipping. Given a
superuser's URL instead, the tests make such an owner and connect as it: a superuser bypasses every privilege
and row policy, so tests run as one would prove nothing about them.

Each test database makes its own roles (docs/trust.md), and people's login roles are named after their
accounts: one test run at a time per server. The roles are dropped with the database.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ledger.access import Actor  # noqa: E402
from ledger.app import Ledger  # noqa: E402
from ledger.db import upgrade_database  # noqa: E402
from ledger.services.street import init_street  # noqa: E402

PG_URL = os.environ.get("STREETLEDGER_TEST_PG")
_OWNER = "streetledger_test_owner"


def pytest_collection_modifyitems(config, items):
    """Tests of the server's own rules need a server: without one (and outside CI) they are not collected."""
    if PG_URL or os.environ.get("CI") == "true":
        return
    kept = [item for item in items if "server" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if "server" in item.keywords])
        items[:] = kept


_owner_url: str | None = None


def owner_url() -> str:
    """The test server's URL as a database owner without superuser rights."""
    global _owner_url
    if _owner_url is None:
        if not PG_URL:
            pytest.fail("CI 需要 PostgreSQL：请设置 STREETLEDGER_TEST_PG")
        from sqlalchemy import create_engine, make_url, text
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as c:
                if not c.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
                    _owner_url = PG_URL
                else:
                    password = uuid.uuid4().hex
                    exists = c.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": _OWNER})
                    c.exec_driver_sql(f"{'ALTER' if exists else 'CREATE'} ROLE {_OWNER} LOGIN CREATEDB CREATEROLE "
                                      f"NOSUPERUSER PASSWORD '{password}'")
                    _owner_url = make_url(PG_URL).set(username=_OWNER, password=password).render_as_string(
                        hide_password=False)
        finally:
            engine.dispose()
    return _owner_url


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder, so nothing touches a real user's files."""
    folder = tmp_path / "data"
    monkeypatch.setenv("STREETLEDGER_DATA_DIR", str(folder))
    return folder


def _backends() -> list[str]:
    if PG_URL or os.environ.get("CI") == "true":
        return ["sqlite", "postgresql"]
    return ["sqlite"]


@pytest.fixture(params=_backends())
def db_url(request, tmp_path) -> Iterator[str]:
    """A URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    yield from server_database()


def server_database() -> Iterator[str]:
    """A new, empty database on the test server (the owner's URL); dropped afterwards with its roles."""
    from sqlalchemy import create_engine, make_url, text

    from ledger.server.setup import drop
    url = owner_url()
    name = f"sl_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            drop(c, name)
        admin.dispose()


@pytest.fixture
def server_url() -> Iterator[str]:
    """A new, empty database on the PostgreSQL test server (for tests of the server's own rules)."""
    yield from server_database()


@pytest.fixture
def ledger(db_url, request) -> Iterator[Ledger]:
    """An open ledger with a street (测试街道) and the default pay standard, as an unnamed administrator.

    On PostgreSQL the database is made as an office's is (`upgrade` by its owner), and afterwards the trail
    is checked to hold no entry the server had to write itself: the application accounts for every change
    it makes (ledger.server.trail). A test that writes around the application asks for `writes_around`.
    """
    upgrade_database(db_url)
    opened = Ledger.open(db_url, Actor(source="界面"))
    init_street(opened, "测试街道")
    yield opened
    try:
        if opened.db.server and "writes_around" not in request.fixturenames:
            assert server_written(opened) == [], "the application left changes without their audit entries"
    finally:
        opened.close()


@pytest.fixture
def writes_around() -> None:
    """Marks a test that changes rows outside the application (the server then writes their entries)."""


def server_written(opened: Ledger) -> list[tuple]:
    """Entries the server wrote for changes that came without their own (ledger.server.trail.SOURCE)."""
    from sqlalchemy import select

    from ledger.models import AuditEntry
    from ledger.server.trail import SOURCE
    with opened.db.engine.connect() as c:
        return [tuple(r) for r in c.execute(select(AuditEntry.user_name, AuditEntry.action, AuditEntry.ledger,
                                                   AuditEntry.record_id, AuditEntry.changes)
                                            .where(AuditEntry.source == SOURCE))]


@pytest.fixture
def sqlite_ledger(tmp_path) -> Iterator[Ledger]:
    """The same on SQLite only, for tests about files (backups, kill tests, exports)."""
    opened = Ledger.open(tmp_path / "ledger.sqlite", Actor(source="界面"))
    init_street(opened, "测试街道")
    yield opened
    opened.close()


@pytest.fixture
def demo_ledger(tmp_path_factory) -> Iterator[Ledger]:
    """A street-scale demo database on SQLite (loaded once per test: about a second)."""
    from datetime import date

    from ledger.demo import load_demo
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    opened = Ledger.open(path, Actor(source="界面"))
    init_street(opened, "示范街道")
    load_demo(opened, "street", today=date(2026, 11, 23))
    yield opened
    opened.close()
