"""年度人力成本 (xlsx): per worker and in total, the year's 应发 plus employer contributions, with a what-if."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from exports import ExportError
from exports.pay_records import ProgressFn
from exports.template import fill
from ledger import audit, clock
from ledger.app import Ledger
from ledger.pay.columns import EMPLOYER_KEYS, label
from ledger.pay.cost import CostReport, annual_cost
from ledger.services.street import street_name

TEMPLATE = "年度人力成本.xlsx"
FIELDS = ("社区", "姓名", "岗位", "等级", "发薪月数", "全年应发", *map(label, EMPLOYER_KEYS), "单位缴费合计", "人力成本合计",
          "已审批月数")


def export_labour_cost(ledger: Ledger, year: int, out: str | Path, raise_amount: Decimal | str | int = 100,
                       progress: ProgressFn | None = None, *, raise_from: str | None = None,
                       warn: Callable[[str], None] | None = None) -> CostReport:
    """Write the year's cost per worker with the what-if of a raise from `raise_from` (default: the first month
    not yet approved; see ledger.pay.cost.annual_cost)."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"年度人力成本只能导出为 .xlsx，而“{out.name}”不是")
    report = annual_cost(ledger, year, raise_amount, raise_from)
    if progress is not None and progress(1, 2) is False:
        from exports.pdf import ExportCancelled
        raise ExportCancelled()
    rows = [{"社区": r.community, "姓名": r.name, "岗位": r.post_name, "等级": r.level, "发薪月数": r.months,
             "全年应发": r.gross, **{label(key): r.sums[key] for key in EMPLOYER_KEYS},
             "单位缴费合计": r.employer_total, "人力成本合计": r.cost, "已审批月数": r.approved_months}
            for r in report.rows]
    values = {"街道名称": street_name(ledger) or "", "年": year, "报告期": f"{year}年度", "制表日期": clock.today(),
              "测算说明": report.note, "调整测算": report.what_if}
    fill(TEMPLATE, values, rows, out_path=out, fields=FIELDS, group_key="社区", warn=warn)
    if progress is not None:
        progress(2, 2)
    audit.exported(ledger, f"年度人力成本 {year}", out, len(rows), personal=False)
    return report
