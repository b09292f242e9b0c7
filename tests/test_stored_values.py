"""Stored values that fail their own check (a 身份证号 with one digit changed outside the application, a 银联 card
number with a wrong check digit): listed, exported and shown as stored, with the doubt named; reported by check."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import text

import cli
from exports.bank_list import export_bank_list
from exports.ledger_export import export_ledger
from ledger.access import LEADER, Actor
from ledger.app import Ledger
from ledger.bankcard import doubt, luhn_ok
from ledger.errors import ValidationError
from ledger.idcard import make_id
from ledger.pay.runs import Payroll
from ledger.services import CommunityService, WorkerService
from ledger.services.checks import run_checks
from ledger.services.street import init_street
from tests.helpers import worker

GOOD_ID = make_id("150203", date(1985, 6, 15), 231)
# the last digit of the ID changed: 18 digits, a valid birth date, a wrong check digit
DAMAGED_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
CARD = "6222021001123456789"          # 银联, passes the Luhn check (hand-checked: digit sum 70)
MISTYPED_CARD = "6222021001123456780"  # the same with its check digit changed


def _damaged(ledger: Ledger) -> int:
    """幸福社区's 张华 with a good card, then one digit of the stored 身份证号 changed by another program."""
    CommunityService(ledger).create({"name": "幸福社区"})
    WorkerService(ledger).create(worker(name="刘洋", id_number=make_id("150203", date(1990, 2, 3), 45)))
    record = WorkerService(ledger).create(worker(bank_account=CARD))
    with ledger.db.engine.begin() as c:
        c.execute(text("UPDATE worker SET id_number = :n WHERE id = :id"), {"n": DAMAGED_ID, "id": record["id"]})
    return record["id"]


def test_the_luhn_check_of_unionpay_cards():
    assert luhn_ok(CARD) and not luhn_ok(MISTYPED_CARD)
    assert doubt(CARD) is None and doubt("6222 0210 0112 3456 789") is None
    assert "校验位不对" in doubt(MISTYPED_CARD)
    # not a 银联 card number (another bank's rules, a passbook account): not judged
    assert doubt("4563510800012345670") is None and doubt("12345678901234567") is None and doubt("6222021") is None


def test_a_damaged_id_lists_and_exports_as_stored_with_a_warning(ledger, tmp_path, writes_around):
    wid = _damaged(ledger)
    records = {r["name"]: r for r in WorkerService(ledger).list()}
    assert records["张华"]["id_number"] == DAMAGED_ID and records["张华"]["birth_date"] is None
    assert "校验位不正确" in records["张华"]["doubts"]["id_number"] and "doubts" not in records["刘洋"]
    assert WorkerService(ledger).get(wid)["id_number"] == DAMAGED_ID
    result = export_ledger(ledger, "workers", tmp_path / "花名册.xlsx")
    ws = openpyxl.load_workbook(result.path).active
    ids = [row[1] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert DAMAGED_ID in ids and len(ids) == 2
    assert result.warnings == ("社区工作者 姓名“张华”（幸福社区）：身份证号未通过校验（校验位不正确），按原样显示和导出，请核对更正",)
    # the message repeats no number: it may be shown to a leader, who sees the numbers masked
    leader = ledger.as_actor(Actor("王领导", LEADER))
    masked = export_ledger(leader, "workers", tmp_path / "领导.xlsx")
    assert masked.masked and masked.warnings == result.warnings


def test_an_edit_of_a_damaged_record_names_the_number_to_correct(ledger, writes_around):
    wid = _damaged(ledger)
    with pytest.raises(ValidationError) as refused:
        WorkerService(ledger).update(wid, {"level": "6"})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("身份证号", "已登记的号码未通过校验（校验位不正确，请核对号码），请先更正")]
    WorkerService(ledger).update(wid, {"id_number": GOOD_ID, "level": "6"})
    assert "doubts" not in WorkerService(ledger).get(wid)


