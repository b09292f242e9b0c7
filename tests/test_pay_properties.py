"""Properties of the pay engine over random workers and random standards (hypothesis)."""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.money import to_fen as fen
from ledger.pay.calc import CompiledStandard, Extras, WorkerFacts, YearToDate, compute_line
from ledger.paystandard import QUALIFICATIONS, Post, default_standard

BASE = default_standard()
money = st.integers(min_value=0, max_value=2_000_000).map(lambda f: Decimal(f).scaleb(-2))


@st.composite
def standards(draw):
    """A standard of 1–4 posts with overlapping level ranges, a matrix rising by whole yuan, random items and rates."""
    levels = draw(st.integers(min_value=6, max_value=30))
    names = ("一岗", "二岗", "三岗", "四岗")
    posts = []
    for code in range(1, draw(st.integers(min_value=1, max_value=4)) + 1):
        low = draw(st.integers(min_value=1, max_value=levels))
        high = draw(st.integers(min_value=low, max_value=levels))
        posts.append(Post(code, names[code - 1], f"第{code}类", low, high))
    matrix = {}
    for post in posts:
        amount = Decimal(draw(st.integers(min_value=500, max_value=20_000)))
        for level in range(post.min_level, post.max_level + 1):
            matrix[(post.code, level)] = amount.quantize(Decimal("0.01"))
            amount += draw(st.integers(min_value=1, max_value=900)) + Decimal(draw(st.integers(0, 99))).scaleb(-2)
    # 0–10 % by 0.1 % each: the four employee items and the top tax rate together stay below 100 %
    rate = st.integers(min_value=0, max_value=100).map(lambda n: Decimal(n).scaleb(-3))
    low_base = draw(st.integers(min_value=0, max_value=8000))
    return replace(
        BASE, levels=levels, posts=tuple(posts), matrix=matrix, basic_performance=draw(money),
        dual_role_allowance=draw(money), qualification_allowance={q: draw(money) for q in QUALIFICATIONS[1:]},
        appraisal_bonus={g: draw(money) for g in BASE.appraisal_bonus},
        employee_rates={k: draw(rate) for k in BASE.employee_rates},
        employer_rates={k: draw(rate) for k in BASE.employer_rates},
        base_min=Decimal(low_base), base_max=Decimal(low_base + draw(st.integers(min_value=0, max_value=40_000))))


@st.composite
def worker_in(draw, standard):
    post = draw(st.sampled_from(standard.posts))
    own = draw(st.none() | st.integers(min_value=0, max_value=5_000_000))
    return WorkerFacts(draw(st.integers(1, 10**6)), post.code, draw(st.integers(post.min_level, post.max_level)),
                       draw(st.booleans()), draw(st.sampled_from((None,) + QUALIFICATIONS)), own,
                       draw(st.integers(min_value=0, max_value=1_000_000)))


@st.composite
def cases(draw):
    standard = draw(standards())
    return standard, draw(worker_in(standard))


extras = st.builds(Extras, st.sampled_from((None, "优秀", "合格", "基本合格", "不合格")), st.booleans(),
                   st.integers(0, 1_000_000), st.just(0), st.integers(0, 300_000), st.just(0))


@settings(max_examples=300, deadline=None)
@given(cases(), st.lists(extras, min_size=1, max_size=12))
def test_every_line_adds_up_and_tax_is_never_negative(case, months):
    standard, worker = case
    std = CompiledStandard(standard)
    before = YearToDate()
    for extra in months:
        line = compute_line(worker, std, before, extra)
        assert line.net == line.gross - line.deduct_total
        assert line.gross == (line.grade_pay + line.basic_performance + line.dual_role_allowance
                              + line.qualification_allowance + line.bonus + line.other_add)
        assert line.deduct_total == (line.pension + line.medical + line.unemployment + line.housing_fund + line.tax
                                     + line.other_deduct)
        assert line.tax >= 0 and line.cum_tax >= 0 and line.cum_taxable >= 0
        assert fen(standard.base_min) <= line.contribution_base <= fen(standard.base_max)
        before = YearToDate(line.cum_gross, line.cum_insurance, line.cum_special, line.cum_tax, line.months_employed)


def _annual_tax_by_hand(taxable: Decimal) -> Decimal:
    """The year's tax from the table, in Decimal, independent of the engine."""
    taxable = max(Decimal(0), taxable)
    for bracket in BASE.tax_brackets:
        if bracket.upper is None or taxable <= bracket.upper:
            return max(Decimal(0), (taxable * bracket.rate - bracket.quick_deduction).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP))
    raise AssertionError


