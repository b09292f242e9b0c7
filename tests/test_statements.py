"""What a form's save costs the database: the statements of saving one worker, and the row it gives back."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from ledger.access import Actor
from ledger.quarter import close_quarter
from ledger.services import CommunityService, WorkerService
from ledger.services.overview import home
from tests.helpers import worker
from ui import tasks
from ui.main_window import MainWindow


@contextmanager
def statements(ledger) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block, from any thread."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many) -> None:
        sent.append(statement)

    engine = ledger.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def tables_read(sent: list[str]) -> Counter:
    """How many statements read each table: the tables a SELECT names in its own FROM and JOINs (a subquery that
    only narrows the rows, in parentheses, is not a read of its own)."""
    read: Counter = Counter()
    for statement in sent:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        outer = statement
        while re.search(r"\([^()]*\)", outer):
            outer = re.sub(r"\([^()]*\)", "", outer)
        read.update({name for name in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', outer, re.IGNORECASE)})
    return read


# the tables a 首页 refresh reads: the figures, the warnings and the charts
HOME_TABLES = {"community", "party_org", "grid", "venue", "worker", "fund_entry", "budget", "civic_case", "case_step",
               "setting", "estate", "pay_standard", "partner_unit", "joint_project", "registration", "volunteer_team",
               "volunteer_activity", "street", "calendar_day", "quarter_snapshot"}


def test_the_home_figures_on_a_quarters_last_day_read_each_table_once(demo_ledger):
    with statements(demo_ledger) as sent:
        shown = home(demo_ledger, today=date(2026, 12, 31))
    read = tables_read(sent)
    assert max(read.values()) == 1, read
    # the figures, the warnings and the charts: 社区, 党组织, 工作者, 经费, 民生诉求 … each read once
    assert {"community", "party_org", "grid", "venue", "worker", "fund_entry", "budget", "civic_case", "case_step",
            "setting", "estate"} <= set(read)
    assert set(read) == HOME_TABLES, read
    assert len(sent) <= 22, "\n".join(sent)
    assert shown.overview.communities == len(shown.quarter.rows) > 0


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2026, 10, 20), date(2026, 1, 1)])
def test_the_home_figures_on_an_ordinary_day_read_each_table_once(demo_ledger, today):
    """The cards count to today and the charts to the quarter's last day: the rows cut at a day are read once for
    both days, like every other table."""
    with statements(demo_ledger) as sent:
        home(demo_ledger, today=today)
    read = tables_read(sent)
    assert max(read.values()) == 1, read
    assert set(read) == HOME_TABLES, read
    assert len(sent) <= 22, "\n".join(sent)


def test_the_home_figures_of_a_closed_quarter_read_each_table_once(demo_ledger):
    """A closed quarter's charts are its frozen figures: the ledgers are read for today's cards alone."""
    close_quarter(demo_ledger, "2026-Q3", today=date(2026, 11, 23))
    with statements(demo_ledger) as sent:
        shown = home(demo_ledger, today=date(2026, 9, 15))
    read = tables_read(sent)
    assert max(read.values()) == 1, read
    assert len(sent) <= 22, "\n".join(sent)
    assert not shown.quarter.is_open


def test_a_community_clerks_home_refresh_reads_each_table_once(demo_ledger):
    own = CommunityService(demo_ledger).list()[0]["id"]
    clerk = demo_ledger.as_actor(Actor("录入员", "台账录入员", own))
    with statements(demo_ledger) as sent:
        shown = home(clerk, today=date(2026, 11, 23))
    read = tables_read(sent)
    assert max(read.values()) == 1, read
    assert len(sent) <= 22, "\n".join(sent)
    assert [r.community_id for r in shown.quarter.rows] == [own]


def test_a_home_refresh_is_one_transaction_reading_each_table_once(qtbot, demo_ledger):
    window = MainWindow(demo_ledger)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("home")
    qtbot.waitUntil(lambda: not page.stale and not tasks.running_tasks(), timeout=30000)
    with statements(demo_ledger) as sent:
        page.refresh()
        qtbot.waitUntil(lambda: not page.stale and not tasks.running_tasks(), timeout=30000)
    assert len(sent) <= 22, "\n".join(sent)
    assert sum(1 for s in sent if s.strip().upper().startswith("BEGIN")) <= 1
    assert max(tables_read(sent).values()) == 1, tables_read(sent)
    assert tables_read(sent)["community"] == 1
    assert page.cards["communities"].figure.text() != "—" and len(page.charts.charts) == 3
    window.close()


def test_saving_one_worker_from_a_form_takes_at_most_ten_statements(ledger):
    CommunityService(ledger).create({"name": "幸福社区", "households": "2400"})
    service = WorkerService(ledger)
    stored = service.create(worker())
    with statements(ledger) as sent:
        service.update(stored["id"], {"note": "调入", "special_deduction": "1500"}, version=stored["version"],
                       details=False)
    assert len(sent) <= 10, "\n".join(sent)


def test_a_form_save_gives_back_the_row_the_ledger_lists(ledger):
    CommunityService(ledger).create({"name": "幸福社区", "households": "2400"})
    service = WorkerService(ledger)
    created = service.create(worker(), details=False)
    assert created == service.list()[0]
    assert (created["community"], created["post"], created["sex"], created["version"]) == ("幸福社区", "三岗", "男", 1)
    changed = service.update(created["id"], {"special_deduction": "1500"}, version=1, details=False)
    assert changed == service.list()[0]
    assert (changed["special_deduction"], changed["version"]) == (Decimal("1500.00"), 2)


def test_saving_from_the_worker_page_reads_nothing_more_for_the_window(qtbot, sqlite_ledger):
    """The page puts the saved row into its table; pages not on screen only note that they are out of date."""
    CommunityService(sqlite_ledger).create({"name": "幸福社区", "households": "2400"})
    service = WorkerService(sqlite_ledger)
    stored = service.create(worker())
    window = MainWindow(sqlite_ledger)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("workers")
    qtbot.waitUntil(lambda: page.table is not None and not tasks.running_tasks(), timeout=30000)
    with statements(sqlite_ledger) as sent:
        saved = service.update(stored["id"], {"note": "调入"}, version=stored["version"], details=False)
        page.record_saved(saved)
        qtbot.waitUntil(lambda: not tasks.running_tasks(), timeout=30000)
    assert len(sent) <= 10, "\n".join(sent)
    assert page.table.rows[0][page.keys.index("note")] == "调入"
    window.close()
