"""The connections to a PostgreSQL server: few round trips for a small action, and a connection the server dropped
while it sat idle replaced instead of failing the next action."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

import ledger.db
from bench.slow_link import SlowLink
from ledger.access import Actor
from ledger.app import Ledger
from ledger.db import upgrade_database
from ledger.services import CommunityService, WorkerService
from ledger.services.street import init_street
from tests.helpers import worker

pytestmark = pytest.mark.server


@pytest.fixture
def office(server_url) -> Iterator[str]:
    """A server database with a street, a 社区 and a worker."""
    upgrade_database(server_url)
    owner = Ledger.open(server_url, Actor(source="界面"))
    init_street(owner, "测试街道")
    CommunityService(owner).create({"name": "幸福社区"})
    WorkerService(owner).create(worker())
    owner.close()
    yield server_url


def test_saving_a_worker_after_another_save_takes_at_most_ten_requests(office):
    """The issue's limit for a small action over a slow link: the requests the server receives, whatever sends them
    (statements, BEGIN and COMMIT, a ping of the connection)."""
    url = make_url(office)
    with SlowLink(url.port or 5432, url.host or "127.0.0.1", delay=0) as link:
        clerk = Ledger.open(link.url(office), Actor(source="界面"))
        try:
            service = WorkerService(clerk)
            stored = service.list()[0]
            saved = service.update(stored["id"], {"note": "调入"}, version=stored["version"], details=False)
            link.reset()
            service.update(saved["id"], {"note": "调出"}, version=saved["version"], details=False)
            assert link.requests <= 10
        finally:
            clerk.close()
    reader = Ledger.open(office, Actor(source="界面"))
    assert WorkerService(reader).list()[0]["note"] == "调出"
    reader.close()


def test_a_connection_the_server_dropped_while_idle_is_replaced_and_the_save_goes_through(office, monkeypatch):
    monkeypatch.setattr(ledger.db, "IDLE_BEFORE_PING", 0.0)   # every pooled connection has sat idle long enough
    clerk = Ledger.open(office, Actor(source="界面"))
    try:
        service = WorkerService(clerk)
        stored = service.list()[0]
        with clerk.reading() as session:
            pid = session.scalar(text("SELECT pg_backend_pid()"))
        killer = create_engine(office, isolation_level="AUTOCOMMIT")
        try:
            with killer.connect() as other:   # a server restart or an idle timeout, as the pool's connection meets it
                assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            killer.dispose()
        saved = service.update(stored["id"], {"note": "调入"}, version=stored["version"], details=False)
        assert saved["note"] == "调入"
        with clerk.reading() as session:
            assert session.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        clerk.close()
