"""Demo data: loads at the promised size, passes the services' own rules, is deterministic and all-or-nothing."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from ledger.demo import DemoNotEmpty, load_demo
from ledger.models import Community, FundEntry, Grid, PartyOrg, Venue, Worker
from ledger.progress import Cancelled, Progress
from ledger.services import LEDGERS
from ledger.services.alerts import alerts
from ledger.services.checks import run_checks
from tests.helpers import count


def test_street_scale_sizes(demo_ledger):
    assert count(demo_ledger, Community) == 12
    assert count(demo_ledger, Grid) == 120
    assert count(demo_ledger, Worker) == 300
    assert count(demo_ledger, FundEntry) > 2000
    assert count(demo_ledger, Venue) >= 12


def test_grids_hold_about_450_households(demo_ledger):
    with demo_ledger.reading() as session:
        households = session.scalars(select(Grid.households)).all()
    inside = [h for h in households if 300 <= h <= 600]
    assert len(inside) >= 0.85 * len(households)
    assert 420 <= sum(households) / len(households) <= 480


def test_every_demo_record_passes_the_services_rules(demo_ledger):
    for key, service_class in LEDGERS.items():
        service = service_class(demo_ledger)
        with demo_ledger.reading() as session:
            ids = session.scalars(select(service.model.id).limit(60)).all()
            for record_id in ids:
                _, problems = service.prepare(session, {}, record_id)
                assert not problems, (key, record_id, problems)


def test_check_finds_no_errors_and_some_terms_end_soon(demo_ledger):
    assert run_checks(demo_ledger).errors == []
    kinds = {a.severity for a in alerts(demo_ledger, today=date(2026, 11, 23)) if a.ledger == "orgs"}
    assert {"逾期", "紧急", "提醒"} <= kinds


def _fingerprint(ledger) -> str:
    digest = hashlib.sha256()
    with ledger.reading() as session:
        for model in (Community, Grid, PartyOrg, Worker, FundEntry, Venue):
            for row in session.execute(select(model.__table__).order_by(model.id)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_deterministic(sqlite_ledger, tmp_path):
    from ledger.app import Ledger
    from ledger.services.street import init_street
    other = Ledger.open(tmp_path / "other.sqlite")
    init_street(other, "测试街道")
    load_demo(sqlite_ledger, "street", today=date(2026, 3, 1))
    load_demo(other, "street", today=date(2026, 3, 1))
    assert _fingerprint(sqlite_ledger) == _fingerprint(other)
    other.close()


def test_refuses_a_database_with_ledgers(demo_ledger):
    with pytest.raises(DemoNotEmpty, match="空数据库"):
        load_demo(demo_ledger, "street")


def test_cancel_writes_nothing(ledger):
    progress = Progress()
    seen = []

    def callback(done, total, message):
        seen.append(message)
        if message == "社区工作者":
            progress.cancel()
    progress._callback = callback
    with pytest.raises(Cancelled):
        load_demo(ledger, "street", progress=progress)
    assert count(ledger, Community) == 0 and count(ledger, PartyOrg) == 0
