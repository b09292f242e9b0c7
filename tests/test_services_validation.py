"""Every refusal names the field in Chinese and writes nothing — on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import date

import pytest

from ledger.errors import NotFound, ValidationError
from ledger.idcard import make_id
from ledger.models import AuditEntry, Community, FundEntry, Grid, LevelChange, PartyOrg, Venue, Worker
from ledger.services import (CommunityService, FundService, GridService, PartyOrgService, VenueService,
                             WorkerService)
from tests.helpers import count, snapshot, worker


@pytest.fixture
def community(ledger):
    return CommunityService(ledger).create({"name": "幸福社区", "households": "2400"})


def refused(call, *args) -> str:
    with pytest.raises(ValidationError) as info:
        call(*args)
    return str(info.value)


def test_id_check_digit_refused_and_nothing_written(ledger, community):
    before = snapshot(ledger, Worker), count(ledger, AuditEntry)
    message = refused(WorkerService(ledger).create, worker(id_number="150203198506152310"))
    assert message == "身份证号：校验位不正确，请核对号码"
    assert (snapshot(ledger, Worker), count(ledger, AuditEntry)) == before


def test_sex_and_birth_date_derived_from_id(ledger, community):
    record = WorkerService(ledger).create(worker(id_number=make_id("150203", date(1990, 2, 3), 124)))
    assert record["sex"] == "女" and record["birth_date"] == date(1990, 2, 3)


def test_unknown_community_refused(ledger, community):
    message = refused(WorkerService(ledger).create, worker(community="光明社区"))
    assert "所属社区" in message and "光明社区" in message and "不存在" in message
    assert count(ledger, Worker) == 0


def test_level_outside_post_range_refused(ledger, community):
    message = refused(WorkerService(ledger).create, worker(post="一岗", title="书记", level="5"))
    assert message == "等级：一岗（社区正职）的等级范围是7–18级，不能是5级"
    assert count(ledger, Worker) == 0


def test_post_by_title_alias(ledger, community):
    record = WorkerService(ledger).create(worker(post="社区副职", title="副主任", level="4"))
    assert record["post"] == "二岗" and record["post_code"] == 2


def test_duplicate_id_refused(ledger, community):
    WorkerService(ledger).create(worker())
    message = refused(WorkerService(ledger).create, worker(name="李明"))
    assert "身份证号" in message and "张华" in message
    assert count(ledger, Worker) == 1


def test_failed_edit_leaves_record_unchanged(ledger, community):
    service = WorkerService(ledger)
    record = service.create(worker())
    before = snapshot(ledger, Worker), count(ledger, LevelChange)
    message = refused(service.update, record["id"], {"level": "13", "phone": "13800000000"})
    assert message.startswith("等级：")
    assert (snapshot(ledger, Worker), count(ledger, LevelChange)) == before


def test_level_edit_is_recorded_in_history(ledger, community):
    service = WorkerService(ledger)
    record = service.create(worker())
    updated = service.update(record["id"], {"level": 6})
    assert [(c["old_level"], c["new_level"]) for c in updated["level_changes"]] == [(5, 6)]


def test_required_field_empty(ledger, community):
    message = refused(WorkerService(ledger).create, worker(name="  "))
    assert message == "姓名：必填，不能为空"


def test_duplicate_grid_code_within_community(ledger, community):
    service = GridService(ledger)
    service.create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 450})
    message = refused(service.create, {"community": "幸福社区", "code": "01", "name": "另一网格", "households": 420})
    assert message == "网格编号：“01”在本社区已存在"
    assert count(ledger, Grid) == 1
    CommunityService(ledger).create({"name": "和平社区"})
    service.create({"community": "和平社区", "code": "01", "name": "第一网格", "households": 450})
    assert count(ledger, Grid) == 2


@pytest.mark.parametrize("field, label", [("households", "户数"), ("population", "常住人口")])
def test_negative_counts_refused(ledger, community, field, label):
    raw = {"community": "幸福社区", "code": "02", "name": "第二网格", "households": 450, field: "-5"}
    assert refused(GridService(ledger).create, raw) == f"{label}：不能为负数"
    assert count(ledger, Grid) == 0


def test_negative_area_refused(ledger, community):
    message = refused(VenueService(ledger).create, {"name": "党群服务中心", "community": "幸福社区", "floor_area": "-30"})
    assert message == "建筑面积：不能为负数"
    assert count(ledger, Venue) == 0


def test_party_org_cycle_refused(ledger, community):
    service = PartyOrgService(ledger)
    top = service.create({"name": "测试街道党工委", "category": "党工委"})
    mid = service.create({"name": "幸福社区党委", "category": "党委", "parent": "测试街道党工委", "community": "幸福社区"})
    service.create({"name": "第一网格党支部", "category": "网格党支部", "parent": "幸福社区党委", "community": "幸福社区"})
    before = snapshot(ledger, PartyOrg)
    assert refused(service.update, top["id"], {"parent": "第一网格党支部"}).startswith("上级组织：")
    assert refused(service.update, mid["id"], {"parent": "幸福社区党委"}).startswith("上级组织：")
    assert snapshot(ledger, PartyOrg) == before


def test_party_org_members_must_add_up(ledger, community):
    message = refused(PartyOrgService(ledger).create, {"name": "某支部", "category": "党支部", "members_total": 10,
                                                       "members_full": 9, "members_probation": 3})
    assert message.startswith("党员总数：") and count(ledger, PartyOrg) == 0


def test_party_org_default_terms(ledger, community):
    service = PartyOrgService(ledger)
    service.create({"name": "测试街道党工委", "category": "党工委"})
    community_org = service.create({"name": "幸福社区党总支", "category": "党总支", "parent": "测试街道党工委",
                                    "community": "幸福社区", "term_start": "2024-03-01"})
    branch = service.create({"name": "第一网格党支部", "category": "网格党支部", "parent": "幸福社区党总支",
                             "community": "幸福社区", "term_start": "2024-03-01"})
    assert community_org["term_years"] == 5 and community_org["term_end"] == date(2029, 3, 1)
    assert branch["term_years"] == 3 and branch["term_end"] == date(2027, 3, 1)


def test_fund_amount_must_be_positive_and_voucher_unique(ledger, community):
    service = FundService(ledger)
    raw = {"entry_date": "2026-03-01", "community": "幸福社区", "category": "社区工作经费", "direction": "拨入",
           "amount": "0", "voucher_no": "P-001"}
    assert refused(service.create, raw) == "金额：不能小于0.01"
    service.create({**raw, "amount": "1,000.00"})
    assert refused(service.create, {**raw, "amount": "5"}) == "凭证号：“P-001”已被另一条经费记录使用"
    assert count(ledger, FundEntry) == 1


def test_fund_amount_more_than_two_decimals(ledger, community):
    raw = {"entry_date": "2026-03-01", "community": "幸福社区", "category": "其他", "direction": "支出",
           "amount": "10.005"}
    assert refused(FundService(ledger).create, raw) == "金额：“10.005”最多2位小数"


def test_several_problems_reported_together(ledger, community):
    with pytest.raises(ValidationError) as info:
        WorkerService(ledger).create(worker(id_number="123", level="abc", title="局长"))
    fields = [p.field for p in info.value.problems]
    assert fields == ["身份证号", "职务", "等级"]


def test_community_in_use_cannot_be_deleted(ledger, community):
    GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 450})
    message = refused(CommunityService(ledger).delete, community["id"])
    assert "1条网格" in message
    assert count(ledger, Community) == 1


def test_deleted_record_is_gone(ledger, community):
    service = WorkerService(ledger)
    record = service.create(worker())
    service.delete(record["id"])
    with pytest.raises(NotFound, match="不存在"):
        service.get(record["id"])


def test_venue_rooms_and_standard(ledger, community):
    record = VenueService(ledger).create({"name": "幸福社区党群服务中心", "community": "幸福社区", "tier": "社区级",
                                          "kind": "党群服务中心", "floor_area": "600", "households_served": "2400",
                                          "rooms": "会议室(60)、活动室(80.5)"})
    # 600 m² × 100 / 2,400 households = 25.00 m² per 100 households: below 30, so not up to standard.
    assert record["per_100"] == pytest.approx(25) and record["meets_standard"] is False
    assert [name for name, _ in record["rooms"]] == ["会议室", "活动室"]
    message = refused(VenueService(ledger).update, record["id"], {"rooms": "大厅(700)"})
    assert message.startswith("功能室：")


def test_every_change_is_audited_with_old_and_new(ledger, community):
    from sqlalchemy import select
    service = WorkerService(ledger)
    record = service.create(worker())
    service.update(record["id"], {"phone": "13800000001"})
    with ledger.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.ledger == "社区工作者", AuditEntry.action == "修改")).one()
    assert entry.record_id == record["id"] and entry.source == "界面"
    assert entry.changes == [{"field": "phone", "old": None, "new": "13800000001"}]
