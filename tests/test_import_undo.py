"""Undoing an import restores exactly the state before it — inserts, updates, history lines and rooms alike."""
from __future__ import annotations

import pytest

from ledger.errors import LedgerError, ValidationError
from ledger.importing import import_file, last_import, undo_last
from ledger.models import (Community, Grid, ImportBatch, LevelChange, PartyOrg, PostChange, Venue, VenueRoom,
                           Worker)
from ledger.services import GridService, PartyOrgService, VenueService, WorkerService
from tests.helpers import snapshot
from tests.workbooks import ID_LI, ID_WANG, ID_ZHAO, communities, xlsx

TABLES = (Community, Grid, PartyOrg, Worker, LevelChange, PostChange, Venue, VenueRoom)


def state(ledger) -> list[list[tuple]]:
    """Every value of every table; the version moves on with an undo (forms opened before must reload)."""
    return [snapshot(ledger, model, with_version=False) for model in TABLES]


def test_undo_of_inserts_and_updates_restores_every_table_exactly(ledger, tmp_path):
    communities(ledger, "幸福社区")
    service = WorkerService(ledger)
    service.create({"name": "王芳", "id_number": ID_WANG, "community": "幸福社区", "title": "书记", "post": "一岗",
                    "level": "9", "phone": "13800000000", "started_on": "2010.05", "contribution_base": "5000"})
    service.create({"name": "李强", "id_number": ID_LI, "community": "幸福社区", "title": "委员", "post": "三岗",
                    "level": "3"})
    VenueService(ledger).create({"name": "党群服务中心", "community": "幸福社区", "floor_area": "600",
                                 "rooms": "会议室(60)、活动室(80)"})
    before = state(ledger)
    workers = xlsx(tmp_path / "w.xlsx", [
        ["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "联系电话", "缴费基数"],
        ["王芳", ID_WANG, "幸福社区", "主任", "一岗", 10, None, "5200.50"],        # update: level, title, phone cleared
        ["李强", ID_LI, "幸福社区", "委员", "三岗", 3, None, None],                # unchanged
        ["赵敏", ID_ZHAO, "幸福社区", "委员", "三岗", 2, "13700000000", None]])   # new
    _plan, outcome = import_file(ledger, "workers", workers)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 1)
    venues = xlsx(tmp_path / "v.xlsx", [["阵地名称", "所属社区", "建筑面积", "功能室"],
                                         ["党群服务中心", "幸福社区", "650", "会议室(70)"],
                                         ["红色驿站", "幸福社区", "120", "阅览室(40)"]])
    import_file(ledger, "venues", venues)
    assert state(ledger) != before
    undone = undo_last(ledger)
    assert (undone.removed, undone.restored) == (1, 1)
    undone = undo_last(ledger)
    assert (undone.removed, undone.restored) == (1, 1)
    assert state(ledger) == before
    with pytest.raises(LedgerError, match="没有可以撤销的导入"):
        undo_last(ledger)


def test_undo_of_party_organisations_that_are_each_others_parents(ledger, tmp_path):
    communities(ledger, "幸福社区")
    before = state(ledger)
    path = xlsx(tmp_path / "o.xlsx", [["组织名称", "组织类别", "上级组织", "所属社区"],
                                       *[[f"第{i}网格党支部", "网格党支部", "幸福社区党委", "幸福社区"] for i in range(1, 6)],
                                       ["幸福社区党委", "党委", "幸福街道党工委", "幸福社区"],
                                       ["幸福街道党工委", "党工委", None, None]])
    assert import_file(ledger, "orgs", path)[1].created == 7
    undo_last(ledger)
    assert state(ledger) == before


def test_undo_refused_when_a_record_was_edited_since(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "g.xlsx", [["所属社区", "网格编号", "网格名称", "户数"], ["幸福社区", "01", "第一网格", 450],
                                       ["幸福社区", "02", "第二网格", 460]])
    import_file(ledger, "grids", path)
    grid = next(g for g in GridService(ledger).list() if g["code"] == "02")
    GridService(ledger).update(grid["id"], {"households": "470"})
    after_edit = state(ledger)
    with pytest.raises(ValidationError) as info:
        undo_last(ledger)
    assert [str(p) for p in info.value.problems] == ["第3行 户数：无法撤销：“第二网格”在导入后又被修改过，撤销会丢掉那次修改"]
    assert state(ledger) == after_edit
    assert last_import(ledger) is not None


def test_undo_refused_when_a_new_record_is_used_since(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "g.xlsx", [["所属社区", "网格编号", "网格名称", "户数"], ["幸福社区", "01", "第一网格", 450]])
    import_file(ledger, "grids", path)
    PartyOrgService(ledger).create({"name": "第一网格党支部", "category": "网格党支部", "community": "幸福社区", "grid": "01"})
    after = state(ledger)
    with pytest.raises(ValidationError) as info:
        undo_last(ledger)
    assert [str(p) for p in info.value.problems] == ["第2行 网格名称：无法撤销：“第一网格”在导入后已被1条党组织记录使用，请先处理这些记录"]
    assert state(ledger) == after


def test_undo_of_a_deleted_new_record_is_quietly_complete(ledger, tmp_path):
    communities(ledger, "幸福社区")
    before = state(ledger)
    path = xlsx(tmp_path / "g.xlsx", [["所属社区", "网格编号", "网格名称", "户数"], ["幸福社区", "01", "第一网格", 450],
                                       ["幸福社区", "02", "第二网格", 450]])
    import_file(ledger, "grids", path)
    GridService(ledger).delete(GridService(ledger).list()[0]["id"])
    undo_last(ledger)
    assert state(ledger) == before


def test_batch_records_who_and_what(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "网格台账.xlsx", [["所属社区", "网格编号", "网格名称", "户数"], ["幸福社区", "01", "第一网格", 450]])
    import_file(ledger, "grids", path)
    info = last_import(ledger)
    assert (info.kind, info.ledger_name, info.filename, info.created, info.updated) == ("grids", "网格", "网格台账.xlsx", 1, 0)
    assert "导入的网格台账“网格台账.xlsx”（新增1条，更新0条）" in info.describe()
    undo_last(ledger)
    with ledger.reading() as session:
        assert session.get(ImportBatch, info.id).undone is True
    assert last_import(ledger) is None


def test_a_windows_undo_takes_back_its_own_import_only(ledger, tmp_path):
    """撤销 of an import in the window names its batch: refused while a later import stands, and once undone."""
    communities(ledger, "幸福社区")
    first = xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                        ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9]])
    second = xlsx(tmp_path / "b.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                         ["李强", ID_LI, "幸福社区", "委员", "三岗", 3]])
    mine = import_file(ledger, "workers", first)[1].batch_id
    import_file(ledger, "workers", second)
    with pytest.raises(LedgerError, match="这次导入之后又有.*“b.xlsx”.*请先撤销那次导入"):
        undo_last(ledger, batch_id=mine)
    assert sorted(w["name"] for w in WorkerService(ledger).list()) == ["李强", "王芳"]
    undo_last(ledger)
    assert undo_last(ledger, batch_id=mine).removed == 1
    with pytest.raises(LedgerError, match="这次导入已经撤销过了"):
        undo_last(ledger, batch_id=mine)
