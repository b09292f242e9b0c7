"""A database made by the first migration upgrades to the latest with its data intact."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text

from ledger.db import alembic_config, current_revision, head_revision, make_engine, open_database, upgrade_database


def test_first_migration_upgrades_with_data(db_url, data_dir):
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '老街道')"))
        c.execute(text("INSERT INTO community (id, street_id, name, households, area_km2) VALUES (1, 1, '幸福社区', 2400, 150)"))
        c.execute(text("INSERT INTO worker (id, name, id_number, community_id, title, post, level, dual_role, "
                       "special_deduction, status, credited_bonus) VALUES (1, '张华', '11010519491231002X', 1, '书记', 1, "
                       "9, true, 200000, '在岗', 0)"))
        c.execute(text("INSERT INTO fund_entry (id, entry_date, community_id, category, direction, amount) "
                       "VALUES (1, '2025-03-01', 1, '其他', '拨入', 12345678)"))
    engine.dispose()

    if engine.dialect.name == "postgresql":
        upgrade_database(db_url)    # a server's owner runs `upgrade`
    db = open_database(db_url)      # what start-up does: upgrade a SQLite file to head
    assert current_revision(db.engine) == head_revision(db.engine)
    from ledger.models import Community, FundEntry, Worker
    with db.sessions() as session:
        community = session.get(Community, 1)
        assert (community.name, community.households, community.area_km2) == ("幸福社区", 2400, Decimal("1.50"))
        worker = session.get(Worker, 1)
        assert (worker.name, worker.level, worker.dual_role, worker.special_deduction) == ("张华", 9, True, Decimal("2000.00"))
        fund = session.get(FundEntry, 1)
        assert (fund.entry_date, fund.amount) == (date(2025, 3, 1), Decimal("123456.78"))
        assert session.execute(text("SELECT count(*) FROM pay_run")).scalar() == 0
    db.dispose()


def test_sqlite_file_is_copied_aside_before_upgrade(tmp_path, data_dir):
    path = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '老街道')"))
    engine.dispose()
    open_database(path).dispose()
    copies = list((data_dir / "backups").glob("*.sqlite"))
    assert len(copies) == 1
    import sqlite3
    with sqlite3.connect(copies[0]) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert c.execute("SELECT name FROM street").fetchall() == [("老街道",)]


def test_new_database_needs_no_copy(tmp_path, data_dir):
    open_database(tmp_path / "new.sqlite").dispose()
    assert not list((data_dir / "backups").glob("*.sqlite")) if (data_dir / "backups").exists() else True


def test_ledger_tables_rebuilt_to_keep_ids_keep_their_rows_keys_indexes_and_triggers(tmp_path, data_dir):
    """0008 rebuilds the ledger tables of a database of the last release (0004) with AUTOINCREMENT on SQLite:
    rows, history lines, columns, keys, indexes and the protected tables' triggers are as they were."""
    import sqlite3

    from sqlalchemy import inspect

    from ledger import catalog
    path = tmp_path / "released.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0004_pay_lock")
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '老街道')"))
        c.execute(text("INSERT INTO community (id, street_id, name) VALUES (1, 1, '幸福社区')"))
        c.execute(text("INSERT INTO worker (id, name, id_number, community_id, title, post, level, dual_role, status, "
                       "credited_bonus) VALUES (7, '张华', '11010519491231002X', 1, '书记', 1, 9, true, '在岗', 0)"))
        c.execute(text("INSERT INTO level_change (id, worker_id, new_level, reason, effective_on) "
                       "VALUES (3, 7, 9, '定级', '2020-01-01')"))
    command.upgrade(alembic_config(engine), "0007_integrity")

    def shape() -> dict:
        found = inspect(engine)
        return {t: ([{k: str(v) for k, v in c.items()} for c in found.get_columns(t)],
                    found.get_pk_constraint(t)["constrained_columns"],
                    sorted(map(str, found.get_foreign_keys(t))), sorted(map(str, found.get_unique_constraints(t))),
                    sorted(map(str, found.get_indexes(t)))) for t in found.get_table_names()}

    def triggers() -> list:
        with sqlite3.connect(path) as c:
            return c.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()

    before, protected = shape(), triggers()
    engine.dispose()
    db = open_database(path)
    engine = db.engine
    after = shape()
    assert {t: after[t] for t in before} == before
    assert triggers() == protected and len(protected) >= 12
    ledger_tables = {d.table for d in catalog.ledgers().values()} | {
        c.model.__table__.name for d in catalog.ledgers().values() for c in d.children}
    with sqlite3.connect(path) as c:
        ddl = dict(c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        assert c.execute("SELECT id, worker_id, reason FROM level_change").fetchall() == [(3, 7, "定级")]
        assert c.execute("SELECT id, name FROM worker").fetchall() == [(7, "张华")]
    assert [t for t in sorted(ledger_tables) if "AUTOINCREMENT" not in ddl[t]] == []
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1     # back on for the application
    db.dispose()


def test_a_database_of_the_last_release_gains_the_wider_ledgers_and_keeps_its_closed_quarters(db_url, data_dir):
    """0004_pay_lock (the last released schema) with a community, a grid and a quarter closed under snapshot
    version 2: after the upgrade the wider ledgers take records, and the closed quarter reads as it was closed."""
    import json
    from pathlib import Path

    from ledger import quarter
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.services import LEDGERS
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0004_pay_lock")
    snaps = json.loads((Path(__file__).parent / "data" / "quarter_v2" / "snapshots.json").read_text(encoding="utf-8"))
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '测试街道')"))
        c.execute(text("INSERT INTO community (id, street_id, name, code, households) VALUES (1, 1, '甲社区', '001', 1200)"))
        c.execute(text("INSERT INTO grid (id, community_id, code, name, households) VALUES (1, 1, '01', '第一网格', 450)"))
        c.execute(text("INSERT INTO quarter_snapshot (quarter, closed_at, closed_by, figures) VALUES "
                       "('2026-Q3', '2026-12-06 01:39:12', NULL, :figures)"),
                  {"figures": json.dumps(snaps["2026-Q3"]["figures"], ensure_ascii=False)})
    engine.dispose()
    upgrade_database(db_url)    # at start-up for a SQLite file; the owner's `upgrade` on a server

    ledger = Ledger.open(db_url, Actor(source="界面"))
    try:
        team = LEDGERS["teams"](ledger).create({"name": "红马甲", "community": "甲社区", "grid": "01"})
        LEDGERS["activities"](ledger).create({"held_on": "2026-08-01", "community": "甲社区", "team": "红马甲",
                                              "name": "义诊", "served": "40"})
        LEDGERS["registrations"](ledger).create({"name": "张华", "employer": "区税务局", "community": "甲社区",
                                                 "registered_on": "2026-01-01"})
        assert team["grid"] == "第一网格"
        closed = quarter.report(ledger, "2026-Q3")
        assert closed.figures.version == 2 and not closed.figures.wider
        assert [r.name for r in closed.figures.rows] == ["甲社区", "乙社区"] and closed.values["members"] == 38
        assert quarter.figures(ledger, "2026-Q4").total.activities == 1     # an open quarter counts the new ledgers
    finally:
        ledger.close()


def test_a_database_a_later_release_used_is_refused_in_words_and_left_as_it_is(tmp_path, data_dir):
    from ledger.db import SchemaBehind
    path = tmp_path / "later.sqlite"
    open_database(path).dispose()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0099_later'"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(SchemaBehind, match="更新版本的街道台账") as refused:
        open_database(path)
    assert "0099" not in str(refused.value)
    assert path.read_bytes() == before
