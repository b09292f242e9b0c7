"""The 回收站: a deleted record comes back under its own id with its history; refusals say why and write nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ledger.access import ADMIN, CLERK, Actor
from ledger.errors import NotFound, PermissionDenied, ValidationError
from ledger.idcard import make_id
from ledger.models import AuditEntry, DeletedRecord, LevelChange, Worker
from ledger.services import CommunityService, GridService, VenueService, WorkerService
from ledger.services.audit_query import record_history
from ledger.services.recycle_bin import RecycleBin
from tests.helpers import count, snapshot, worker


@pytest.fixture
def two(ledger):
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
    return ledger


def test_a_deleted_worker_comes_back_under_its_own_id_with_its_history(two):
    ledger = two
    workers = WorkerService(ledger)
    first = workers.create(worker(level="5"))
    workers.update(first["id"], {"level": "6"}, version=first["version"])         # leaves a 调级记录
    workers.add_history(first["id"], "年度考核", {"year": 2025, "grade": "优秀"})
    before = workers.get(first["id"])
    history_before = len(record_history(ledger, "社区工作者", first["id"]))

    entry_id = workers.delete(first["id"])
    assert count(ledger, Worker) == 0 and count(ledger, LevelChange) == 0
    [entry] = RecycleBin(ledger).list()
    assert (entry.id, entry.ledger_name, entry.name) == (entry_id, "社区工作者", "张华（幸福社区）")
    assert entry.contents == "调级记录1条、年度考核1条"

    # a new worker made meanwhile gets a new id, never the deleted one (SQLite would reuse the highest)
    other = workers.create(worker(name="李敏", id_number=make_id("150203", date(1990, 1, 1), 17)))
    assert other["id"] > first["id"]

    restored = RecycleBin(ledger).restore(entry_id)
    assert restored.record_id == first["id"]
    again = workers.get(first["id"])
    for key in ("name", "id_number", "community", "level", "post"):
        assert again[key] == before[key], key
    assert [(a["year"], a["grade"]) for a in again["appraisals"]] == [(2025, "优秀")]
    assert [(c["old_level"], c["new_level"]) for c in again["level_changes"]] == [(5, 6)]
    assert again["version"] == before["version"] + 1
    assert RecycleBin(ledger).list() == []
    history = record_history(ledger, "社区工作者", first["id"])
    assert [h.action for h in history[history_before:]] == ["删除", "恢复"]
    # the record's earlier history still belongs to it
    assert history[0].action == "新增"


def test_a_restore_whose_id_number_is_now_taken_is_refused_and_writes_nothing(two):
    ledger = two
    workers = WorkerService(ledger)
    first = workers.create(worker())
    entry_id = workers.delete(first["id"])
    workers.create(worker(name="张华新"))                      # same 身份证号, entered again
    rows, trail = snapshot(ledger, Worker), count(ledger, AuditEntry)
    with pytest.raises(ValidationError) as refused:
        RecycleBin(ledger).restore(entry_id)
    assert str(refused.value) == ("身份证号：与现有的社区工作者“张华新（幸福社区）”相同，不能恢复；"
                                  "如确需恢复，请先修改或删除那条记录")
    assert snapshot(ledger, Worker) == rows and count(ledger, AuditEntry) == trail
    assert [e.id for e in RecycleBin(ledger).list()] == [entry_id]


def test_a_restore_whose_community_was_deleted_since_names_it(two):
    ledger = two
    grids = GridService(ledger)
    grid = grids.create({"community": "和平社区", "code": "01", "name": "第1网格", "households": "450"})
    grids.delete(grid["id"])
    community = next(c for c in CommunityService(ledger).list() if c["name"] == "和平社区")
    CommunityService(ledger).delete(community["id"])
    grid_entry = next(e for e in RecycleBin(ledger).list() if e.ledger_key == "grids")
    with pytest.raises(ValidationError, match="所属社区：社区“和平社区”已被删除，请先从回收站恢复它"):
        RecycleBin(ledger).restore(grid_entry.id)
    community_entry = next(e for e in RecycleBin(ledger).list() if e.ledger_key == "communities")
    RecycleBin(ledger).restore(community_entry.id)
    RecycleBin(ledger).restore(grid_entry.id)
    assert grids.get(grid["id"])["community"] == "和平社区"


def test_a_record_still_used_is_not_deleted_into_the_bin(two):
    ledger = two
    WorkerService(ledger).create(worker())
    happy = next(c for c in CommunityService(ledger).list() if c["name"] == "幸福社区")
    with pytest.raises(ValidationError, match="1条社区工作者"):
        CommunityService(ledger).delete(happy["id"])
    assert RecycleBin(ledger).list() == []


def test_a_venue_comes_back_with_its_rooms(two):
    ledger = two
    venues = VenueService(ledger)
    venue = venues.create({"name": "党群服务中心", "community": "幸福社区", "floor_area": "800",
                           "rooms": "会议室(60)、活动室(80)"})
    entry_id = venues.delete(venue["id"])
    RecycleBin(ledger).restore(entry_id)
    assert venues.get(venue["id"])["rooms"] == venue["rooms"]


def test_the_bin_of_a_limited_account_holds_its_own_communitys_records(two):
    ledger = two
    workers = WorkerService(ledger)
    mine = workers.create(worker())
    theirs = workers.create(worker(name="李敏", community="和平社区", id_number=make_id("150203", date(1990, 1, 1), 17)))
    workers.delete(mine["id"])
    theirs_entry = workers.delete(theirs["id"])
    own = next(c["id"] for c in CommunityService(ledger).list() if c["name"] == "幸福社区")
    clerk = ledger.as_actor(Actor("社区录入员", CLERK, own, "界面"))
    assert [e.name for e in RecycleBin(clerk).list()] == ["张华（幸福社区）"]
    assert RecycleBin(clerk).count() == 1
    with pytest.raises(NotFound):
        RecycleBin(clerk).restore(theirs_entry)
    assert count(ledger, Worker) == 0


def test_only_an_administrator_empties_the_bin_and_it_is_recorded(two):
    ledger = two
    workers = WorkerService(ledger)
    first = workers.create(worker())
    workers.delete(first["id"])
    clerk = ledger.as_actor(Actor("录入员", CLERK, None, "界面"))
    with pytest.raises(PermissionDenied, match="清空回收站"):
        RecycleBin(clerk).empty()
    admin = ledger.as_actor(Actor("管理员甲", ADMIN, None, "界面"))
    assert RecycleBin(admin).empty() == 1
    assert count(ledger, DeletedRecord) == 0
    with ledger.reading() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.action, last.ledger, last.record_id, last.user_name) == ("彻底删除", "社区工作者", first["id"], "管理员甲")
    history = record_history(ledger, "社区工作者", first["id"])
    assert history[-1].label == "张华（幸福社区）"
