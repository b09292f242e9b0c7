"""The audit trail in words for people: labels, coded values by their names, records by name, sentences."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from ledger import audit, catalog
from ledger.audit import _SECRET
from ledger.models import Base, Worker
from ledger.pay.standards import PayStandards
from ledger.services import CommunityService, GridService, WorkerService
from ledger.services.audit_query import AuditFilter, query_audit, record_history
from ledger.services.audit_words import field_label
from tests.helpers import worker

ASCII_WORD = re.compile(r"[A-Za-z_]{2,}")


def test_every_column_the_trail_records_has_a_chinese_label():
    for table, info in catalog.tables().items():
        if info.name is None:
            continue
        for column in Base.metadata.tables[table].columns:
            if column.key in _SECRET or column.key == "id":
                continue
            label = field_label(table, column.key)
            assert not ASCII_WORD.search(label), f"{info.name}.{column.key} is shown as “{label}”"


def _street(ledger):
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
        GridService(ledger).create({"community": name, "code": "01", "name": "第1网格", "households": 450,
                                    "buildings": 14})
    return {g["community"]: g for g in GridService(ledger).list()}


def test_a_grid_edit_reads_as_a_sentence_naming_the_grid_with_its_community(ledger):
    grids = _street(ledger)
    GridService(ledger).update(grids["和平社区"]["id"], {"buildings": "12", "households": "460"})
    row = query_audit(ledger, AuditFilter(ledger="网格", action="修改"))[0]
    assert row.label == "和平社区 第1网格"
    assert row.summary() == "楼栋数 14 → 12；户数 450 → 460"


def test_a_deleted_record_keeps_its_name_and_community(ledger):
    grids = _street(ledger)
    GridService(ledger).delete(grids["幸福社区"]["id"])
    row = query_audit(ledger, AuditFilter(ledger="网格", action="删除"))[0]
    assert row.label == "幸福社区 第1网格" and "网格名称：第1网格" in row.summary()
    assert "所属社区：幸福社区" in row.summary()


def test_a_workers_history_shows_posts_flags_money_and_the_credited_bonus_by_name(ledger):
    _street(ledger)
    created = WorkerService(ledger).create(worker("幸福社区", post="三岗", level="5"))
    WorkerService(ledger).update(created["id"], {"post": "二岗", "level": "6", "contribution_base": "5000"})
    with ledger.unit("ledger.write") as session:      # as the year's grading does, through the ORM
        session.get(Worker, created["id"]).credited_bonus = 1
    history = record_history(ledger, "社区工作者", created["id"])
    assert history[0].label == "张华（幸福社区）"
    added = {c.field: c.new for c in history[0].changes}
    assert added["岗位"] == "三岗" and added["一肩挑"] is False and added["所属社区"] == "幸福社区"
    assert "一肩挑：否" in history[0].summary()
    assert "岗位 三岗 → 二岗；等级 5 → 6；缴费基数：5,000.00" in history[1].summary()
    assert history[2].summary() == "已计入的学历/资格加级 0 → 1"
    moves = query_audit(ledger, AuditFilter(ledger="岗位变动"))
    assert moves[0].label == "张华（幸福社区）" and "原岗位：三岗；新岗位：二岗" in moves[0].summary()
    assert "社区工作者：" not in moves[0].summary()             # the record column names the worker already


def test_a_pay_standard_change_reads_item_by_item_never_as_a_dict(ledger):
    standards = PayStandards(ledger)
    base = standards.in_force(date(2026, 1, 1))
    july = replace(base, effective_from=date(2026, 7, 1), basic_performance=Decimal("220"),
                   matrix={k: v + 100 if k[0] == 1 else v for k, v in base.matrix.items()})
    standards.save(july)
    standards.save(replace(july, employee_rates={**july.employee_rates, "养老": Decimal("0.09")}))
    new, changed = query_audit(ledger, AuditFilter(ledger="工资标准"))[1::-1]
    assert new.label == "示例标准（自2026-07-01起）"
    assert new.summary() == "示例标准（自2026-07-01起）：岗位等级工资 一岗7–18级：每级+100.00元；基础绩效 200.00 → 220.00"
    assert changed.summary() == "示例标准（自2026-07-01起）：个人养老缴费比例 8% → 9%"
    for row in query_audit(ledger):
        assert "{'" not in row.summary() and "spec" not in row.summary()


def test_entries_without_an_account_are_the_administrators_and_old_words_are_translated(ledger):
    audit.note(ledger, "安装模板", "模板", None, "季度统计汇总.xlsx", [{"field": "file", "old": None, "new": "D:/a.xlsx"}])
    with ledger.unit("ledger.write") as session:     # what an earlier version recorded for a demo load
        audit.record(session, "加载演示数据", None, None, "district", [{"field": "社区", "old": None, "new": 80}])
    template, demo = query_audit(ledger, AuditFilter(action="安装模板"))[0], query_audit(
        ledger, AuditFilter(action="加载演示数据"))[0]
    assert template.user == "管理员" and template.summary() == "文件：D:/a.xlsx"
    assert demo.label == "一个区（80个社区，约1,500名社区工作者）"
    assert [r.id for r in query_audit(ledger, AuditFilter(user="管理员"))] == [r.id for r in query_audit(ledger)]
