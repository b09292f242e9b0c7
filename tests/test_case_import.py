"""Importing 民生诉求 with their history: each row's steps checked in the loop's order, a closed case arriving
closed, bad rows named by row and column with nothing written, and an import undone with its steps."""
from __future__ import annotations

from datetime import date

import pytest

from ledger.access import CLERK, Actor
from ledger.errors import ValidationError
from ledger.importing import import_file, undo_last
from ledger.models import Case, CaseStep
from ledger.services.audit_query import AuditFilter, query_audit
from ledger.services.cases import CaseService
from tests.helpers import count, snapshot
from tests.workbooks import communities, xlsx

HEADER = ("编号", "来源", "所属社区", "类别", "内容", "发现日期", "上报日期", "转办日期", "承办单位", "办理时限", "办结日期",
          "处置结果", "反馈日期", "评价", "评价日期", "重新办理日期", "督办日期")


def row(**cells) -> tuple:
    base = {"来源": "电话", "所属社区": "幸福社区", "类别": "环境卫生", "内容": "楼道堆物", "发现日期": "2026-03-02"}
    base.update(cells)
    return tuple(base.get(h) for h in HEADER)


@pytest.fixture
def street(ledger):
    return ledger, communities(ledger, "幸福社区", "和平社区")


def test_cases_come_in_with_the_steps_they_have_taken(street, tmp_path):
    ledger, _ids = street
    path = xlsx(tmp_path / "诉求.xlsx", [
        ("幸福街道民生诉求台账",), ("填报单位：幸福街道", None, None, None, "填报日期：2026年4月"), HEADER,
        # closed: every step of the loop, 评价 满意
        row(编号="2026-00101", 上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办", 办理时限=3,
            办结日期="2026-03-05", 处置结果="已清理", 反馈日期="2026.3.6", 评价="满意", 评价日期="2026年3月6日"),
        # assigned without a 时限: the 类别's default (矛盾纠纷 10 working days), still in hand
        row(类别="矛盾纠纷", 上报日期="2026-03-02", 转办日期="2026-03-02", 承办单位="街道司法所"),
        # registered only
        row(来源="微信"),
        # sent back once on 03-09 (its first round's dates not in the row), handled again, 不满意 again
        row(上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办", 办理时限=3, 重新办理日期="2026-03-09",
            办结日期="2026-03-11", 处置结果="再次清理", 反馈日期="2026-03-11", 评价="不满意", 评价日期="2026-03-12"),
        # a first 不满意 in the row: the case goes back to 处置
        row(上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办", 办理时限=3, 办结日期="2026-03-04",
            处置结果="已清理", 反馈日期="2026-03-04", 评价="不满意", 评价日期="2026-03-05", 督办日期="2026-03-04"),
    ])
    plan, outcome = import_file(ledger, "cases", path)
    assert outcome.created == 5
    assert [str(w) for w in plan.all_warnings()] == ["第8行 评价：第一次评价不满意：诉求退回重新处置（再次不满意时以不满意结案）"]
    records = {r["number"]: r for r in CaseService(ledger).list()}
    # numbers are given after the highest of the year already used (the file's own 2026-00101 included)
    assert set(records) == {"2026-00101", "2026-00102", "2026-00103", "2026-00104", "2026-00105"}
    closed, assigned, registered, unsatisfied, reopened = (records[f"2026-00{n}"] for n in range(101, 106))
    assert (closed["status"], closed["due_on"], closed["rated_on"]) == ("已结案", date(2026, 3, 6), date(2026, 3, 6))
    assert (assigned["status"], assigned["limit_days"], assigned["due_on"]) == ("办理中", 10, date(2026, 3, 16))
    assert registered["status"] == "待上报"
    # 3 working days from the reopening (Monday 9 March)
    assert (unsatisfied["status"], unsatisfied["due_on"]) == ("不满意结案", date(2026, 3, 12))
    assert (reopened["status"], reopened["reopened_on"], reopened["resolved_on"], reopened["due_on"]) == \
        ("办理中", date(2026, 3, 5), None, date(2026, 3, 10))
    service = CaseService(ledger)
    steps = [(s["kind"], s["on"]) for s in service.get(closed["id"])["steps"]]
    assert steps == [("登记", date(2026, 3, 2)), ("上报", date(2026, 3, 2)), ("转办", date(2026, 3, 3)),
                     ("处置", date(2026, 3, 5)), ("反馈", date(2026, 3, 6)), ("评价", date(2026, 3, 6))]
    assert {s["source"] for s in service.get(closed["id"])["steps"]} == {"导入"}
    timeline = service.get(unsatisfied["id"])["steps"]
    assert [(s["kind"], s["rating"]) for s in timeline][3:] == [("评价", "不满意"), ("处置", None), ("反馈", None),
                                                                 ("评价", "不满意")]
    assert "首次处置和反馈的日期未导入" in timeline[3]["note"]
    # by day, the 督办 among them
    assert [s["kind"] for s in service.get(reopened["id"])["steps"]] == ["登记", "上报", "转办", "处置", "反馈", "督办",
                                                                          "评价"]
    entries = query_audit(ledger, AuditFilter(ledger="民生诉求", action="新增"))
    assert len(entries) == 5 and all("诉求.xlsx 第" in e.summary() for e in entries)


