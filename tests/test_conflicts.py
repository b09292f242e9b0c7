"""No edit overwrites another: stale saves are refused naming who, when and what; races end in Chinese messages."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, insert, select

from ledger.access import ADMIN, Actor
from ledger.app import Ledger
from ledger.conflicts import Conflict
from ledger.errors import LedgerError, ValidationError
from ledger.idcard import make_id
from ledger.importing import layout_for, load, preview, run_import
from ledger.models import PayRun, Worker
from ledger.services import CommunityService, WorkerService
from tests.helpers import worker
from tests.workbooks import xlsx


@pytest.fixture
def office(ledger):
    """Two administrators of one street and a worker at 等级 2."""
    CommunityService(ledger).create({"name": "幸福社区"})
    zhang = ledger.as_actor(Actor("张华", ADMIN, None, "界面"))
    li = ledger.as_actor(Actor("李敏", ADMIN, None, "界面"))
    record = WorkerService(zhang).create(worker(level="2"))
    return zhang, li, record


def test_a_save_from_a_stale_form_is_refused_naming_who_when_and_what(office):
    zhang, li, opened = office
    assert opened["version"] == 1
    WorkerService(li).update(opened["id"], {"level": "3"}, version=opened["version"])
    with pytest.raises(Conflict) as refused:
        WorkerService(zhang).update(opened["id"], {"level": "7"}, version=opened["version"])
    message = str(refused.value)
    assert "“李敏”" in message and "修改" in message and "等级 2 → 3" in message
    assert f"{date.today():%Y-%m-%d}" in message
    stored = WorkerService(zhang).get(opened["id"])
    assert stored["level"] == 3 and stored["version"] == 2
    # Reloaded, the same person can now make the change on top of the other's.
    assert WorkerService(zhang).update(opened["id"], {"level": "7"}, version=stored["version"])["level"] == 7


def test_a_change_committed_between_reading_and_writing_is_not_overwritten(office, db_url):
    """On a server, the version the ORM read travels with the UPDATE: a commit in between fails the write.
    On SQLite the file's write lock is taken when the action starts, so the other save waits its turn instead
    (and, after the wait, is refused saying another program holds the file)."""
    zhang, li, opened = office
    service = WorkerService(zhang)
    if db_url.startswith("sqlite"):
        other = Ledger.open(db_url, Actor("李敏", ADMIN, None, "界面"))
        other.db.engine.dispose()   # its next connections wait only briefly for the lock
        event.listen(other.db.engine, "connect", lambda connection, _r: connection.execute("PRAGMA busy_timeout=50"))
        try:
            with zhang.unit("ledger.write") as session:
                service.save(session, {"level": "7"}, opened["id"])
                with pytest.raises(LedgerError, match="正被其他程序使用.*请关闭其他程序后再试"):
                    WorkerService(other).update(opened["id"], {"level": "3"})
        finally:
            other.close()
        assert WorkerService(li).get(opened["id"])["level"] == 7
        return
    with pytest.raises(Conflict):
        with zhang.unit("ledger.write") as session:
            kept = session.get(Worker, opened["id"])   # read: version 1 (kept, as a service keeps it)
            assert kept.version == 1
            WorkerService(li).update(opened["id"], {"level": "3"})      # another person's save commits
            service.save(session, {"level": "7"}, opened["id"])
    assert WorkerService(li).get(opened["id"])["level"] == 3


def test_an_import_refuses_rows_whose_record_changed_after_the_preview(office, tmp_path):
    zhang, li, opened = office
    path = xlsx(tmp_path / "花名册.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                         ["张华", opened["id_number"], "幸福社区", "社区工作者", "三岗", 4]])
    loaded = load(path, "workers")
    layout = layout_for(loaded, "workers")
    seen = preview(zhang, "workers", loaded, layout)
    WorkerService(li).update(opened["id"], {"note": "李敏补充"})
    with pytest.raises(ValidationError) as refused:
        run_import(zhang, "workers", loaded, layout, previewed=seen)
    assert len(refused.value.problems) == 1
    problem = refused.value.problems[0]
    assert problem.row == 2 and "“李敏”" in problem.message and "预览后" in problem.message
    assert WorkerService(zhang).get(opened["id"])["level"] == 2          # nothing written
    # Previewed again, the import goes through on top of the other's change.
    run_import(zhang, "workers", loaded, layout, previewed=preview(zhang, "workers", loaded, layout))
    after = WorkerService(zhang).get(opened["id"])
    assert (after["level"], after["note"]) == (4, "李敏补充")


def test_a_uniqueness_lost_to_another_save_is_a_chinese_message(office):
    """Two saves of the same 身份证号 both pass the check; the database refuses the second, said for people."""
    zhang, _li, opened = office
    with pytest.raises(Conflict, match="社区工作者的“身份证号”与另一位用户刚刚保存的记录重复"):
        with zhang.unit("ledger.write") as session:
            row = session.execute(select(Worker.__table__).where(Worker.id == opened["id"])).mappings().one()
            session.execute(insert(Worker), [{k: v for k, v in row.items() if k not in ("id", "version")}])


def test_two_first_runs_of_one_month_end_with_a_message_not_a_traceback(ledger):
    with pytest.raises(Conflict, match="另一位用户刚刚生成同一月份的工资表"):
        with ledger.unit("pay.write") as session:
            session.execute(insert(PayRun).values(month="2026-01", status="草稿"))
            session.execute(insert(PayRun).values(month="2026-01", status="草稿"))


def test_the_window_shows_the_conflict_and_reloads_the_other_values(qtbot, office, monkeypatch):
    from ui import messages
    from ui.worker_details import WorkerDialog
    zhang, li, opened = office
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: asked.append(text) or True)
    dialog = WorkerDialog(WorkerService(zhang), WorkerService(zhang).get(opened["id"]))
    qtbot.addWidget(dialog)
    WorkerService(li).update(opened["id"], {"level": "3", "note": "李敏改的"})
    dialog.editors["level"].set_value("7")
    assert dialog.save() is False
    assert len(asked) == 1 and "“李敏”" in asked[0] and "等级 2 → 3" in asked[0]
    assert dialog.editors["level"].value() == "3" and dialog.editors["note"].value() == "李敏改的"
    assert WorkerService(zhang).get(opened["id"])["level"] == 3


def test_two_people_adding_the_same_new_worker_at_once(office):
    """A new record races too: the second of two identical 身份证号 is refused with the field named."""
    zhang, li, _opened = office
    number = make_id("150204", date(1990, 3, 1), 17)
    WorkerService(li).create(worker(name="王芳", id_number=number))
    with pytest.raises(ValidationError, match="身份证号"):
        WorkerService(zhang).create(worker(name="王芳", id_number=number))
