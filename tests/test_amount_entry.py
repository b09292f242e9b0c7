"""Every amount entered anywhere goes through one parser and one ceiling (hypothesis).

Each entry point — a money field, the 补发/扣款 service, a 经费 entry, a budget, the pay standard's matrix import,
the opening figures and the import of a money column — is fed generated text and numbers. Each must either refuse
with a Chinese message (ValidationError or another LedgerError; a field's own parser says ValueError) or accept an
exact Decimal with two places within the ceiling of its kind; nothing else may escape.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.access import Actor
from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.importing import Loaded, Sheet, layout_for, preview
from ledger.pay.runs import Payroll
from ledger.pay.sheets import parse_openings
from ledger.pay.standards import PayStandards, matrix_rows
from ledger.services import BudgetService, FundService, WorkerService
from ledger.services.funds import BUDGET_FIELDS, FIELDS as FUND_FIELDS
from ledger.services.street import init_street, put_setting
from ledger.services.workers import FIELDS as WORKER_FIELDS
from ledger.values import is_blank
from tests.helpers import snapshot, worker
from tests.workbooks import communities

PAY_CEILING, FUND_CEILING = Decimal(1_000_000), Decimal(100_000_000)   # the defaults (DOMAIN: editable)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# What people type and what workbooks hold: numbers of every size and shape, text that looks like a number, and
# anything else; plus the probes of the review (1e15 and a 20-digit number).
NUMBER_TEXT = st.from_regex(r"\A[-+]?[0-9０-９,，]{0,22}(\.[0-9]{0,4})?([eE][-+]?[0-9]{1,4})?(元)?\Z")
AMOUNTS = st.one_of(
    NUMBER_TEXT, NUMBER_TEXT,
    st.text(max_size=30),
    st.decimals(), st.integers(min_value=-10**25, max_value=10**25), st.floats(),
    st.sampled_from(["1e15", "99999999999999999999", "1000000", "1000000.00", "1000000.01", "100000000",
                     "100000000.01", "-0", "0.005", "NaN", "sNaN", "-Infinity", "１２３．４", "￥88元", "1，234.50",
                     " 12 ", "1e-999999", "9" * 500, True, 10**400]),
)


def expected(raw: object) -> Decimal | None:
    """The number a person meant, when it is one we can tell independently of the parser (else None)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = unicodedata.normalize("NFKC", raw).replace(",", "").strip().removesuffix("元")
    return Decimal(text) if re.fullmatch(r"[-+]?[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)?", text) and any(
        c.isdigit() for c in text) else None


def accepted(value: object, raw: object, ceiling: Decimal, minimum: Decimal = Decimal(0)) -> None:
    """An accepted amount is exact to the fen, within the bound, and the number that was entered."""
    assert isinstance(value, Decimal) and value.as_tuple().exponent == -2, repr(value)
    assert minimum <= value <= ceiling, (raw, value)
    meant = expected(raw)
    if meant is not None:
        assert value == meant, (raw, value)


def refused(message: str, raw: object = None) -> None:
    """A refusal in Chinese, without a Python trace or repr (the text the person typed may be quoted back)."""
    assert CHINESE.search(message), message
    own = message.replace(str(raw), "") if raw is not None else message
    assert "Traceback" not in own and "Decimal(" not in own and "Error" not in own, message


def outcome(call, raw: object, ceiling: Decimal, minimum: Decimal = Decimal(0), errors=(LedgerError,)):
    """Call an entry point: either a clean refusal or an accepted amount (returned); anything else fails."""
    try:
        value = call(raw)
    except errors as exc:
        refused(str(exc), raw)
        return None
    accepted(value, raw, ceiling, minimum)
    return value


# --- a money field parses alone: ValueError with a reason, or the amount -----------------------------------
MONEY_FIELDS = [f for f in (*FUND_FIELDS, *BUDGET_FIELDS, *WORKER_FIELDS) if f.kind == "money"]
CEILINGS = {"pay_amount_max": PAY_CEILING, "fund_amount_max": FUND_CEILING}


def test_every_money_field_names_its_ceiling():
    assert MONEY_FIELDS and all(f.ceiling in CEILINGS for f in MONEY_FIELDS)


@settings(max_examples=400, **SETTINGS)
@given(raw=AMOUNTS, field=st.sampled_from(MONEY_FIELDS))
def test_money_field_parse(raw, field):
    if is_blank(raw) and not field.required:
        assert field.parse(raw, CEILINGS) is None   # left blank: no amount
        return
    outcome(lambda r: field.parse(r, CEILINGS), raw, CEILINGS[field.ceiling], errors=(ValueError,))


# --- the services, on one database each example leaves as it found it --------------------------------------
@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    ledger = Ledger.open(tmp_path_factory.mktemp("amounts") / "a.sqlite", Actor(source="界面"))
    init_street(ledger, "测试街道")
    communities(ledger, "幸福社区")
    WorkerService(ledger).create(worker(post="一岗", level="9"))
    yield ledger
    ledger.close()


def _worker_id(ledger: Ledger) -> int:
    return WorkerService(ledger).list()[0]["id"]


@settings(max_examples=120, **SETTINGS)
@given(raw=AMOUNTS)
def test_payroll_adjustment(shared, raw):
    pay = Payroll(shared)

    def add(amount):
        added = pay.add_adjustment("2026-01", _worker_id(shared), "补发", amount, "补发测试")
        stored = next(a for a in pay.adjustments("2026-01") if a.id == added)
        pay.remove_adjustment(added)
        return stored.amount
    outcome(add, raw, PAY_CEILING, Decimal("0.01"))