@settings(max_examples=300, deadline=None)
@given(cases())
def test_withheld_tax_of_a_constant_year_equals_the_annual_tax(case):
    standard, worker = case
    std = CompiledStandard(standard)
    before, withheld, lines = YearToDate(), 0, []
    for _ in range(12):
        line = compute_line(worker, std, before)
        withheld += line.tax
        lines.append(line)
        before = YearToDate(line.cum_gross, line.cum_insurance, line.cum_special, line.cum_tax, line.months_employed)
    first = lines[0]
    monthly = (first.amount("gross") - first.amount("pension") - first.amount("medical") - first.amount("unemployment")
               - first.amount("housing_fund") - standard.monthly_exemption - first.amount("special_deduction"))
    assert Decimal(withheld).scaleb(-2) == _annual_tax_by_hand(12 * monthly)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_pay_never_decreases_with_level(case):
    """A higher level never pays less: 应发 in every month, 实发 in a first month and over the year.

    Not 实发 in every single month: under the cumulative method a higher earner crosses into the next tax
    bracket in an earlier month, so in the month the lower earner crosses, the higher earner's month can be
    taxed at the higher rate throughout; the year's withholding stays monotonic.
    """
    standard, worker = case
    std = CompiledStandard(standard)
    post = standard.post(worker.post)
    previous = None
    for level in range(post.min_level, post.max_level + 1):
        facts = replace(worker, level=level)
        before, year = YearToDate(), []
        for _ in range(12):
            line = compute_line(facts, std, before)
            year.append(line)
            before = YearToDate(line.cum_gross, line.cum_insurance, line.cum_special, line.cum_tax,
                                line.months_employed)
        if previous is not None:
            assert all(now.gross >= then.gross for now, then in zip(year, previous))
            assert year[0].net >= previous[0].net
            assert sum(line.net for line in year) >= sum(line.net for line in previous)
        previous = year


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases(), st.lists(st.tuples(st.sampled_from(("幸福社区", "和平社区", "光明社区")), extras), min_size=1,
                         max_size=40))
def test_salary_sheet_totals_equal_the_sum_of_rows(tmp_path, case, people):
    """The 工资发放表 template's 小计 and 合计 rows are the sums of the rows above them."""
    from exports.pay_records import FIELDS, record
    from exports.template import fill
    from ledger.pay.columns import KEYS, MONEY_KEYS, SHEET_AMOUNTS
    from ledger.pay.runs import LineRecord

    amounts = [c.label for c in SHEET_AMOUNTS]
    standard, worker = case
    std = CompiledStandard(standard)
    lines = []
    for i, (community, extra) in enumerate(sorted(people, key=lambda p: p[0])):
        r = compute_line(worker, std, YearToDate(), extra)
        figures = {k: r.amount(k) if k in MONEY_KEYS else getattr(r, k) for k in KEYS}
        lines.append(LineRecord(**figures, id=i, worker_id=i, community=community, worker_name=f"人{i}", id_number="",
                                bank_account=None))
    out = tmp_path / "sheet.xlsx"
    fill("工资发放表.xlsx", {"街道名称": "测", "年": 2026, "月": 1, "报告期": "2026年1月"},
         [record(line) for line in lines], out_path=out, fields=FIELDS, group_key="社区")
    ws = openpyxl.load_workbook(out).active
    labels = [lower.value or upper.value for upper, lower in zip(ws[3], ws[4])]   # two header rows
    columns = {label: labels.index(label) for label in amounts}
    detail, group, checked = {k: Decimal(0) for k in amounts}, {k: Decimal(0) for k in amounts}, 0
    for row in ws.iter_rows(min_row=5, values_only=True):
        first = str(row[0] or "")
        if "小计" in first:
            assert all(Decimal(str(row[j])) == group[k] for k, j in columns.items())
            group = {k: Decimal(0) for k in amounts}
            checked += 1
        elif first.startswith("合计"):
            assert all(Decimal(str(row[j])) == detail[k] for k, j in columns.items())
            checked += 1
            break
        elif isinstance(row[0], int):
            for k, j in columns.items():
                value = Decimal(str(row[j]))
                detail[k] += value
                group[k] += value
            assert Decimal(str(row[columns["实发工资"]])) == Decimal(str(row[columns["应发合计"]])) - Decimal(
                str(row[columns["扣款合计"]]))
    assert checked == len({p[0] for p in people}) + 1
