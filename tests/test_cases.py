"""民生诉求 as a workflow: every step allowed or refused by role and by order, the working-day deadline, the
reopening on 不满意, overdue warnings, and each step in the audit trail — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ledger.access import ADMIN, CLERK, FINANCE, LEADER, Actor
from ledger.conflicts import Conflict
from ledger.errors import PermissionDenied, ValidationError
from ledger.models import AuditEntry, Case, CaseStep
from ledger.services.alerts import alerts
from ledger.services.audit_query import AuditFilter, query_audit
from ledger.services.cases import CaseService
from ledger.services.holidays import clear_day, set_day
from tests.helpers import snapshot
from tests.workbooks import communities

# Who tries: the street's administrator and clerk, a clerk limited to 幸福社区, a leader, finance staff.
PEOPLE = {"管理员": (ADMIN, False), "街道录入员": (CLERK, False), "社区录入员": (CLERK, True), "领导": (LEADER, False),
          "财务": (FINANCE, False)}
# The steps of the loop in order, each with what it carries, dated one after the other in March 2026.
STEPS = (("上报", {"on": "2026-03-02"}), ("转办", {"on": "2026-03-03", "handler": "街道城管办", "limit_days": "3"}),
         ("处置", {"on": "2026-03-05", "result": "已清理"}), ("反馈", {"on": "2026-03-05"}),
         ("评价", {"on": "2026-03-06", "rating": "满意"}))
# Who may take each action: 台账录入员 (a limited one for its community) 上报; the street's 转办 … 评价; 领导 督办.
ALLOWED = {"上报": {"管理员", "街道录入员", "社区录入员"}, "转办": {"管理员", "街道录入员"},
           "处置": {"管理员", "街道录入员"}, "反馈": {"管理员", "街道录入员"}, "评价": {"管理员", "街道录入员"},
           "督办": {"管理员", "领导"}}
REGISTRATION = {"source": "居民来访", "community": "幸福社区", "category": "环境卫生", "content": "3号楼楼道堆放杂物",
                "found_on": "2026-03-02", "reporter": "刘芳", "phone": "13912345678"}


@pytest.fixture
def street(ledger):
    ids = communities(ledger, "幸福社区", "和平社区")
    people = {who: ledger.as_actor(Actor(who, role, ids["幸福社区"] if limited else None, "界面"))
              for who, (role, limited) in PEOPLE.items()}
    return ledger, ids, people


def new_case(ledger, **over) -> dict:
    return CaseService(ledger).create({**REGISTRATION, **over})


def at(ledger, steps_taken: int, **over) -> dict:
    """A case registered and taken through the first `steps_taken` steps of the loop."""
    service = CaseService(ledger)
    record = new_case(ledger, **over)
    for kind, raw in STEPS[:steps_taken]:
        record = service.act(record["id"], kind, raw)
    return record


def tables(ledger) -> tuple:
    return snapshot(ledger, Case), snapshot(ledger, CaseStep), snapshot(ledger, AuditEntry)


@pytest.mark.parametrize("kind", ["上报", "转办", "处置", "反馈", "评价", "督办"])
def test_each_step_is_allowed_to_its_people_and_refused_to_the_others_writing_nothing(street, kind):
    ledger, _ids, people = street
    before = {"上报": 0, "转办": 1, "处置": 2, "反馈": 3, "评价": 4, "督办": 2}[kind]
    raw = dict(STEPS)[kind] if kind != "督办" else {"on": "2026-03-06", "note": "请尽快办结"}
    for who, person in people.items():
        record = at(ledger, before)
        service = CaseService(person)
        if who in ALLOWED[kind]:
            after = service.act(record["id"], kind, raw)
            assert after["steps"][-1]["kind"] == kind and after["steps"][-1]["user"] == who
            continue
        unchanged = tables(ledger)
        with pytest.raises(PermissionDenied) as refused:
            service.act(record["id"], kind, raw)
        if kind == "督办":
            assert f"角色是{PEOPLE[who][0]}，没有“督办民生诉求”的权限" in str(refused.value)
        elif who == "社区录入员":
            assert f"{kind}由街道办理：社区账号只能登记和上报本社区的诉求" in str(refused.value)
        else:
            assert f"角色是{PEOPLE[who][0]}" in str(refused.value)
        assert tables(ledger) == unchanged, who


def test_registering_is_for_clerks_and_a_limited_one_registers_in_its_community_only(street):
    ledger, ids, people = street
    own = new_case(people["社区录入员"])
    assert own["community"] == "幸福社区" and own["status"] == "待上报" and own["steps"][0]["kind"] == "登记"
    with pytest.raises(ValidationError, match="只能录入幸福社区的记录"):
        new_case(people["社区录入员"], community="和平社区")
    for who in ("领导", "财务"):
        with pytest.raises(PermissionDenied, match="修改台账"):
            new_case(people[who])


def test_a_limited_clerk_can_neither_see_nor_touch_another_communitys_case(street):
    ledger, _ids, people = street
    other = new_case(ledger, community="和平社区")
    clerk = CaseService(people["社区录入员"])
    unchanged = tables(ledger)
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        clerk.get(other["id"])
    with pytest.raises(PermissionDenied, match="只能查看和修改幸福社区的记录"):
        clerk.act(other["id"], "上报", {"on": "2026-03-02"})
    assert [r["id"] for r in clerk.list()] == []
    assert tables(ledger) == unchanged


def test_steps_out_of_order_are_refused_naming_what_comes_next_and_write_nothing(street):
    ledger, _ids, _people = street
    service = CaseService(ledger)
    expected = {
        0: {"转办": "须先上报才能转办", "处置": "须先上报才能处置", "反馈": "须先上报才能反馈", "评价": "须先上报才能评价"},
        2: {"上报": "这件诉求已经上报", "转办": "这件诉求已经转办", "反馈": "须先处置才能反馈", "评价": "须先处置才能评价"},
        4: {"处置": "这件诉求已经处置", "反馈": "这件诉求已经反馈", "上报": "这件诉求已经上报"},
        5: {kind: "这件诉求已经结案（已结案），不能再" + kind for kind in ("上报", "转办", "处置", "反馈", "评价", "督办")},
    }
    for taken, refusals in expected.items():
        record = at(ledger, taken)
        for kind, message in refusals.items():
            raw = dict(STEPS).get(kind, {"on": "2026-03-06"})
            unchanged = tables(ledger)
            with pytest.raises(ValidationError, match=message):
                service.act(record["id"], kind, raw)
            assert tables(ledger) == unchanged, (taken, kind)


def test_a_step_dated_before_the_one_before_it_or_lacking_what_it_carries_is_refused(street):
    ledger, _ids, _people = street
    service = CaseService(ledger)
    record = at(ledger, 1)
    cases = (
        ({"on": "2026-03-01", "handler": "街道城管办"}, "转办日期：早于上报日期（2026-03-02）"),
        ({"on": "2026-03-03"}, "承办单位：转办时必须填写承办单位"),
        ({"on": "2026-03-03", "handler": "街道城管办", "limit_days": "0"}, "办理时限：不能小于1"),
        ({"on": "2099-03-03", "handler": "街道城管办"}, "转办日期：“2099-03-03”是将来的日期"),
    )
    for raw, message in cases:
        with pytest.raises(ValidationError, match=message):
            service.act(record["id"], "转办", raw)
    record = service.act(record["id"], "转办", {"on": "2026-03-03", "handler": "街道城管办"})
    with pytest.raises(ValidationError, match="办结日期：早于转办日期（2026-03-03）"):
        service.act(record["id"], "处置", {"on": "2026-03-02", "result": "已清理"})
    with pytest.raises(ValidationError, match="处置结果：处置时必须填写处置结果"):
        service.act(record["id"], "处置", {"on": "2026-03-04"})


def test_the_deadline_counts_working_days_over_weekends_holidays_and_weekend_days_worked(street):
    ledger, _ids, _people = street
    service = CaseService(ledger)

    def due(day: str, days: str | None = None, category: str = "环境卫生") -> date:
        record = service.act(new_case(ledger, found_on=day, category=category)["id"], "上报", {"on": day})
        raw = {"on": day, "handler": "街道城管办", **({"limit_days": days} if days else {})}
        return service.act(record["id"], "转办", raw)["due_on"]

    # a Friday: one working day ends on Monday
    assert due("2026-03-06", "1") == date(2026, 3, 9)
    # Thursday 30 April: 1–5 May are off, Saturday 9 May is worked (调休)
    assert due("2026-04-30", "1") == date(2026, 5, 6)
    assert due("2026-04-30", "4") == date(2026, 5, 9)
    # before 国庆: 1–7 October off, Saturday 10 October worked
    assert due("2026-09-30", "1") == date(2026, 10, 8)
    assert due("2026-09-30", "3") == date(2026, 10, 10)
    # Friday 13 February: Saturday 14 February is worked, then 春节 15–23 February
    assert due("2026-02-13", "1") == date(2026, 2, 14)
    assert due("2026-02-13", "3") == date(2026, 2, 25)
    # no 时限 given: the 类别's default (安全隐患 1, 矛盾纠纷 10 working days)
    assert due("2026-03-06", category="安全隐患") == date(2026, 3, 9)
    assert due("2026-03-06", category="矛盾纠纷") == date(2026, 3, 20)


def test_the_office_edits_the_calendar_and_the_default_limits_and_later_deadlines_follow(street):
    ledger, _ids, people = street
    from ledger.services.street import put_setting
    service = CaseService(ledger)
    with pytest.raises(PermissionDenied, match="修改系统设置"):
        set_day(people["街道录入员"], "2026-03-09", "放假", "本地节日")
    set_day(ledger, "2026-03-09", "放假", "本地节日")
    put_setting(ledger, "case_limit_sanitation", 2)
    record = at(ledger, 1)
    assert service.act(record["id"], "转办", {"on": "2026-03-06", "handler": "街道城管办"})["due_on"] == date(2026, 3, 11)
    assert clear_day(ledger, "2026-03-09")
    changes = [e for e in query_audit(ledger, AuditFilter(ledger="节假日安排"))]
    assert [e.action for e in changes] == ["删除", "新增"]


def test_a_first_unsatisfied_rating_reopens_the_case_a_second_closes_it(street):
    ledger, _ids, _people = street
    service = CaseService(ledger)
    record = at(ledger, 4)
    record = service.act(record["id"], "评价", {"on": "2026-03-06", "rating": "不满意"})
    # back to 处置, with the 转办's 3 working days counted again from the day of 不满意 (Friday 6 March)
    assert (record["status"], record["reopened_on"], record["due_on"]) == ("办理中", date(2026, 3, 6), date(2026, 3, 11))
    assert record["resolved_on"] is None and record["rating"] is None
    assert [a.kind for a in record["actions"] if a.allowed] == ["处置", "督办"]
    with pytest.raises(ValidationError, match="办结日期：早于重新办理日期（2026-03-06）"):
        service.act(record["id"], "处置", {"on": "2026-03-05", "result": "再次清理"})
    for kind, raw in (("处置", {"on": "2026-03-09", "result": "再次清理，加装监控"}), ("反馈", {"on": "2026-03-09"})):
        record = service.act(record["id"], kind, raw)
    closed = service.act(record["id"], "评价", {"on": "2026-03-10", "rating": "不满意"})
    assert (closed["status"], closed["rating"], closed["resolved_on"]) == ("不满意结案", "不满意", date(2026, 3, 9))
    assert [s["kind"] for s in closed["steps"]] == ["登记", "上报", "转办", "处置", "反馈", "评价", "处置", "反馈", "评价"]
    with pytest.raises(ValidationError, match="已经结案（不满意结案）"):
        service.act(closed["id"], "处置", {"on": "2026-03-10", "result": "又一次"})
    # satisfied after the reopening: closed as 已结案
    again = at(ledger, 4)
    for kind, raw in (("评价", {"on": "2026-03-06", "rating": "不满意"}), ("处置", {"on": "2026-03-09", "result": "再次清理"}),
                      ("反馈", {"on": "2026-03-09"}), ("评价", {"on": "2026-03-09", "rating": "基本满意"})):
        again = service.act(again["id"], kind, raw)
    assert (again["status"], again["rating"]) == ("已结案", "基本满意")


def test_each_step_is_one_audit_entry_saying_who_what_and_when(street):
    ledger, _ids, people = street
    clerk = CaseService(people["街道录入员"])
    record = at(ledger, 1)
    clerk.act(record["id"], "转办", {"on": "2026-03-03", "handler": "街道城管办", "note": "请上门核实"})
    CaseService(people["领导"]).act(record["id"], "督办", {"on": "2026-03-04", "note": "周五前办结"})
    rows = query_audit(ledger, AuditFilter(ledger="民生诉求"))
    by_action = {r.action: r for r in rows}
    assert set(by_action) == {"新增", "上报", "转办", "督办"}
    assign = by_action["转办"]
    assert assign.user == "街道录入员" and assign.label == f"幸福社区 {record['number']}"
    text = assign.summary()
    for part in ("转办日期：2026-03-03", "承办单位：街道城管办", "办理时限：3", "办理期限：2026-03-06",
                 "状态 待转办 → 办理中", "说明：请上门核实"):
        assert part in text
    assert by_action["督办"].user == "领导" and "督办日期：2026-03-04" in by_action["督办"].summary()


def test_a_step_on_a_case_changed_since_it_was_read_is_refused_naming_who(street):
    ledger, _ids, people = street
    record = at(ledger, 1)
    CaseService(people["领导"]).act(record["id"], "督办", {"on": "2026-03-02"})
    with pytest.raises(Conflict, match="领导"):
        CaseService(ledger).act(record["id"], "转办", {"on": "2026-03-03", "handler": "街道城管办"},
                                version=record["version"])


def test_numbers_are_generated_per_year_and_a_repeated_one_is_refused(street):
    ledger, _ids, _people = street
    assert [new_case(ledger, found_on=d)["number"] for d in ("2026-03-02", "2026-03-03", "2025-12-30")] == \
        ["2026-00001", "2026-00002", "2025-00001"]
    assert new_case(ledger, number="12345-0001")["number"] == "12345-0001"
    with pytest.raises(ValidationError, match="编号：“12345-0001”已被另一件诉求使用"):
        new_case(ledger, number="12345-0001")


def test_only_a_case_not_yet_reported_may_be_deleted(street):
    ledger, _ids, _people = street
    service = CaseService(ledger)
    fresh, reported = new_case(ledger), at(ledger, 1)
    service.delete(fresh["id"])
    with pytest.raises(ValidationError, match="已经上报（现在是“待转办”），办理记录须保留，不能删除"):
        service.delete(reported["id"])
    with ledger.reading() as session:
        assert session.scalars(select(CaseStep.case_id).distinct()).all() == [reported["id"]]


def test_overdue_cases_are_warnings_on_the_home_page_for_those_who_see_them(street):
    ledger, _ids, people = street
    late = at(ledger, 2)                                   # due 2026-03-06, never handled
    other = at(ledger, 2, community="和平社区")
    in_time = at(ledger, 3)
    found = [a for a in alerts(ledger, today=date(2026, 3, 10)) if a.ledger == "cases"]
    assert sorted(a.record_id for a in found) == [late["id"], other["id"]]
    first = next(a for a in found if a.record_id == late["id"])
    assert first.severity == "逾期" and "已超过办理期限2026年03月06日2个工作日，尚未办结" in first.text
    assert first.label == f"幸福社区 {late['number']}"
    assert in_time["id"] not in [a.record_id for a in found]
    assert not [a for a in alerts(ledger, today=date(2026, 3, 6)) if a.ledger == "cases"]
    mine = [a.record_id for a in alerts(people["社区录入员"], today=date(2026, 3, 10)) if a.ledger == "cases"]
    assert mine == [late["id"]]


def test_a_leader_reads_every_case_with_the_phone_masked_and_may_only_supervise(street):
    ledger, _ids, people = street
    record = at(ledger, 2)
    seen = CaseService(people["领导"]).get(record["id"])
    assert seen["phone"] == "139****5678"
    assert [a.kind for a in seen["actions"] if a.allowed] == ["督办"]
    refused = {a.kind: a.refused for a in seen["actions"]}
    assert refused["处置"] == "领导不能处置（由街道的台账录入员或管理员办理，领导可以督办）"
    mine = CaseService(people["社区录入员"]).get(record["id"])
    assert {a.kind: a.refused for a in mine["actions"]}["处置"] == "处置由街道办理：社区账号只能登记和上报本社区的诉求"