@settings(max_examples=120, **SETTINGS)
@given(raw=AMOUNTS)
def test_fund_entry(shared, raw):
    service = FundService(shared)

    def create(amount):
        record = service.create({"entry_date": "2026-03-01", "community": "幸福社区", "category": "其他",
                                 "direction": "支出", "amount": amount})
        service.delete(record["id"])
        return record["amount"]
    outcome(create, raw, FUND_CEILING, Decimal("0.01"))


@settings(max_examples=120, **SETTINGS)
@given(raw=AMOUNTS)
def test_budget(shared, raw):
    service = BudgetService(shared)

    def create(amount):
        record = service.create({"year": "2026", "community": "幸福社区", "category": "其他", "amount": amount})
        service.delete(record["id"])
        return record["amount"]
    outcome(create, raw, FUND_CEILING)


@settings(max_examples=80, **SETTINGS)
@given(raw=AMOUNTS)
def test_worker_contribution_base(shared, raw):
    service = WorkerService(shared)

    wid = _worker_id(shared)

    def update(amount):
        value = service.update(wid, {"contribution_base": amount})["contribution_base"]
        service.update(wid, {"contribution_base": ""})
        return value
    if is_blank(raw):
        assert update(raw) is None   # blank: the base follows the month's pay
        return
    outcome(update, raw, PAY_CEILING)


@settings(max_examples=80, **SETTINGS)
@given(raw=AMOUNTS)
def test_pay_standard_matrix_import(shared, raw):
    """The 岗位等级工资 sheet with one amount as generated (一岗18级: the top, so that any larger amount is in order)."""
    standards = PayStandards(shared)
    rows = matrix_rows(standards.in_force(date(2026, 1, 1)))
    top = next(i for i, row in enumerate(rows) if row[0] == 18)
    rows[top][1] = raw
    outcome(lambda _: standards.import_matrix(rows, date(2026, 7, 1)).matrix[(1, 18)], raw, PAY_CEILING)


@settings(max_examples=80, **SETTINGS)
@given(raw=AMOUNTS)
def test_opening_figures(shared, raw):
    pay = Payroll(shared)
    wid = _worker_id(shared)
    number = WorkerService(shared).get(wid)["id_number"]
    sheet = [["姓名", "身份证号", "累计应发", "累计专项扣除", "累计专项附加扣除", "累计已预扣税额", "任职月数"],
             ["张华", number, raw, "0", "0", "0", "3"]]

    def store(amount):
        openings, first = parse_openings(sheet)
        pay.set_openings(2026, openings, first)
        return next(o for o in pay.openings(2026) if o["worker_id"] == wid)["累计应发"]
    outcome(store, raw, PAY_CEILING)


@settings(max_examples=120, **SETTINGS)
@given(raw=AMOUNTS, kind=st.sampled_from(["funds", "budgets"]))
def test_import_of_a_money_column(shared, tmp_path, raw, kind):
    header = {"funds": ["日期", "所属社区", "经费类别", "收支", "金额"], "budgets": ["年度", "所属社区", "经费类别", "预算金额"]}
    row = {"funds": ["2026-03-01", "幸福社区", "其他", "支出", raw], "budgets": [2026, "幸福社区", "其他", raw]}
    loaded = Loaded(tmp_path / "x.xlsx", "xlsx", ["Sheet1"], Sheet("Sheet1", [header[kind], row[kind]]))
    plan = preview(shared, kind, loaded, layout_for(loaded, kind))
    (planned,) = plan.rows
    label = header[kind][-1]
    problems = [p for p in planned.problems if p.field == label]
    if problems:
        assert all(p.row == 2 for p in problems)
        refused(str(problems[0]), raw)
    elif not planned.problems:
        accepted(planned.attrs["amount"], raw, FUND_CEILING, Decimal("0.01") if kind == "funds" else Decimal(0))


# --- the review's probes, and the ceiling an administrator changes -----------------------------------------
@pytest.mark.parametrize("amount", ["1e15", "99999999999999999999", 1e15, 10**20])
def test_an_absurd_adjustment_is_refused_in_chinese_and_nothing_is_written(ledger, amount):
    communities(ledger, "幸福社区")
    wid = WorkerService(ledger).create(worker())["id"]
    from ledger.models import PayAdjustment
    with pytest.raises(LedgerError) as refusal:
        Payroll(ledger).add_adjustment("2026-01", wid, "补发", amount, "补发")
    assert str(refusal.value).startswith("金额：") and "不能超过1,000,000.00元" in str(refusal.value)
    assert snapshot(ledger, PayAdjustment) == []


def test_the_administrator_sets_the_ceiling_of_each_kind(ledger):
    communities(ledger, "幸福社区")
    wid = WorkerService(ledger).create(worker())["id"]
    pay, funds = Payroll(ledger), FundService(ledger)
    entry = {"entry_date": "2026-03-01", "community": "幸福社区", "category": "其他", "direction": "拨入"}
    with pytest.raises(LedgerError, match="不能超过1,000,000.00元"):
        pay.add_adjustment("2026-01", wid, "补发", "1500000", "年终一次性补发")
    assert funds.create({**entry, "amount": "1500000"})["amount"] == Decimal("1500000.00")   # a higher ceiling
    put_setting(ledger, "pay_amount_max", 2_000_000)
    put_setting(ledger, "fund_amount_max", 1_000_000)
    pay.add_adjustment("2026-01", wid, "补发", "1500000", "年终一次性补发")
    assert pay.adjustments("2026-01")[0].amount == Decimal("1500000.00")
    with pytest.raises(LedgerError, match="金额：“1500000”过大：不能超过1,000,000.00元"):
        funds.create({**entry, "amount": "1500000"})