def test_check_names_the_record_the_community_and_the_field(ledger, writes_around):
    _damaged(ledger)
    errors = [(f.where, f.message) for f in run_checks(ledger).errors if f.where.startswith("社区工作者")]
    assert errors == [("社区工作者 张华（幸福社区）", "身份证号未通过校验（校验位不正确），按原样显示和导出，请核对更正")]
    with ledger.db.engine.begin() as c:
        c.execute(text("UPDATE worker SET bank_account = :card WHERE name = '刘洋'"), {"card": MISTYPED_CARD})
        c.execute(text("UPDATE community SET note = :note"), {"note": "已核\u202e实"})
    warnings = {(f.where, f.message) for f in run_checks(ledger).findings if f.severity == "警告"}
    assert ("社区工作者 刘洋（幸福社区）", doubt(MISTYPED_CARD)) in warnings
    assert ("社区 幸福社区", "备注：“已核”后面有一个看不见的文字方向控制符，请删除后重新录入（已登记的值，请更正）") in warnings


def test_cli_export_of_the_roster_succeeds_and_says_what_to_check(tmp_path, capsys):
    path = tmp_path / "l.sqlite"
    opened = Ledger.open(path, Actor(source="界面"))
    init_street(opened, "测试街道")
    _damaged(opened)
    opened.close()
    out = tmp_path / "花名册.xlsx"
    assert cli.main(["--db", str(path), "export", "ledger-workers", "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err and out.exists()
    assert "提示：社区工作者 姓名“张华”（幸福社区）：身份证号未通过校验（校验位不正确）" in printed.out


def test_the_window_table_shows_the_stored_value_flagged_with_the_reason(ledger, qapp, writes_around):
    from PySide6.QtCore import Qt

    from ui.ledger_specs import SPECS
    from ui.table_data import TableData
    from ui.table_model import FLAG_COLOURS, LedgerTableModel
    _damaged(ledger)
    spec = SPECS["workers"]
    records = WorkerService(ledger).list()
    table = TableData(spec.fields(), records, flag=spec.flag)
    model = LedgerTableModel()
    model.set_table(table)
    row = next(i for i, r in enumerate(table.records) if r["name"] == "张华")
    column = table.keys.index("id_number")
    cell = model.index(row, column)
    assert model.data(cell) == DAMAGED_ID
    assert "校验位不正确" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole).color().name() == FLAG_COLOURS["核对"]
    other = next(i for i, r in enumerate(table.records) if r["name"] == "刘洋")
    assert model.data(model.index(other, column), Qt.ItemDataRole.ForegroundRole) is None


def test_the_bank_list_is_written_as_stored_and_names_whom_to_check(ledger, tmp_path):
    CommunityService(ledger).create({"name": "幸福社区"})
    WorkerService(ledger).create(worker(bank_account=CARD))
    WorkerService(ledger).create(worker(name="刘洋", id_number=make_id("150203", date(1990, 2, 3), 45),
                                        bank_account=MISTYPED_CARD))
    pay = Payroll(ledger)
    pay.run("2026-03")
    pay.approve("2026-03")
    warned: list[str] = []
    out = export_bank_list(ledger, "2026-03", tmp_path / "代发.xlsx", warn=warned.append)
    accounts = [r[3] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True)
                if isinstance(r[0], int)]
    assert sorted(accounts) == sorted([CARD, MISTYPED_CARD])
    assert warned == [f"刘洋（幸福社区）：{doubt(MISTYPED_CARD)}"]


def test_an_import_warns_of_a_mistyped_card_and_still_imports_it(ledger, tmp_path):
    from ledger.importing import import_file
    CommunityService(ledger).create({"name": "幸福社区"})
    source = tmp_path / "花名册.csv"
    source.write_text("姓名,身份证号,所属社区,职务,岗位,等级,银行账号\n"
                      f"张华,{GOOD_ID},幸福社区,社区工作者,三岗,5,{MISTYPED_CARD}\n", encoding="utf-8-sig")
    plan, outcome = import_file(ledger, "workers", source)
    assert [str(w) for w in plan.all_warnings()] == [f"第2行 银行账号：{doubt(MISTYPED_CARD)}"]
    assert outcome.created == 1 and WorkerService(ledger).list()[0]["bank_account"] == MISTYPED_CARD
