"""年度人力成本's what-if: from which month a raise applies, and never re-pricing an approved month.

By hand (示例标准), a raise of 100 yuan on every 等级额, per month:
- 李网格, 三岗5级: 应发 3,120.00 → 3,220.00 (+100.00); 缴费基数 stays at the 4,000 floor (3,220 < 4,000), so the
  employer's contributions do not move: +100.00 a month.
- 王书记, 一岗18级, 一肩挑, 高级社会工作师: 应发 5,260.00 → 5,360.00; 缴费基数 5,260 → 5,360, and the employer's
  shares on it: 养老 16 % +16.00, 医疗 8 % +8.00, 失业 0.5 % +0.50, 工伤 0.2 % +0.20, 公积金 12 % +12.00:
  +136.70 a month.
- Together +236.70 a month: from July (January–June approved) 6 × 236.70 = 1,420.20; from October 3 × 236.70
  = 710.10; over a year with nothing approved 12 × 236.70 = 2,840.40.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from exports.labour_cost import export_labour_cost
from ledger.errors import ValidationError
from ledger.idcard import make_id
from ledger.pay.cost import annual_cost, first_open_month
from ledger.pay.runs import Payroll
from ledger.services.communities import CommunityService
from ledger.services.workers import WorkerService
from tests.helpers import worker


@pytest.fixture
def two_workers(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    CommunityService(ledger).create({"name": "和平社区"})
    ws = WorkerService(ledger)
    ws.create(worker(name="王书记", id_number=make_id("150203", date(1975, 1, 2), 11), title="书记", post="一岗",
                     level="18", dual_role="是", qualification="高级社会工作师", started_on="2003.05"))
    ws.create(worker(community="和平社区", name="李网格", id_number=make_id("150203", date(1990, 2, 3), 12),
                     title="专职网格员", post="三岗", level="5", qualification="助理社会工作师", started_on="2018.01"))
    return ledger


def _approve_through(ledger, last: int) -> None:
    pay = Payroll(ledger)
    for month in range(1, last + 1):
        pay.run(f"2026-{month:02d}")
        pay.approve(f"2026-{month:02d}")


def test_a_year_with_nothing_approved_counts_the_raise_from_january(two_workers):
    report = annual_cost(two_workers, 2026, 100)
    assert report.raise_from == "2026-01" and report.extra_cost == Decimal("2840.40")
    assert report.what_if == ("若自2026年1月起等级额上调100元（每人每月），2026年全年财政支出增加2,840.40元（含单位缴费）；"
                              "已审批的月份不按新标准重算。")


def test_the_raise_counts_from_the_first_month_not_approved_and_never_reprices_one(two_workers, tmp_path):
    _approve_through(two_workers, 6)
    assert first_open_month(two_workers, 2026) == "2026-07"
    report = annual_cost(two_workers, 2026, "100")
    assert report.raise_from == "2026-07" and report.extra_cost == Decimal("1420.20")
    assert report.what_if.startswith("若自2026年7月起等级额上调100元（每人每月），2026年7—12月财政支出增加1,420.20元")
    later = annual_cost(two_workers, 2026, 100, raise_from="2026-10")
    assert later.extra_cost == Decimal("710.10") and "若自2026年10月起" in later.what_if
    assert later.total == report.total          # the year's cost itself does not depend on the what-if
    with pytest.raises(ValidationError, match="2026年3月的工资表已审批，不按新标准重算；最早从2026年7月起测算"):
        annual_cost(two_workers, 2026, 100, raise_from="2026-03")
    with pytest.raises(ValidationError, match="2027年1月不在2026年内"):
        annual_cost(two_workers, 2026, 100, raise_from="2027-01")
    # the file says it
    out = tmp_path / "成本.xlsx"
    export_labour_cost(two_workers, 2026, out, 100, raise_from="2026-10")
    texts = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert ("若自2026年10月起等级额上调100元（每人每月），2026年10—12月财政支出增加710.10元（含单位缴费）；"
            "已审批的月份不按新标准重算。") in texts


def test_a_year_all_approved_is_no_longer_affected(two_workers):
    _approve_through(two_workers, 12)
    report = annual_cost(two_workers, 2026, 100)
    assert report.extra_cost == 0 and report.raise_from == "2027-01"
    assert report.what_if.startswith("2026年各月工资表均已审批，等级额上调100元（每人每月）不再影响2026年的财政支出")


def test_the_command_line_takes_the_month(tmp_path, capsys):
    from cli import main
    db = ["--db", str(tmp_path / "街道.sqlite")]
    assert main(db + ["demo"]) == 0
    for command in (["payroll", "run", "2026-01"], ["payroll", "approve", "2026-01"]):
        assert main(db + command) == 0
    capsys.readouterr()
    out = tmp_path / "成本.xlsx"
    assert main(db + ["export", "cost", "--year", "2026", "--raise", "50", "--from", "2026-07", "-o", str(out)]) == 0
    assert "若自2026年7月起等级额上调50元（每人每月），2026年7—12月财政支出增加" in capsys.readouterr().out
    assert main(db + ["export", "cost", "--year", "2026", "--from", "2026-01", "-o", str(out)]) != 0
    assert "2026年1月的工资表已审批" in capsys.readouterr().err
