"""Shared fixtures: a fresh database per test, on SQLite and — where a server is configured — PostgreSQL.

STREETLEDGER_TEST_PG is a SQLAlchemy URL of a PostgreSQL server that tests may create databases on
(.ci/run starts one). In CI (CI=true) it is required, so a missing server fails instead of skipping.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ledger.access import Actor  # noqa: E402
from ledger.app import Ledger  # noqa: E402
from ledger.services.street import init_street  # noqa: E402

PG_URL = os.environ.get("STREETLEDGER_TEST_PG")


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
    if not PG_URL:
        pytest.fail("CI 需要 PostgreSQL：请设置 STREETLEDGER_TEST_PG")
    from sqlalchemy import create_engine, text
    name = f"sl_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def ledger(db_url) -> Iterator[Ledger]:
    """An open ledger with a street (测试街道) and the default pay standard, as an unnamed administrator."""
    opened = Ledger.open(db_url, Actor(source="界面"))
    init_street(opened, "测试街道")
    yield opened
    opened.close()


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
