"""Pay runs against the database (SQLite and PostgreSQL): who is paid, order of months, locking, openings, bonus."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ledger.access import Actor
from ledger.errors import LedgerError, PermissionDenied, ValidationError
from ledger.models import LevelChange, PayLine, Worker
from ledger.pay.grading_service import GradingService
from ledger.pay.runs import Opening, Payroll, PayrollError
from ledger.pay.standards import PayStandards, matrix_rows, parse_matrix
from ledger.paystandard import default_standard
from ledger.services.communities import CommunityService
from ledger.services.workers import WorkerService
from tests.helpers import snapshot, worker
from ledger.idcard import make_id


@pytest.fixture
def staff(ledger):
    """Two communities and four workers: a 一岗18 一肩挑 高级社工师, a 三岗, one who left, one hired in July."""
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    ws = WorkerService(ledger)
    ids = {}
    ids["chief"] = ws.create(worker(name="王书记", id_number=make_id("150203", date(1975, 1, 2), 11), title="书记",
                                    post="一岗", level="18", dual_role="是", qualification="高级社会工作师",
                                    started_on="2003.05"))["id"]
    ids["clerk"] = ws.create(worker(community="和平社区", name="李网格", id_number=make_id("150203", date(1990, 2, 3), 12),
                                    title="专职网格员", post="三岗", level="5", qualification="助理社会工作师",
                                    started_on="2018.01"))["id"]
    ids["left"] = ws.create(worker(name="赵离职", id_number=make_id("150203", date(1988, 3, 4), 13), status="离职"))["id"]
    ids["july"] = ws.create(worker(name="钱七月", id_number=make_id("150203", date(1995, 4, 5), 14), level="1",
                                   started_on="2026-07-31"))["id"]
    return ids


def _line(ledger, month, worker_id):
    return next(line for line in Payroll(ledger).lines(month) if line.worker_id == worker_id)


def test_who_is_paid_in_a_month(ledger, staff):
    pay = Payroll(ledger)
    summary = pay.run("2026-06")
    paid = {line.worker_id for line in pay.lines("2026-06")}
    assert paid == {staff["chief"], staff["clerk"]} and summary.workers == 2
    pay.approve("2026-06")
    pay.run("2026-07")
    # started on July 31st, the month's last day: paid for the whole of July
    assert {line.worker_id for line in pay.lines("2026-07")} == {staff["chief"], staff["clerk"], staff["july"]}
    chief = _line(ledger, "2026-07", staff["chief"])
    assert (chief.amount("gross"), chief.amount("net")) == (Decimal("5260.00"), Decimal("4076.50"))
    lines = pay.lines("2026-07")
    for line in lines:
        assert line.net == line.gross - line.deduct_total
    assert sum(line.net for line in lines) == pay.summary("2026-07").net


def test_months_go_in_order_after_the_first_run(ledger, staff):
    pay = Payroll(ledger)
    pay.run("2026-03")            # the first run may be any month
    with pytest.raises(PayrollError, match="2026年3月"):
        pay.run("2026-05")        # a draft exists: approve or discard it first
    pay.approve("2026-03")
    with pytest.raises(PayrollError, match="请先生成并审批2026年4月"):
        pay.run("2026-05")
    pay.run("2026-04")
    with pytest.raises(PayrollError, match="请先审批2026年4月"):
        pay.run("2026-05")
    with pytest.raises(PayrollError, match="早于已审批"):
        pay.run("2026-02")
    assert pay.next_month_to_run() == "2026-04"


def test_an_approved_run_never_changes(ledger, staff):
    pay = Payroll(ledger)
    pay.run("2026-01")
    pay.approve("2026-01")
    before = snapshot(ledger, PayLine)
    with pytest.raises(PayrollError, match="已审批"):
        pay.run("2026-01")
    with pytest.raises(PayrollError, match="已审批"):
        pay.approve("2026-01")
    with pytest.raises(PayrollError, match="已审批"):
        pay.discard("2026-01")
    with pytest.raises(PayrollError, match="以后月份"):
        pay.add_adjustment("2026-01", staff["chief"], "其他补发", "100", "补发")
    with pytest.raises(PayrollError, match="已有审批"):
        pay.set_openings(2026, [Opening(None, "王书记", Decimal(0), Decimal(0), Decimal(0), Decimal(0), 0)])
    with pytest.raises(PayrollError, match="已审批"):
        GradingService(ledger).approve(2026, "2026-01")
    with pytest.raises(Exception, match="已审批"):
        PayStandards(ledger).save(replace(default_standard(), name="改过的"))
    # a change of the roster changes later drafts, never the approved month
    WorkerService(ledger).update(staff["chief"], {"qualification": "社会工作师"})
    pay.run("2026-02")
    assert snapshot(ledger, PayLine)[:len(before)] == before
    assert _line(ledger, "2026-02", staff["chief"]).amount("qualification_allowance") == Decimal("300.00")
    # a level edited in the roster today takes effect from today, so February keeps level 18
    WorkerService(ledger).update(staff["chief"], {"level": "17"})
    pay.run("2026-02")
    assert _line(ledger, "2026-02", staff["chief"]).level == 18
    # a correction goes into the next draft as a line with its reason
    pay.add_adjustment("2026-02", staff["chief"], "其他扣款", "80.00", "1月多发等级工资")
    feb = _line(ledger, "2026-02", staff["chief"])
    assert feb.amount("other_deduct") == Decimal("80.00")
    assert "1月多发等级工资" in pay.explain("2026-02", staff["chief"])


def test_the_database_itself_refuses_to_change_an_approved_run(ledger, staff):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    pay = Payroll(ledger)
    pay.run("2026-01")
    pay.add_adjustment("2026-01", staff["chief"], "补发", "10", "测试")
    pay.approve("2026-01")
    for statement in ("UPDATE pay_line SET net = 0", "DELETE FROM pay_line", "UPDATE pay_run SET status = '草稿'",
                      "DELETE FROM pay_run", "DELETE FROM pay_adjustment",
                      "UPDATE pay_adjustment SET amount = 1"):
        with pytest.raises(DBAPIError, match="已审批的工资表已锁定"):
            with ledger.db.engine.begin() as connection:     # any writer, not only the application's services
                connection.execute(text(statement))
    # Inside the application the same refusal reaches a person as its message, not as a database error.
    with pytest.raises(LedgerError) as refused:
        with ledger.unit("pay.write") as session:
            session.execute(text("DELETE FROM pay_run"))
    assert str(refused.value) == "已审批的工资表已锁定，不能修改；更正请在以后月份添加其他补发或其他扣款"
    pay.run("2026-02")          # a draft is still free to be recomputed and discarded
    pay.discard("2026-02")


def test_cumulative_tax_uses_the_approved_runs_of_the_year(ledger, staff):
    rich = replace(default_standard(), matrix={k: v + 6000 for k, v in default_standard().matrix.items()},
                   name="高薪标准")
    PayStandards(ledger).save(rich)
    pay = Payroll(ledger)
    pay.run("2026-01")
    pay.approve("2026-01")
    pay.run("2026-02")
    jan, feb = _line(ledger, "2026-01", staff["chief"]), _line(ledger, "2026-02", staff["chief"])
    # hand-computed in test_pay_calc: Jan 111.80, Feb 223.59 − 111.80 = 111.79
    assert (jan.amount("tax"), feb.amount("tax"), feb.months_employed) == (Decimal("111.80"), Decimal("111.79"), 2)
    assert "累计应纳税所得额 7,453.00" in pay.explain("2026-02", staff["chief"])


def test_first_run_mid_year_continues_from_opening_figures(ledger, staff):
    rich = replace(default_standard(), matrix={k: v + 6000 for k, v in default_standard().matrix.items()})
    PayStandards(ledger).save(rich)
    chief_id = WorkerService(ledger).get(staff["chief"])
    pay = Payroll(ledger)
    with pytest.raises(ValidationError, match="任职月数"):
        pay.set_openings(2026, [Opening(None, "王书记", Decimal("1"), Decimal(0), Decimal(0), Decimal(0), 12)])
    pay.set_openings(2026, [Opening(make_id("150203", date(1975, 1, 2), 11), None, Decimal("67560.00"),
                                    Decimal("15201.00"), Decimal("0"), Decimal("670.77"), 6)])
    pay.run("2026-07")
    july = _line(ledger, "2026-07", chief_id["id"])
    # hand-computed in test_pay_calc: 26085.50 × 3% = 782.565 -> 782.57 − 670.77 = 111.80, 7th month
    assert (july.months_employed, july.amount("cum_taxable"), july.amount("tax")) == \
        (7, Decimal("26085.50"), Decimal("111.80"))
    # the worker hired on July 31st starts the year's count at 1
    assert _line(ledger, "2026-07", staff["july"]).months_employed == 1


def test_bonus_paid_once_in_the_marked_run(ledger, staff):
    ws = WorkerService(ledger)
    ws.add_history(staff["chief"], "年度考核", {"year": 2026, "grade": "优秀"})
    pay = Payroll(ledger)
    pay.run("2026-11", pays_bonus=True)
    chief, clerk = _line(ledger, "2026-11", staff["chief"]), _line(ledger, "2026-11", staff["clerk"])
    assert chief.amount("bonus") == Decimal("6000.00") and chief.amount("gross") == Decimal("11260.00")
    assert clerk.bonus == 0 and "无本年度考核结果" in pay.explain("2026-11", staff["clerk"])
    pay.approve("2026-11")
    summary = pay.run("2026-12")        # December is the default bonus month, but 2026's was paid in November
    assert not summary.pays_bonus
    with pytest.raises(PayrollError, match="已在2026年11月"):
        pay.run("2026-12", pays_bonus=True)


def test_level_change_takes_effect_from_its_month(ledger, staff):
    pay = Payroll(ledger)
    with ledger.unit("pay.write") as session:
        session.add(LevelChange(worker_id=staff["clerk"], old_level=5, new_level=6, reason="测试",
                                effective_on=date(2026, 3, 1)))
        session.get(Worker, staff["clerk"]).level = 6
    pay.run("2026-02")
    assert _line(ledger, "2026-02", staff["clerk"]).level == 5
    pay.approve("2026-02")
    pay.run("2026-03")
    assert _line(ledger, "2026-03", staff["clerk"]).level == 6


def test_pay_needs_the_pay_permissions(ledger, staff):
    leader = ledger.as_actor(Actor("刘领导", "领导"))
    with pytest.raises(PermissionDenied):
        Payroll(leader).run("2026-01")
    clerk = ledger.as_actor(Actor("周录入", "台账录入员"))
    with pytest.raises(PermissionDenied):
        Payroll(clerk).runs()
    Payroll(ledger).run("2026-01")
    seen = Payroll(leader).lines("2026-01")[0]              # a 领导 sees pay, not the full 身份证号
    assert "*" in seen.id_number and seen.net == Payroll(ledger).lines("2026-01")[0].net


def test_annual_grading_propose_and_approve(ledger, staff):
    grading = GradingService(ledger)
    # 李网格 started 2018-01-01: 7 full years at 2025-12-31, 8 at 2026-12-31 (no step), 9 at 2027-12-31 -> step
    assert staff["clerk"] not in {p.worker_id for p in grading.propose(2026)}
    proposals = {p.worker_id: p for p in grading.propose(2027)}
    clerk = proposals[staff["clerk"]]
    assert (clerk.old_level, clerk.new_level) == (5, 6) and "满3年晋级" in clerk.reason
    assert not proposals[staff["chief"]].approvable if staff["chief"] in proposals else True
    assert grading.approve(2027, "2026-12", [staff["clerk"]]) == 1
    with ledger.reading() as session:
        change = session.scalars(select(LevelChange).where(LevelChange.worker_id == staff["clerk"])).one()
        assert (change.old_level, change.new_level, change.effective_on) == (5, 6, date(2026, 12, 1))
        assert session.get(Worker, staff["clerk"]).level == 6
    assert staff["clerk"] not in {p.worker_id for p in grading.propose(2027)}   # never twice a year
    start = grading.starting_level("三岗", date(2019, 5, 1), "本科", "社会工作师", on=date(2026, 5, 1))
    assert start.level == 1 + 7 // 3 + 2


def test_payscale_matrix_sheet_round_trip(ledger):
    standards = PayStandards(ledger)
    rows = matrix_rows(standards.in_force(date(2026, 1, 1)))
    assert rows[0] == ["等级", "一岗", "二岗", "三岗"] and rows[1][1] is None and rows[18][1] == Decimal("4260.00")
    rows[18][1] = "4500"
    standards.import_matrix(rows, date(2026, 7, 1))
    assert standards.in_force(date(2026, 7, 1)).grade_pay(1, 18) == Decimal("4500.00")
    assert standards.in_force(date(2026, 6, 30)).grade_pay(1, 18) == Decimal("4260.00")
    bad = [list(r) for r in rows]
    bad[1][1] = "100"       # 一岗 1级 is outside 7–18
    bad[9][3] = ""          # 三岗 9级 missing (sheet row 10)
    with pytest.raises(ValidationError) as caught:
        parse_matrix(bad, default_standard())
    text = str(caught.value)
    assert "第2行 一岗：1级不在一岗范围内" in text and "第10行 三岗：9级在三岗范围内" in text


def test_a_paid_worker_cannot_be_deleted(ledger, staff):
    Payroll(ledger).run("2026-01")
    before = snapshot(ledger, Worker)
    with pytest.raises(ValidationError, match="已有1条工资记录，不能删除"):
        WorkerService(ledger).delete(staff["chief"])
    assert snapshot(ledger, Worker) == before
    WorkerService(ledger).delete(staff["left"])  # never paid: may go


def test_a_runs_statements_do_not_grow_with_the_workers(ledger, staff):
    """A city's run costs the database what a street's does: its lines go in one batched insert, and each table
    the run needs is read once, whatever the number of workers."""
    from sqlalchemy import event
    pay = Payroll(ledger)

    def sent_by_a_run() -> list[str]:
        sent: list[str] = []

        def note(_conn, _cursor, statement, _params, _context, _many) -> None:
            sent.append(statement)

        event.listen(ledger.db.engine, "before_cursor_execute", note)
        try:
            pay.run("2026-06")
        finally:
            event.remove(ledger.db.engine, "before_cursor_execute", note)
        pay.discard("2026-06")
        return sent

    few = sent_by_a_run()
    ws = WorkerService(ledger)
    for i in range(5):
        ws.create(worker(name="新人" + "甲乙丙丁戊"[i], id_number=make_id("150203", date(1992, 5, 1 + i), 20 + i), level="3"))
    more = sent_by_a_run()
    assert len(more) == len(few) <= 17, "\n".join(more)
    assert sum(s.lstrip().upper().startswith("INSERT INTO PAY_LINE") for s in more) == 1
    assert pay.runs() == []
