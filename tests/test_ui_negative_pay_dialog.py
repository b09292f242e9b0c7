"""The window's 审批 of a month with a 实发 below zero: the workers are listed and a reason is required."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.pay.runs import NegativeLine
from tests.test_negative_pay import month_with_a_negative_line  # noqa: F401 (a fixture)
from ui.negative_pay_dialog import NegativePayDialog


def test_the_dialog_lists_the_workers_and_confirms_only_with_a_reason(qtbot):
    lines = [NegativeLine(7, "李网格", "和平社区", Decimal("-1236.78"))]
    dialog = NegativePayDialog(None, "2026-01", lines)
    qtbot.addWidget(dialog)
    assert dialog.people.item(0).text() == "李网格（和平社区）实发-1,236.78元"
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("   ")
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("追回多发绩效")
    assert dialog.ok.isEnabled()


def test_the_pay_page_approves_such_a_month_only_with_the_reason_given(qtbot, month_with_a_negative_line, monkeypatch):
    from types import SimpleNamespace

    from ledger.pay.runs import Payroll
    from ui import messages, negative_pay_dialog
    from ui.pay_page import PayPage
    asked = []
    monkeypatch.setattr(messages, "ask", lambda *a, **kw: pytest.fail("the plain question is not enough"))
    page = PayPage(SimpleNamespace(ledger=month_with_a_negative_line))
    qtbot.addWidget(page)
    page.set_month("2026-01")
    page.refresh()
    monkeypatch.setattr(negative_pay_dialog, "ask_reason", lambda parent, month, lines: asked.append(lines) or None)
    page.approve_month()                                   # cancelled: still a draft
    assert [n.worker_name for n in asked[0]] == ["李网格"]
    assert not Payroll(month_with_a_negative_line).summary("2026-01").approved
    monkeypatch.setattr(negative_pay_dialog, "ask_reason", lambda parent, month, lines: "追回多发绩效")
    page.approve_month()
    assert Payroll(month_with_a_negative_line).summary("2026-01").approved
