"""The 工资 page, the 工资标准 window and the 年度调级 window, driven with pytest-qt (offscreen, no modal boxes)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QDate, Qt

from ledger.pay.runs import Payroll
from ledger.pay.standards import PayStandards
from ui import messages
from ui.grading_dialog import GradingDialog
from ui.pay_page import COLUMNS, PayPage
from ui.pay_standard_dialog import PayStandardDialog


COLUMN_OF = {c.key: i for i, c in enumerate(COLUMNS)}


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes answered without showing: questions say yes; what was said is kept."""
    said = []
    monkeypatch.setattr(messages, "ask", lambda parent, title, text, **kw: said.append(text) or True)
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: said.append(text))
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda url: True)
    return said


@pytest.fixture
def page(qtbot, demo_ledger, boxes):
    widget = PayPage(SimpleNamespace(ledger=demo_ledger))
    qtbot.addWidget(widget)
    widget.set_month("2026-01")
    return widget


def test_run_review_explain_adjust_approve_export(qtbot, page, boxes, tmp_path):
    assert "还没有工资表" in page.status.text()
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert page.model.rowCount() > 200 and "草稿" in page.status.text()
    first = page.model.line(0)
    whole, cents = divmod(int(first.net * 100), 100)
    assert page.model.data(page.model.index(0, 18)) == f"{whole:,}.{cents:02d}"
    page.table.selectRow(0)
    assert "岗位等级工资" in page.explanation.toPlainText() and "实发" in page.explanation.toPlainText()
    assert page.save_adjustment(first.worker_id, "补发", "88.50", "补发1月通讯费", True)
    line = next(x for x in page.model.lines if x.worker_id == first.worker_id)
    assert line.amount("other_add") == Decimal("88.50")
    page.approve_month()
    assert "已审批" in page.status.text() and not page.run_button.isEnabled()
    assert not page.save_adjustment(first.worker_id, "补发", "1", "再补", True)     # refused, shown in a box
    assert any("已审批" in text for text in boxes)
    task = page.export("salary-sheet", ".xlsx", "工资发放表（Excel）", str(tmp_path / "sheet.xlsx"))
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert task.error is None and (tmp_path / "sheet.xlsx").stat().st_size > 5000
    assert page.last_export == tmp_path / "sheet.xlsx"
    cost = page.open_cost()                     # 成本测算: the 报表 page's view in its own window
    assert cost.isVisible() and cost.view.year.value() == 2026
    cost.view.raise_amount.setText("50")
    task = cost.view.export(tmp_path / "cost.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert task.error is None and (tmp_path / "cost.xlsx").exists()


def test_an_export_into_an_offices_narrow_template_says_which_column(qtbot, page, boxes, tmp_path):
    import shutil

    import openpyxl

    from exports.template import builtin_templates_dir, install_custom
    adjusted = tmp_path / "窄.xlsx"
    shutil.copyfile(builtin_templates_dir() / "银行代发清单.xlsx", adjusted)
    wb = openpyxl.load_workbook(adjusted)
    wb.active.column_dimensions["E"].width = 7          # 实发工资
    wb.save(adjusted)
    install_custom("银行代发清单.xlsx", adjusted)
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    page.approve_month()
    task = page.export("bank-list", ".xlsx", "银行代发清单", str(tmp_path / "bank.xlsx"))
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert task.error is None and (tmp_path / "bank.xlsx").exists()
    [note] = page.last_warnings
    assert note.startswith("模板“银行代发清单.xlsx”第E列（实发工资）宽度不足，打印时将显示###")
    assert f"已导出：{tmp_path / 'bank.xlsx'}" in boxes[-1] and note in boxes[-1]


def test_out_of_order_month_is_refused_with_the_month_to_do_first(qtbot, page, boxes):
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    page.approve_month()
    page.set_month("2026-03")
    assert "2026年2月" in page.status.text()
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert task.error is not None and "2026年2月" in str(task.error)


def test_standard_dialog_edits_and_saves_a_new_version(qtbot, demo_ledger, boxes):
    dialog = PayStandardDialog(demo_ledger)
    qtbot.addWidget(dialog)
    assert dialog.matrix.item(17, 0).text() == "4260.00"            # 一岗18级
    assert dialog.matrix.item(0, 0).text() == ""                    # 一岗 starts at 7
    dialog.matrix.item(17, 0).setText("4300")
    dialog.items["basic"].setText("250")
    dialog.effective.setDate(QDate(2026, 7, 1))
    assert dialog.save()
    standards = PayStandards(demo_ledger)
    july = standards.in_force(date(2026, 7, 1))
    assert (july.grade_pay(1, 18), july.basic_performance) == (Decimal("4300"), Decimal("250"))
    assert standards.in_force(date(2026, 6, 1)).grade_pay(1, 18) == Decimal("4260.00")
    dialog.matrix.item(16, 0).setText("99999")                      # 17级 above 18级: refused, item named
    assert not dialog.save() and "一岗18级" in boxes[-1]


def test_grading_dialog_approves_checked_rows(qtbot, demo_ledger, boxes):
    dialog = GradingDialog(demo_ledger, year=2026)
    qtbot.addWidget(dialog)
    approvable = [p for p in dialog.proposals if p.approvable]
    assert approvable and all(p.reason for p in dialog.proposals)
    for r, p in enumerate(dialog.proposals):
        if p.approvable and p is not approvable[0]:
            dialog.table.item(r, 0).setCheckState(Qt.CheckState.Unchecked)
    dialog.effective.setDate(QDate(2027, 1, 1))
    assert dialog.approve_selected() == 1
    assert approvable[0].worker_id not in {p.worker_id for p in dialog.proposals}
    assert dialog.approve_all() == len(approvable) - 1
    assert not any(p.approvable for p in dialog.proposals)
    assert Payroll(demo_ledger).runs() == []


def test_lines_end_in_a_total_and_can_be_searched(qtbot, page):
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    lines = page.model.lines
    last = page.model.rowCount() - 1
    assert last == len(lines) and page.model.line(last) is None
    net = COLUMN_OF["net"]
    assert page.model.data(page.model.index(last, 0)) == "合计"
    assert page.model.data(page.model.index(last, 1)) == f"{len(lines)}人"
    assert page.model.cell_value(last, net) == sum((line.net for line in lines), Decimal("0.00"))
    first = lines[0]
    page.search.setText(first.worker_name)
    same = [line for line in lines if line.worker_name == first.worker_name]
    assert page.model.rowCount() == len(same) + 1
    assert page.model.cell_value(len(same), net) == sum((line.net for line in same), Decimal("0.00"))
    from ui.pinyin import initials
    page.search.setText(initials(first.worker_name))      # 拼音首字母 find the same person
    assert first in page.model.shown
    page.search.clear()
    assert page.model.rowCount() == len(lines) + 1


def test_a_bonus_month_without_appraisals_says_so_and_they_are_entered_at_once(qtbot, page, boxes):
    page.set_month("2026-12")
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    lines = page.model.lines
    assert all(line.bonus == 0 for line in lines)
    assert page.warning_box.isVisibleTo(page)
    assert page.warning.text() == f"有{len(lines)}人未录入2026年度考核，奖励性绩效为0"
    dialog = page.open_appraisals()                       # opened, not run modally
    assert dialog.isVisible() and dialog.missing_only.isChecked()
    assert dialog.model.rowCount() == len(lines)
    dialog.table.selectAll()
    dialog.bulk_grade.setCurrentText("合格")
    assert dialog.apply_to_selected() == len(lines)
    dialog.model.setData(dialog.model.index(0, 3), "优秀")
    excellent = dialog.model.row(0).worker_id
    assert dialog.save() == len(lines)
    assert page.warning.text() == (f"{len(lines)}人的2026年度考核在本表计算后才录入，"
                                   "重新计算2026年12月工资表后才计入奖励性绩效")
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert not page.warning_box.isVisibleTo(page)
    bonus = {line.worker_id: line.bonus for line in page.model.lines}
    assert bonus.pop(excellent) == Decimal("6000.00") and set(bonus.values()) == {Decimal("4000.00")}


def test_an_adjustment_dialog_is_opened_not_run(qtbot, page, boxes):
    task = page.run_month()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    page.table.selectRow(2)
    dialog = page.add_adjustment()
    assert dialog.isVisible() and dialog.worker.currentData() == page.model.line(2).worker_id
    dialog.amount.setText("120.00")
    dialog.reason.setText("补发交通费")
    dialog.accept()
    line = next(x for x in page.model.lines if x.worker_id == dialog.worker.currentData())
    assert line.amount("other_add") == Decimal("120.00")
