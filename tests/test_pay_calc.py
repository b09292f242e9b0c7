"""The pay engine against examples worked out by hand from DOMAIN.md §3, to the fen."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from ledger.money import from_fen as yuan
from ledger.money import to_fen as fen
from ledger.pay.calc import CompiledStandard, Extras, WorkerFacts, YearToDate, annual_tax, compute_line, restore_line
from ledger.pay.grading import GradingFacts, propose_one, starting_level
from ledger.paystandard import default_standard

STD = default_standard()


def raised(amount: int):
    """The 示例标准 with every 岗位等级工资 raised by `amount` yuan (a better-paid city, so that tax is due)."""
    return replace(STD, matrix={k: v + amount for k, v in STD.matrix.items()})


def y(line, key: str) -> Decimal:
    return line.amount(key)


def test_first_post_level_18_dual_role_senior_social_worker():
    # 岗位等级工资 = 一岗基数 2800 + 等级额 (100 + 80 × 17 = 1460) = 4260.00
    # fixed pay = 4260 + 基础绩效 200 + 一肩挑 300 + 高级社会工作师 500 = 5260.00 = 应发合计 (no bonus)
    # 缴费基数 = 5260 (whole yuan already, inside 4000–30000)
    # 养老 5260 × 8% = 420.80; 医疗 × 2% = 105.20; 失业 × 0.5% = 26.30; 公积金 × 12% = 631.20; sum 1183.50
    # 个税: 5260 − 1183.50 − 5000 = −923.50 < 0 -> taxable 0, tax 0
    # 实发 = 5260.00 − 1183.50 = 4076.50
    # employer: 16% 841.60, 8% 420.80, 0.5% 26.30, 0.2% 10.52, 12% 631.20
    worker = WorkerFacts(1, post=1, level=18, dual_role=True, qualification="高级社会工作师")
    line = compute_line(worker, CompiledStandard(STD), YearToDate())
    expected = {"grade_pay": "4260.00", "basic_performance": "200.00", "dual_role_allowance": "300.00",
                "qualification_allowance": "500.00", "bonus": "0.00", "gross": "5260.00",
                "contribution_base": "5260.00", "pension": "420.80", "medical": "105.20", "unemployment": "26.30",
                "housing_fund": "631.20", "tax": "0.00", "deduct_total": "1183.50", "net": "4076.50",
                "cum_taxable": "0.00", "er_pension": "841.60", "er_medical": "420.80", "er_unemployment": "26.30",
                "er_injury": "10.52", "er_housing_fund": "631.20"}
    assert {k: y(line, k) for k in expected} == {k: Decimal(v) for k, v in expected.items()}
    assert line.months_employed == 1
    assert "一岗18级" in line.explanation and "高级社会工作师" in line.explanation


def test_third_post_worker_below_tax_threshold_base_clamped_to_minimum():
    # 三岗5级: 2300 + 100 + 80 × 4 = 2720.00; + 基础绩效 200 + 助理社会工作师 200 = 3120.00 应发
    # 缴费基数: 3120 below the 4000 floor -> 4000.00
    # 养老 320.00, 医疗 80.00, 失业 20.00, 公积金 480.00 = 900.00
    # 个税 0 (3120 − 900 − 5000 < 0); 实发 = 3120.00 − 900.00 = 2220.00
    worker = WorkerFacts(2, post=3, level=5, qualification="助理社会工作师", special_deduction=fen("1000"))
    line = compute_line(worker, CompiledStandard(STD), YearToDate())
    assert (y(line, "grade_pay"), y(line, "gross"), y(line, "contribution_base")) == \
        (Decimal("2720.00"), Decimal("3120.00"), Decimal("4000.00"))
    assert (y(line, "pension"), y(line, "medical"), y(line, "unemployment"), y(line, "housing_fund")) == \
        (Decimal("320.00"), Decimal("80.00"), Decimal("20.00"), Decimal("480.00"))
    assert (y(line, "tax"), y(line, "deduct_total"), y(line, "net")) == \
        (Decimal("0.00"), Decimal("900.00"), Decimal("2220.00"))
    assert y(line, "cum_special") == Decimal("1000.00")
    assert "低于下限" in line.explanation


def test_own_contribution_base_is_clamped_to_the_maximum():
    # own 缴费基数 35000 > 30000 -> 30000; 养老 2400.00, 医疗 600.00, 失业 150.00, 公积金 3600.00
    worker = WorkerFacts(3, post=2, level=4, contribution_base=fen("35000"))
    line = compute_line(worker, CompiledStandard(STD), YearToDate())
    assert y(line, "contribution_base") == Decimal("30000.00")
    assert (y(line, "pension"), y(line, "medical"), y(line, "unemployment"), y(line, "housing_fund")) == \
        (Decimal("2400.00"), Decimal("600.00"), Decimal("150.00"), Decimal("3600.00"))


# A better-paid city: every 岗位等级工资 + 6000. 一岗18级 一肩挑 高级社工师:
#   岗位等级工资 10260; fixed = 10260 + 200 + 300 + 500 = 11260.00 = 缴费基数
#   养老 900.80, 医疗 225.20, 失业 56.30, 公积金 1351.20 -> 2533.50
#   monthly taxable income = 11260 − 2533.50 − 5000 = 3726.50
RICH = raised(6000)
RICH_WORKER = WorkerFacts(4, post=1, level=18, dual_role=True, qualification="高级社会工作师")


def _year(std, worker, months: int, before: YearToDate = YearToDate(), bonus_month: int | None = None,
          grade: str | None = None):
    compiled = CompiledStandard(std)
    lines = []
    for month in range(1, months + 1):
        extras = Extras(grade, True) if month == bonus_month else Extras()
        line = compute_line(worker, compiled, before, extras)
        lines.append(line)
        before = YearToDate(line.cum_gross, line.cum_insurance, line.cum_special, line.cum_tax, line.months_employed)
    return lines


def test_month_crossing_36000_into_the_10_percent_bracket():
    lines = _year(RICH, RICH_WORKER, 12)
    jan, feb, aug, sep, octo, nov, dec = (lines[i] for i in (0, 1, 7, 8, 9, 10, 11))
    assert y(jan, "deduct_total") - y(jan, "tax") == Decimal("2533.50")
    # Jan: 3726.50 × 3% = 111.795 -> 111.80 (half-up)
    assert y(jan, "tax") == Decimal("111.80")
    # Feb: 7453.00 × 3% = 223.59; − 111.80 = 111.79
    assert y(feb, "tax") == Decimal("111.79")
    # Aug: 29812.00 × 3% = 894.36 cumulative
    assert y(aug, "cum_tax") == Decimal("894.36")
    # Sep: 33538.50 × 3% = 1006.155 -> 1006.16; tax = 1006.16 − 894.36 = 111.80
    assert (y(sep, "cum_taxable"), y(sep, "tax")) == (Decimal("33538.50"), Decimal("111.80"))
    # Oct crosses 36000: 37265.00 × 10% − 2520 = 1206.50; tax = 1206.50 − 1006.16 = 200.34
    assert (y(octo, "cum_taxable"), y(octo, "tax")) == (Decimal("37265.00"), Decimal("200.34"))
    assert octo.tax_rate == "10%"
    # 实发 Oct = 11260.00 − 2533.50 − 200.34 = 8526.16
    assert y(octo, "net") == Decimal("8526.16")
    # Nov: 40991.50 × 10% − 2520 = 1579.15; − 1206.50 = 372.65
    assert y(nov, "tax") == Decimal("372.65")
    # Year: 44718.00 × 10% − 2520 = 1951.80 withheld in total; Dec = 1951.80 − 1579.15 = 372.65
    assert (y(dec, "cum_tax"), y(dec, "tax")) == (Decimal("1951.80"), Decimal("372.65"))
    assert sum(line.tax for line in lines) == annual_tax(dec.cum_taxable, CompiledStandard(RICH)) == fen("1951.80")


def test_bonus_month_default_standard_no_tax():
    # 一岗18级 一肩挑 高级社工师 on the 示例标准, December pays 奖励性绩效 优秀 6000:
    # 应发 = 5260 + 6000 = 11260.00; 缴费基数 stays 5260 (fixed pay only): deductions 1183.50
    # cumulative: 69120.00 − 14202.00 − 60000 = −5082 -> no tax; 实发 = 11260.00 − 1183.50 = 10076.50
    lines = _year(STD, WorkerFacts(5, 1, 18, True, "高级社会工作师"), 12, bonus_month=12, grade="优秀")
    dec = lines[-1]
    assert (y(dec, "bonus"), y(dec, "gross"), y(dec, "contribution_base")) == \
        (Decimal("6000.00"), Decimal("11260.00"), Decimal("5260.00"))
    assert (y(dec, "tax"), y(dec, "net"), y(dec, "cum_gross")) == \
        (Decimal("0.00"), Decimal("10076.50"), Decimal("69120.00"))
    assert "年度考核优秀" in dec.explanation


def test_bonus_month_with_tax():
    # The better-paid worker, December with 优秀 6000. Before Dec: cum_gross 11 × 11260 = 123860.00,
    # cum 专项扣除 11 × 2533.50 = 27868.50, 已预扣 1579.15 (Nov above).
    # Dec: cum_gross 141120.00 − 30402.00 − 60000 = 50718.00; × 10% − 2520 = 2551.80; tax = 972.65
    # 实发 = 17260.00 − 2533.50 − 972.65 = 13753.85
    dec = _year(RICH, RICH_WORKER, 12, bonus_month=12, grade="优秀")[-1]
    assert (y(dec, "gross"), y(dec, "cum_taxable"), y(dec, "tax"), y(dec, "net")) == \
        (Decimal("17260.00"), Decimal("50718.00"), Decimal("972.65"), Decimal("13753.85"))


def test_worker_hired_mid_year_counts_only_months_with_this_unit():
    # Hired in July, first pay: 任职月数 1, so only one 5000 减除费用: 3726.50 × 3% = 111.795 -> 111.80
    # (were 7 months counted, 11260 − 2533.50 − 35000 < 0 and no tax would be due)
    july = compute_line(RICH_WORKER, CompiledStandard(RICH), YearToDate())
    assert (july.months_employed, y(july, "tax"), y(july, "cum_taxable")) == (1, Decimal("111.80"), Decimal("3726.50"))


def test_opening_figures_continue_the_cumulative_method():
    # Office starts in July; opening = Jan–Jun elsewhere in this app's absence:
    # 累计应发 67560.00, 专项扣除 15201.00, 已预扣 670.77 (22359.00 × 3%), 6 months.
    # July: 26085.50 × 3% = 782.565 -> 782.57; tax = 782.57 − 670.77 = 111.80
    opening = YearToDate.from_yuan("67560.00", "15201.00", "0", "670.77", 6)
    july = compute_line(RICH_WORKER, CompiledStandard(RICH), opening)
    assert (july.months_employed, y(july, "cum_taxable"), y(july, "tax")) == (7, Decimal("26085.50"), Decimal("111.80"))


def test_special_deductions_and_manual_lines():
    # RICH worker, Jan, 专项附加扣除 1000/month, 其他补发 500 (taxable), 其他扣款 100 (after tax):
    # 应发 11760.00; taxable = 11760 − 2533.50 − 5000 − 1000 = 3226.50 × 3% = 96.795 -> 96.80
    # 扣款合计 = 2533.50 + 96.80 + 100 = 2730.30; 实发 = 11760.00 − 2730.30 = 9029.70
    worker = replace(RICH_WORKER, special_deduction=fen("1000"))
    extras = Extras(other_add=fen("500"), other_deduct=fen("100"), notes=("其他补发 500.00（补发3月差额）",))
    line = compute_line(worker, CompiledStandard(RICH), YearToDate(), extras)
    assert (y(line, "gross"), y(line, "tax"), y(line, "deduct_total"), y(line, "net")) == \
        (Decimal("11760.00"), Decimal("96.80"), Decimal("2730.30"), Decimal("9029.70"))
    # 其他扣款 100 withheld from pay before tax (扣发): taxable 3126.50 × 3% = 93.795 -> 93.80
    pretax = Extras(other_add=fen("500"), other_deduct=fen("100"), other_deduct_pretax=fen("100"))
    assert yuan(compute_line(worker, CompiledStandard(RICH), YearToDate(), pretax).tax) == Decimal("93.80")


def test_restored_line_explains_the_same_as_the_computed_one():
    line = _year(RICH, RICH_WORKER, 10)[-1]
    assert restore_line(line, line.worker_id, CompiledStandard(RICH)).explanation == line.explanation


def test_level_outside_the_matrix_is_refused_in_chinese():
    with pytest.raises(ValueError, match="三岗13级"):
        compute_line(WorkerFacts(9, post=3, level=13), CompiledStandard(STD), YearToDate())


# --- grading ------------------------------------------------------------------------------------------------
def test_starting_level_takes_the_higher_bonus_not_both():
    # 7 years -> 1 + 2 = 3; 本科 1 vs 社会工作师 2 -> +2 (就高不叠加) = 5; 三岗 1–12 -> 5
    start = starting_level(STD, 3, 7, "本科", "社会工作师")
    assert (start.level, start.bonus) == (5, 2)
    # 一岗 7–18: 1 + 0 + 0 = 1 -> clamped up to 7
    assert starting_level(STD, 1, 0, None, None).level == 7
    # 40 years + 博士: 1 + 13 + 3 = 17 -> 三岗 at most 12
    assert starting_level(STD, 3, 40, "博士", None).level == 12
    summed = replace(STD, grading=replace(STD.grading, stacking="sum"))
    assert starting_level(summed, 3, 7, "本科", "社会工作师").level == 6


def _facts(**over):
    from datetime import date
    values = dict(worker_id=1, name="张华", community="幸福社区", post=3, level=5, started_on=date(2020, 3, 1))
    values.update(over)
    return GradingFacts(**values)


def test_step_after_three_counted_years_and_failed_year_not_counted():
    from datetime import date
    # started 2020-03-01: by 2025-12-31 5 full years, by 2026-12-31 6 -> passes 6 (2 × 3): one step
    step = propose_one(STD, _facts(), 2026)
    assert (step.old_level, step.new_level, step.approvable) == (5, 6, True) and "满3年晋级" in step.reason
    # the same with 2026 appraised 不合格: counted stays 5 -> no step, and the reason says so
    failed = propose_one(STD, _facts(appraisals={2026: "不合格"}), 2026)
    assert (failed.new_level, failed.approvable) == (5, False) and "考核不合格不计年限" in failed.reason
    # 2025 不合格 shifts the step to 2027: nothing in 2026
    assert propose_one(STD, _facts(appraisals={2025: "不合格"}), 2026) is None
    # at the post's top
    top = propose_one(STD, _facts(level=12), 2026)
    assert (top.new_level, top.approvable) == (12, False) and "已达岗位最高级" in top.reason
    # a certificate obtained in 2026 adds the difference to the bonus already credited
    cert = propose_one(STD, _facts(started_on=date(2024, 1, 1), credited_bonus=1, education="本科",
                                   certificates=(("职业资格", "社会工作师", date(2026, 6, 1)),)), 2026)
    assert (cert.new_level, cert.new_bonus) == (6, 2) and "取得学历/证书" in cert.reason
