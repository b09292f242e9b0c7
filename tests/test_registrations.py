"""在职党员双报到 and their service records: who may be registered, how a service record finds its member, the limit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.access import CLERK, Actor
from ledger.errors import PermissionDenied, ValidationError
from ledger.idcard import make_id
from ledger.services import LEDGERS
from ledger.services.registrations import registered_by_community
from tests.helpers import refusals
from tests.workbooks import communities

ID_ZHANG = make_id("150206", date(1985, 3, 1), 123)
ID_YOUNG = make_id("150206", date(2008, 6, 1), 7)


@pytest.fixture
def street(ledger):
    communities(ledger, "幸福社区", "和平社区")
    members = LEDGERS["registrations"](ledger)
    members.create({"name": "张华", "id_number": ID_ZHANG, "employer": "区税务局", "community": "幸福社区",
                    "registered_on": "2024-03-01"})
    members.create({"name": "刘洋", "employer": "第一中学", "community": "幸福社区", "registered_on": "2024-05-01"})
    members.create({"name": "刘洋", "employer": "供电公司", "community": "幸福社区", "registered_on": "2024-06-01"})
    return ledger


def test_a_member_registers_once_and_is_of_age(street):
    members = LEDGERS["registrations"](street)
    assert refusals(members, {"name": "张华", "id_number": ID_ZHANG, "employer": "区法院", "community": "和平社区",
                              "registered_on": "2025-01-01"}) == [
        "身份证号：已登记为幸福社区的报到党员“张华”，同一人不能重复报到"]
    assert refusals(members, {"name": "刘洋", "employer": "第一中学", "community": "幸福社区",
                              "registered_on": "2025-01-01"}) == [
        "姓名：本社区已有工作单位为“第一中学”的报到党员“刘洋”；如确为两人，请填写身份证号"]
    assert refusals(members, {"name": "王小明", "id_number": ID_YOUNG, "employer": "第一中学", "community": "幸福社区",
                              "registered_on": "2025-01-01"}) == ["报到日期：早于本人年满18周岁的日期，请核对"]
    assert refusals(members, {"name": "王芳", "employer": "区医院", "community": "幸福社区"}) == ["报到日期：必填，不能为空"]
    moved = members.update(members.list()[0]["id"], {"status": "转出"})
    assert moved["status"] == "已转出"


def test_a_service_record_finds_its_member_by_id_or_by_community(street):
    services = LEDGERS["registration-services"](street)
    by_id = services.create({"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-04-01", "content": "清理楼道"})
    by_place = services.create({"name": "张华", "community": "幸福社区", "served_on": "2024-04-02", "content": "宣传政策",
                                "hours": "1.5"})
    assert by_id["community"] == by_place["community"] == "幸福社区"
    assert (by_place["name"], by_place["id_number"], by_place["hours"]) == ("张华", ID_ZHANG, Decimal("1.50"))
    cases = [
        ({"name": "李四", "id_number": ID_ZHANG}, ["姓名：这个身份证号登记的报到党员是“张华”，与“李四”不符"]),
        ({"name": "张华", "id_number": ID_ZHANG, "community": "和平社区"}, ["报到社区：“张华”报到在幸福社区，不是和平社区"]),
        ({"name": "刘洋", "community": "幸福社区"}, ["身份证号：幸福社区有2名报到党员叫“刘洋”，请填写身份证号以区分"]),
        ({"name": "赵敏", "community": "幸福社区"}, ["姓名：幸福社区没有名为“赵敏”的在职党员报到记录，请先登记报到"]),
        ({"name": "张华"}, ["报到社区：请填写身份证号或报到社区，以确定是哪一名报到党员"]),
        ({"name": "张华", "community": "光明社区"}, ["报到社区：社区“光明社区”不存在，请先在社区台账中新建或导入该社区"]),
    ]
    for who, why in cases:
        assert refusals(services, {**who, "served_on": "2024-05-01", "content": "巡逻"}) == why, who
    assert refusals(services, {"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-02-01", "content": "巡逻"}) == [
        "服务日期：早于该党员的报到日期2024-03-01"]
    assert refusals(services, {"name": "张华", "community": "幸福社区", "served_on": "2024-04-01",
                               "content": "清理楼道"}) == ["服务内容：该党员2024-04-01已有服务记录“清理楼道”"]
    assert refusals(services, {"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-05-01", "content": "巡逻",
                               "hours": "25"}) == ["时长：不能大于24"]


def test_the_members_page_counts_each_ones_service_and_a_member_with_service_stays(street):
    services = LEDGERS["registration-services"](street)
    services.create({"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-04-01", "content": "清理楼道", "hours": "2"})
    services.create({"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-04-08", "content": "清理楼道", "hours": "0.5"})
    members = LEDGERS["registrations"](street)
    zhang = next(r for r in members.list() if r["name"] == "张华")
    assert (zhang["service_count"], zhang["service_hours"]) == (2, Decimal("2.50"))
    assert [s["served_on"] for s in members.get(zhang["id"])["services"]] == [date(2024, 4, 1), date(2024, 4, 8)]
    with pytest.raises(ValidationError, match="在职党员双报到“张华”下还有2条在职党员服务记录"):
        members.delete(zhang["id"])


def test_an_edit_of_a_service_record_keeps_its_member_unless_it_names_another(street):
    services = LEDGERS["registration-services"](street)
    record = services.create({"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-04-01", "content": "清理楼道"})
    changed = services.update(record["id"], {"hours": "3"}, version=record["version"])
    assert (changed["name"], changed["hours"]) == ("张华", Decimal("3.00"))
    LEDGERS["registrations"](street).create({"name": "赵敏", "employer": "燃气公司", "community": "和平社区",
                                             "registered_on": "2024-01-01"})
    moved = services.update(record["id"], {"name": "赵敏", "id_number": "", "community": "和平社区"},
                            version=changed["version"])
    assert (moved["name"], moved["community"]) == ("赵敏", "和平社区")


def test_a_community_clerk_records_service_only_for_its_own_members(street):
    own = {r["name"]: r["id"] for r in LEDGERS["communities"](street).list()}
    LEDGERS["registrations"](street).create({"name": "赵敏", "employer": "燃气公司", "community": "和平社区",
                                             "registered_on": "2024-01-01"})
    LEDGERS["registration-services"](street).create({"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-04-01",
                                                     "content": "清理楼道"})
    clerk = street.as_actor(Actor("和平社区录入员", CLERK, own["和平社区"], "界面"))
    services = LEDGERS["registration-services"](clerk)
    assert services.list() == [] and services.count() == 0
    # found by the number alone, the member is still another community's
    assert refusals(services, {"name": "张华", "id_number": ID_ZHANG, "served_on": "2024-05-01", "content": "巡逻"}) == [
        "报到社区：您的账号只能录入和平社区的记录"]
    mine = services.create({"name": "赵敏", "community": "和平社区", "served_on": "2024-05-01", "content": "巡逻"})
    assert [r["id"] for r in services.list()] == [mine["id"]]
    other = LEDGERS["registration-services"](street).list()[0]
    with pytest.raises(PermissionDenied):
        services.get(other["id"])


def test_registered_members_per_community_on_a_day(street):
    members = LEDGERS["registrations"](street)
    members.create({"name": "王芳", "employer": "区医院", "community": "和平社区", "registered_on": "2025-01-01",
                    "status": "已转出"})
    own = {r["name"]: r["id"] for r in LEDGERS["communities"](street).list()}
    with street.reading() as session:
        # (在册 and registered by the day, registrations by the day)
        assert registered_by_community(session, date(2024, 5, 31)) == {own["幸福社区"]: (2, 2)}
        assert registered_by_community(session, date(2025, 6, 30)) == {own["幸福社区"]: (3, 3), own["和平社区"]: (0, 1)}
