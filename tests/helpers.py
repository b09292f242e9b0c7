"""Small builders shared by tests: valid records a test can vary one field of, and a save's refusal."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger.errors import ValidationError
from ledger.idcard import make_id


def worker(community: str = "幸福社区", **over) -> dict:
    record = {"name": "张华", "id_number": make_id("150203", date(1985, 6, 15), 231), "community": community,
              "title": "社区工作者", "post": "三岗", "level": "5", "education": "本科", "started_on": "2015.03",
              "status": "在岗"}
    record.update(over)
    return record


def count(ledger, model) -> int:
    with ledger.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def snapshot(ledger, model, with_version: bool = True) -> list[tuple]:
    """Every row of a table, for 'nothing was written' assertions; without the save counter where a restore
    is itself a save (an undo gives the records their earlier values and a new version)."""
    with ledger.reading() as session:
        table = model.__table__
        columns = [c for c in table.columns if with_version or c.name != "version"]
        return [tuple(r) for r in session.execute(select(*columns).order_by(table.c.id))]


def refusals(service, raw: dict, record_id: int | None = None) -> list[str]:
    """The problems a refused save states (a new record, or an edit of `record_id`), as the person reads them."""
    with pytest.raises(ValidationError) as refused:
        service.create(raw) if record_id is None else service.update(record_id, raw)
    return [str(p) for p in refused.value.problems]


@contextmanager
def shown_window(qtbot, ledger):
    """The main window on `ledger` at 1366×768 (the smallest screen an office has), shown for the block."""
    from ui.main_window import MainWindow
    win = MainWindow(ledger)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    try:
        yield win
    finally:
        win.close()
