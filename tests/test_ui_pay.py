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
from ui.pay_page import PayPage
from ui.pay_standard_dialog import PayStandardDialog


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
