"""An office's database of the last release (0004_pay_lock) upgrades to the 民生诉求 tables with its data intact,
the State Council's holidays in place, and its grids and communities usable by new cases."""
from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select, text

from ledger.access import Actor
from ledger.app import Ledger
from ledger.db import alembic_config, make_engine, upgrade_database
from ledger.models import CalendarDay, Community, Grid
from ledger.services.cases import CaseService
from ledger.workdays import HOLIDAY, WORKDAY


def test_a_released_database_upgrades_and_takes_cases(db_url, data_dir):
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0004_pay_lock")
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '老街道')"))
        c.execute(text("INSERT INTO community (id, street_id, name, households) VALUES (1, 1, '幸福社区', 2400)"))
        c.execute(text("INSERT INTO grid (id, community_id, code, name, households) VALUES (1, 1, '01', '第1网格', 450)"))
    engine.dispose()
    upgrade_database(db_url)   # at start-up for a SQLite file; the owner's `upgrade` on a server

    ledger = Ledger.open(db_url, Actor(source="界面"))
    try:
        with ledger.reading() as session:
            assert session.execute(select(Community.name, Community.households)).one() == ("幸福社区", 2400)
            assert session.execute(select(Grid.name, Grid.households)).one() == ("第1网格", 450)
            days = dict(session.execute(select(CalendarDay.day, CalendarDay.kind)).all())
        # 2026: 春节 15–23 February off, Saturdays 14 and 28 February worked; 国庆 1–7 October off
        assert all(days[date(2026, 2, d)] == HOLIDAY for d in range(15, 24))
        assert days[date(2026, 2, 14)] == days[date(2026, 2, 28)] == WORKDAY
        assert all(days[date(2026, 10, d)] == HOLIDAY for d in range(1, 8))
        assert sum(1 for d in days if d.year == 2026) == 39 and sum(1 for d in days if d.year == 2025) == 33
        service = CaseService(ledger)
        record = service.create({"source": "网格员巡查", "community": "幸福社区", "grid": "01", "category": "市政设施",
                                 "content": "井盖破损", "found_on": "2026-02-13"})
        service.act(record["id"], "上报", {"on": "2026-02-13"})
        record = service.act(record["id"], "转办", {"on": "2026-02-13", "handler": "街道城建办"})
        # 市政设施: 5 working days — Saturday 14 February, then after 春节 24, 25, 26 and 27 February
        assert (record["grid"], record["due_on"]) == ("第1网格", date(2026, 2, 27))
    finally:
        ledger.close()
