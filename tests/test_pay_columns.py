"""The pay line's columns are declared once (ledger.pay.columns) and matched by name everywhere.

A stored line whose every figure holds a different value must print each value under its own header in every
output; the stored table, the migrations and the built-in templates must carry exactly the declared columns, so
that a column added in one place only fails here instead of shifting values into the wrong columns.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import MISSING, fields
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from exports.bank_list import export_bank_list
from exports.payslips import export_payslips
from exports.salary_sheet import export_salary_sheet
from exports.template import builtin_templates_dir
from ledger.access import Actor
from ledger.app import Ledger
from ledger.db import alembic_config, make_engine, open_database, upgrade_database
from ledger.idcard import make_id
from ledger.models import PayLine
from ledger.models.base import Base, Scaled
from ledger.money import format_yuan
from ledger.pay.columns import FIGURES, KEYS, MONEY, SHEET, PayFigures, spans
from ledger.pay.runs import Payroll

# The 工资发放表 of DOMAIN.md §4, as a finance office reads it.
DOMAIN_SHEET = ("序号", "社区", "姓名", "岗位", "等级", "岗位等级工资", "基础绩效", "一肩挑补贴", "职业资格津贴", "奖励性绩效",
                "其他补发", "应发合计", "养老保险", "医疗保险", "失业保险", "住房公积金", "个人所得税", "其他扣款", "扣款合计",
                "实发工资", "领款人签字")


def test_the_sheet_has_the_columns_of_the_domain_in_order():
    assert ("序号", *(c.label for c in SHEET), "领款人签字") == DOMAIN_SHEET
    assert spans(SHEET) == [("应发项目", 4, 10), ("扣款项目", 11, 17)]


def test_every_figure_is_declared_and_must_be_given_by_name():
    """No figure has a default, so the engine cannot leave one out; no two share a name or a label."""
    declared = fields(PayFigures)
    assert [f.name for f in declared] == list(KEYS)
    assert all(f.default is MISSING and f.default_factory is MISSING for f in declared)
    assert len({c.label for c in FIGURES}) == len(FIGURES)
    with pytest.raises(TypeError):
        PayFigures(**{key: 0 for key in KEYS[:-1]})


def test_the_stored_line_has_one_column_per_declared_figure():
    columns = PayLine.__table__.columns
    who = {"id", "run_id", "worker_id", "community", "worker_name", "id_number", "bank_account", "explanation"}
    assert {c.name for c in columns} - who == set(KEYS)
    assert {c.name for c in columns if isinstance(c.type, Scaled)} == {c.key for c in FIGURES if c.kind == MONEY}


def test_the_migrated_database_has_the_declared_columns(db_url, data_dir):
    """A figure declared without a migration for its column (or the other way round) fails here."""
    upgrade_database(db_url)
    db = open_database(db_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = [d for d in compare_metadata(context, Base.metadata) if "pay_line" in repr(d)]
    db.dispose()
    assert differences == []


def _built_in(name: str):
    return openpyxl.load_workbook(builtin_templates_dir() / name).active


def test_the_built_in_pay_templates_follow_the_declaration():
    sheet = _built_in("工资发放表.xlsx")
    headers = [lower.value or upper.value for upper, lower in zip(sheet[3], sheet[4])]
    # the domain's columns, and a 备注 that marks who is not paid through the bank list (实发为负)
    assert tuple(headers) == (*DOMAIN_SHEET, "备注")
    assert [c.value for c in sheet[5]][1:-2] == [f"{{{{{c.label}}}}}" for c in SHEET]
    assert sheet.cell(5, len(headers)).value == "{{备注}}"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"F3:L3", "M3:S3"} <= merged and (sheet["F3"].value, sheet["M3"].value) == ("应发项目", "扣款项目")
    slip = _built_in("工资条.xlsx")
    assert sorted(c.value.removeprefix("{{#行}}") for c in slip[2] if c.value) == sorted(c.label for c in SHEET)


def test_the_built_in_pay_templates_are_what_the_script_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_pay", builtin_templates_dir() / "make_pay_templates.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for name, build in make.TEMPLATES.items():
        build().save(tmp_path / name)
        fresh, shipped = openpyxl.load_workbook(tmp_path / name).active, _built_in(name)
        assert [[c.value for c in r] for r in fresh.iter_rows()] == [[c.value for c in r] for r in shipped.iter_rows()]
        assert {str(r) for r in fresh.merged_cells.ranges} == {str(r) for r in shipped.merged_cells.ranges}
        assert {k: d.width for k, d in fresh.column_dimensions.items()} == \
            {k: d.width for k, d in shipped.column_dimensions.items()}, name


# --- a line stored by an earlier release, every figure different, printed under its own header -----------------
def _distinct(key: str) -> object:
    """A value for each figure that no other figure holds (amounts in fen as pay_line stores them)."""
    if key in ("community", "worker_name"):
        return {"community": "幸福社区", "worker_name": "张华"}[key]
    i = KEYS.index(key)
    if key == "post_name":
        return "二岗"
    if key in ("post", "level", "months_employed"):
        return {"post": 2, "level": 7, "months_employed": 3}[key]
    return 100_000 + 10_101 * i          # 1,000.00, 1,101.01, 1,202.02, …


def _expected(key: str) -> object:
    value = _distinct(key)
    column = next(c for c in (*SHEET, *FIGURES) if c.key == key)
    return Decimal(value).scaleb(-2) if column.kind == MONEY else value


@pytest.fixture
def old_line(db_url, data_dir):
    """A database at the previous release (0004) with one approved line, then opened by this release."""
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0004_pay_lock")
    number = make_id("150203", date(1985, 6, 15), 231)
    with engine.begin() as c:
        c.execute(text("INSERT INTO street (id, name) VALUES (1, '老街道')"))
        c.execute(text("INSERT INTO community (id, street_id, name) VALUES (1, 1, '幸福社区')"))
        c.execute(text("INSERT INTO worker (id, name, id_number, community_id, title, post, level, dual_role, status, "
                       "credited_bonus, bank_account) VALUES (1, '张华', :n, 1, '社区工作者', 2, 7, false, '在岗', 0, "
                       "'6222020200001234567')"), {"n": number})
        c.execute(text("INSERT INTO pay_run (id, month, status, pays_bonus) VALUES (1, '2026-01', '草稿', false)"))
        names = ", ".join(KEYS)
        c.execute(text(f"INSERT INTO pay_line (run_id, worker_id, community, worker_name, id_number, bank_account, "
                       f"{names}) VALUES (1, 1, '幸福社区', '张华', :n, '6222020200001234567', "
                       f"{', '.join(':' + k for k in KEYS)})"), {"n": number, **{k: _distinct(k) for k in KEYS}})
        c.execute(text("UPDATE pay_run SET status = '已审批' WHERE id = 1"))
    engine.dispose()
    upgrade_database(db_url)   # at start-up for a SQLite file; the owner's `upgrade` on a server
    ledger = Ledger.open(db_url, Actor(source="界面"))
    yield ledger
    ledger.close()


def test_each_stored_figure_reads_back_under_its_own_name(old_line):
    (line,) = Payroll(old_line).lines("2026-01")
    assert {key: getattr(line, key) for key in KEYS} == {key: _expected(key) for key in KEYS}
    assert (line.worker_name, line.community) == ("张华", "幸福社区")


def _under_headers(path, header_rows: tuple[int, ...], first_data_row: int) -> dict:
    ws = openpyxl.load_workbook(path).active
    labels = [next((ws.cell(r, c).value for r in reversed(header_rows) if ws.cell(r, c).value), None)
              for c in range(1, ws.max_column + 1)]
    values = [ws.cell(first_data_row, c).value for c in range(1, ws.max_column + 1)]
    return {label.removeprefix("{{#行}}"): value for label, value in zip(labels, values) if label}


def _as_printed(key: str) -> object:
    value = _expected(key)
    return float(value) if isinstance(value, Decimal) else value


def test_each_figure_prints_under_its_own_header(old_line, tmp_path):
    sheet = _under_headers(export_salary_sheet(old_line, "2026-01", tmp_path / "s.xlsx"), (3, 4), 5)
    assert {c.label: sheet[c.label] for c in SHEET} == {c.label: _as_printed(c.key) for c in SHEET}
    slips = _under_headers(export_payslips(old_line, "2026-01", tmp_path / "p.xlsx"), (2,), 3)   # a slip: title, labels, figures
    assert {c.label: slips[c.label] for c in SHEET} == {c.label: _as_printed(c.key) for c in SHEET}
    bank = _under_headers(export_bank_list(old_line, "2026-01", tmp_path / "b.xlsx"), (3,), 4)
    assert bank["实发工资"] == _as_printed("net") and bank["银行账号"] == "6222020200001234567"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_each_figure_prints_in_its_own_column_of_the_pdf(old_line, tmp_path):
    out = export_salary_sheet(old_line, "2026-01", tmp_path / "s.pdf")
    page = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    row = next(line for line in page.splitlines() if "张华" in line)
    printed = [format_yuan(_expected(c.key)) if c.kind == MONEY else str(_expected(c.key)) for c in SHEET]
    assert row.split() == ["1", *printed]