def test_rows_out_of_order_are_refused_by_row_and_column_and_nothing_is_written(street, tmp_path):
    ledger, _ids = street
    path = xlsx(tmp_path / "乱序.xlsx", [
        HEADER,
        row(上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办"),                      # fine
        row(上报日期="2026-03-02", 转办日期="2026-03-05", 承办单位="街道城管办", 办结日期="2026-03-04",
            处置结果="已清理"),                                                                      # row 3
        row(上报日期="2026-03-02", 办结日期="2026-03-04", 处置结果="已清理"),                          # row 4
        row(承办单位="街道城管办"),                                                                  # row 5
        row(上报日期="2026-03-01"),                                                                  # row 6
        row(上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办", 评价="满意"),         # row 7
    ])
    with pytest.raises(ValidationError) as refused:
        import_file(ledger, "cases", path)
    assert [str(p) for p in refused.value.problems] == [
        "第3行 办结日期：早于转办日期（2026-03-05）",
        "第4行 办结日期：须先转办才能处置（现在是“待转办”）",
        "第5行 转办日期：填写了承办单位，也须填写转办日期",
        "第6行 上报日期：早于发现日期（2026-03-02）",
        "第7行 评价日期：填写了评价，也须填写评价日期",
    ]
    assert count(ledger, Case) == 0 and count(ledger, CaseStep) == 0


def test_an_import_brings_a_stored_case_further_but_never_rewrites_its_history(street, tmp_path):
    ledger, _ids = street
    service = CaseService(ledger)
    case = service.create({"number": "2026-00500", "source": "电话", "community": "幸福社区", "category": "环境卫生",
                           "content": "楼道堆物", "found_on": "2026-03-02"})
    for kind, raw in (("上报", {"on": "2026-03-02"}), ("转办", {"on": "2026-03-03", "handler": "街道城管办"})):
        service.act(case["id"], kind, raw)
    further = xlsx(tmp_path / "进展.xlsx", [HEADER, row(
        编号="2026-00500", 上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办", 办理时限=3,
        办结日期="2026-03-05", 处置结果="已清理", 反馈日期="2026-03-06")])
    plan, outcome = import_file(ledger, "cases", further)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert [c.label for c in plan.rows[0].changes] == ["办结日期", "处置结果", "反馈日期"]
    record = service.get(case["id"])
    assert record["status"] == "待评价"
    assert [(s["kind"], s["source"]) for s in record["steps"]][-2:] == [("处置", "导入"), ("反馈", "导入")]
    before = snapshot(ledger, Case), snapshot(ledger, CaseStep)
    rewrite = xlsx(tmp_path / "改写.xlsx", [HEADER, row(
        编号="2026-00500", 上报日期="2026-03-02", 转办日期="2026-03-04", 承办单位="街道城管办", 办理时限=3,
        办结日期="2026-03-05", 处置结果="已清理", 反馈日期="2026-03-06")])
    with pytest.raises(ValidationError, match="第2行 转办日期：已记录为“2026-03-03”，不能通过导入修改或清除"):
        import_file(ledger, "cases", rewrite)
    assert (snapshot(ledger, Case), snapshot(ledger, CaseStep)) == before
    # undone: the steps the import added go, and the case is as it was
    undo_last(ledger)
    record = service.get(case["id"])
    assert record["status"] == "办理中" and [s["kind"] for s in record["steps"]] == ["登记", "上报", "转办"]


def test_a_community_clerk_imports_registrations_and_escalations_but_no_street_step(street, tmp_path):
    ledger, ids = street
    clerk = ledger.as_actor(Actor("幸福录入员", CLERK, ids["幸福社区"], "界面"))
    path = xlsx(tmp_path / "社区.xlsx", [HEADER, row(上报日期="2026-03-02"),
                                        row(上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办")])
    with pytest.raises(ValidationError) as refused:
        import_file(clerk, "cases", path)
    assert [str(p) for p in refused.value.problems] == ["第3行 转办日期：转办由街道办理：社区账号只能登记和上报本社区的诉求"]
    _plan, outcome = import_file(clerk, "cases", xlsx(tmp_path / "社区2.xlsx", [HEADER, row(上报日期="2026-03-02")]))
    assert outcome.created == 1 and CaseService(clerk).list()[0]["status"] == "待转办"


def test_undoing_an_import_of_new_cases_removes_them_with_their_steps(street, tmp_path):
    ledger, _ids = street
    path = xlsx(tmp_path / "诉求.xlsx", [HEADER, row(上报日期="2026-03-02", 转办日期="2026-03-03", 承办单位="街道城管办"),
                                         row()])
    import_file(ledger, "cases", path)
    assert count(ledger, CaseStep) == 4
    undo_last(ledger)
    assert count(ledger, Case) == 0 and count(ledger, CaseStep) == 0
