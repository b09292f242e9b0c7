"""What a form's save costs the database: the statements of saving one worker, and the row it gives back."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event

from ledger.services import CommunityService, WorkerService
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
