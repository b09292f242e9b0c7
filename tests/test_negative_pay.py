"""A 实发 below zero: approval names the workers and needs a reason; the bank list and the sheet agree or say why.

The figures by hand (示例标准, January 2026, no opening figures):
- 王书记, 一岗18级, 一肩挑, 高级社会工作师: 应发 2,800 + 1,460 + 200 + 300 + 500 = 5,260.00; 缴费基数 5,260;
  养老 420.80 + 医疗 105.20 + 失业 26.30 + 公积金 631.20 = 1,183.50; 个税 0 (5,260 − 1,183.50 − 5,000 < 0);
  实发 5,260.00 − 1,183.50 = 4,076.50.
- 李网格, 三岗5级, 助理社会工作师: 应发 2,300 + 420 + 200 + 200 = 3,120.00; 缴费基数 4,000 (the floor);
  养老 320 + 医疗 80 + 失业 20 + 公积金 480 = 900.00; a 扣款 of 3,456.78 (扣发, before tax): 个税 0;
  扣款合计 4,356.78; 实发 3,120.00 − 4,356.78 = −1,236.78.
- The sheet: 2人, 实发合计 4,076.50 − 1,236.78 = 2,839.72. The bank list: 1人, 4,076.50.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from cli import main
from exports import ExportError
from exports.bank_list import export_bank_list
from exports.salary_sheet import export_salary_sheet
from ledger.idcard import make_id
from ledger.models import AuditEntry
from ledger.pay.runs import NegativePayError, Payroll
from ledger.services.communities import CommunityService
from ledger.services.workers import WorkerService
from tests.helpers import worker

MONTH = "2026-01"


@pytest.fixture
def month_with_a_negative_line(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    ws = WorkerService(ledger)
    ws.create(worker(name="王书记", id_number=make_id("150203", date(1975, 1, 2), 11), title="书记", post="一岗",
                     level="18", dual_role="是", qualification="高级社会工作师", started_on="2003.05",
                     bank_account="6222020200112233445"))
    clerk = ws.create(worker(community="和平社区", name="李网格", id_number=make_id("150203", date(1990, 2, 3), 12),
                             title="专职网格员", post="三岗", level="5", qualification="助理社会工作师",
                             started_on="2018.01", bank_account="6222020200112233446"))["id"]
    pay = Payroll(ledger)
    pay.add_adjustment(MONTH, clerk, "扣款", "3456.78", "追回2025年多发的绩效")
    pay.run(MONTH)
    return ledger


def test_the_engine_gives_the_figures_worked_out_by_hand(month_with_a_negative_line):
    lines = {line.worker_name: line for line in Payroll(month_with_a_negative_line).lines(MONTH)}
    assert (lines["王书记"].gross, lines["王书记"].tax, lines["王书记"].net) == \
        (Decimal("5260.00"), Decimal("0.00"), Decimal("4076.50"))
    assert (lines["李网格"].gross, lines["李网格"].deduct_total, lines["李网格"].net) == \
        (Decimal("3120.00"), Decimal("4356.78"), Decimal("-1236.78"))


def test_approval_names_the_workers_and_needs_a_reason(month_with_a_negative_line):
    pay = Payroll(month_with_a_negative_line)
    assert [(n.worker_name, n.net) for n in pay.negative_lines(MONTH)] == [("李网格", Decimal("-1236.78"))]
    for reason in (None, "", "   "):
        with pytest.raises(NegativePayError, match=r"1人实发为负：李网格（和平社区）实发-1,236.78元") as refused:
            pay.approve(MONTH, negative_reason=reason)
        assert [n.worker_name for n in refused.value.lines] == ["李网格"]
    assert not pay.summary(MONTH).approved          # nothing written
    summary = pay.approve(MONTH, negative_reason="追回多发绩效，差额由本人退还")
    assert summary.approved and summary.workers == 2 and summary.net == Decimal("2839.72")
    with month_with_a_negative_line.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "审批工资表")).one()
    changes = {c["field"]: c["new"] for c in entry.changes}
    assert changes["实发为负"] == "李网格（和平社区）实发-1,236.78元"
    assert changes["审批原因"] == "追回多发绩效，差额由本人退还"


def test_a_month_without_negative_lines_needs_no_reason(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    WorkerService(ledger).create(worker(bank_account="6222020200112233445"))
    pay = Payroll(ledger)
    pay.run(MONTH)
    assert pay.negative_lines(MONTH) == [] and pay.approve(MONTH).approved


def test_the_bank_list_says_who_it_leaves_out_and_the_sheet_marks_them(month_with_a_negative_line, tmp_path):
    ledger = month_with_a_negative_line
    Payroll(ledger).approve(MONTH, negative_reason="追回多发绩效")
    bank = openpyxl.load_workbook(export_bank_list(ledger, MONTH, tmp_path / "代发.xlsx")).active
    rows = list(bank.iter_rows(min_row=4, values_only=True))
    paid = [r for r in rows if isinstance(r[0], int)]
    assert [(r[1], r[4]) for r in paid] == [("王书记", 4076.5)]
    total = next(r for r in rows if str(r[0]).startswith("合计"))
    assert total[0] == "合计（1人）" and Decimal(str(total[4])) == Decimal("4076.50")
    remark = next(r[0] for r in rows if str(r[0]).startswith("备注"))
    assert remark == ("备注：以下1人实发为负，不列入本清单：李网格（和平社区）实发-1,236.78元。"
                      "工资发放表2人、实发合计2,839.72元；本清单1人、合计4,076.50元。")

    sheet = openpyxl.load_workbook(export_salary_sheet(ledger, MONTH, tmp_path / "发放表.xlsx")).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    detail = {r[2]: r for r in rows if isinstance(r[0], int)}
    assert detail["李网格"][21] == "实发为负，不列入银行代发" and detail["王书记"][21] is None
    grand = next(r for r in rows if str(r[0]).startswith("合计"))
    assert grand[0] == "合计（2人）" and Decimal(str(grand[19])) == Decimal("2839.72")


def test_an_offices_bank_template_without_a_remark_is_refused_rather_than_silent(month_with_a_negative_line,
                                                                                   tmp_path, data_dir):
    from exports.template import builtin_templates_dir, install_custom
    ledger = month_with_a_negative_line
    Payroll(ledger).approve(MONTH, negative_reason="追回多发绩效")
    old = tmp_path / "旧版代发清单.xlsx"
    wb = openpyxl.load_workbook(builtin_templates_dir() / "银行代发清单.xlsx")
    wb.active["A6"].value = None                      # as an office's copy made before the 备注 row
    wb.save(old)
    install_custom("银行代发清单.xlsx", old)
    with pytest.raises(ExportError, match=r"须在清单上说明，但模板“银行代发清单.xlsx”没有 \{\{备注\}\}"):
        export_bank_list(ledger, MONTH, tmp_path / "代发.xlsx")
    assert not (tmp_path / "代发.xlsx").exists()


def test_the_command_line_asks_for_a_reason(tmp_path, capsys):
    db = ["--db", str(tmp_path / "街道.sqlite")]
    assert main(db + ["demo"]) == 0
    assert main(db + ["payroll", "adjust", "2026-01", "--worker", _first_worker(db), "--kind", "扣款",
                      "--amount", "99999", "--reason", "追回多发工资"]) == 0
    assert main(db + ["payroll", "run", "2026-01"]) == 0
    capsys.readouterr()
    assert main(db + ["payroll", "approve", "2026-01"]) != 0
    err = capsys.readouterr().err
    assert "1人实发为负" in err and "--reason" in err
    assert main(db + ["payroll", "approve", "2026-01", "--reason", "追回多发工资"]) == 0
    assert "已审批" in capsys.readouterr().out


def _first_worker(db: list[str]) -> str:
    from ledger.access import Actor
    from ledger.app import Ledger
    opened = Ledger.open(db[1], Actor(source="命令行"))
    try:
        return WorkerService(opened).list()[0]["id_number"]
    finally:
        opened.close()
