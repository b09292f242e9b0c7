"""Batch changes (all or nothing, every refused record named) and 恢复到此版本 (version-checked, through the service)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ledger.access import CLERK, Actor
from ledger.conflicts import Conflict
from ledger.errors import LedgerError
from ledger.idcard import make_id
from ledger.models import AuditEntry, Grid, Worker
from ledger.services import CommunityService, GridService, WorkerService
from ledger.services.base import BatchRefused
from ledger.services.past_versions import restore_version
from tests.helpers import count, snapshot, worker


@pytest.fixture
def staff(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    workers = WorkerService(ledger)
    made = [workers.create(worker(name=name, post=post, level=level, id_number=make_id("150203", date(1980 + n, 3, 1), 11 + n)))
            for n, (name, post, level) in enumerate((("张华", "二岗", "8"), ("李敏", "三岗", "9"), ("王强", "二岗", "10")))]
    return ledger, made


def test_a_batch_with_one_refused_record_saves_nothing_and_names_it(staff):
    ledger, made = staff
    rows, trail = snapshot(ledger, Worker), count(ledger, AuditEntry)
    # 等级 14 is within 二岗 (4–15) but not 三岗 (1–12)
    with pytest.raises(BatchRefused) as refused:
        WorkerService(ledger).update_many([(r["id"], {"level": "14"}, r["version"]) for r in made])
    assert list(refused.value.rows) == [made[1]["id"]]
    assert str(refused.value).startswith("李敏（幸福社区）：等级：")
    assert snapshot(ledger, Worker) == rows and count(ledger, AuditEntry) == trail


def test_a_batch_saves_every_record_with_its_history(staff):
    ledger, made = staff
    done = WorkerService(ledger).update_many([(r["id"], {"level": "11"}, r["version"]) for r in made])
    assert [(r["id"], r["level"]) for r in done] == [(r["id"], 11) for r in made]
    assert all(after["version"] == before["version"] + 1 for before, after in zip(made, done))


def test_a_batch_meets_a_change_made_by_someone_else(staff):
    ledger, made = staff
    other = ledger.as_actor(Actor("李四", CLERK, None, "界面"))
    WorkerService(other).update(made[0]["id"], {"level": "9"})
    with pytest.raises(BatchRefused) as refused:
        WorkerService(ledger).update_many([(r["id"], {"level": "10"}, r["version"]) for r in made])
    assert list(refused.value.rows) == [made[0]["id"]]
    assert "已被“李四”于" in str(refused.value) and "等级 8 → 9" in str(refused.value)
    assert WorkerService(ledger).get(made[2]["id"])["level"] == 10     # the valid change was not saved either


def _entries(ledger, record_id: int) -> list[AuditEntry]:
    with ledger.reading() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.ledger == "网格", AuditEntry.record_id == record_id)
                                    .order_by(AuditEntry.id)))


def test_restoring_a_grid_to_an_earlier_version(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    grids = GridService(ledger)
    grid = grids.create({"community": "幸福社区", "code": "01", "name": "第1网格", "households": "450", "buildings": "14"})
    grid = grids.update(grid["id"], {"buildings": "12", "households": "460"}, version=grid["version"])
    grid = grids.update(grid["id"], {"community": "和平社区"}, version=grid["version"])
    created = _entries(ledger, grid["id"])[0]
    back = restore_version(ledger, "grids", grid["id"], created.id, grid["version"])
    assert (back["buildings"], back["households"], back["community"]) == (14, 450, "幸福社区")
    last = _entries(ledger, grid["id"])[-1]
    assert last.action == "修改" and {c["field"] for c in last.changes} == {"buildings", "households", "community_id"}
    with pytest.raises(LedgerError, match="无需恢复"):
        restore_version(ledger, "grids", grid["id"], created.id, back["version"])


def test_restoring_a_version_meets_a_later_change(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    grids = GridService(ledger)
    grid = grids.create({"community": "幸福社区", "code": "01", "name": "第1网格", "households": "450", "buildings": "14"})
    seen = grids.update(grid["id"], {"buildings": "12"}, version=grid["version"])
    other = ledger.as_actor(Actor("李四", CLERK, None, "界面"))
    GridService(other).update(grid["id"], {"households": "500"})
    rows = snapshot(ledger, Grid)
    with pytest.raises(Conflict, match="李四"):
        restore_version(ledger, "grids", grid["id"], _entries(ledger, grid["id"])[0].id, seen["version"])
    assert snapshot(ledger, Grid) == rows
