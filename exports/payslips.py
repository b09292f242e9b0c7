"""工资条: one slip per worker with its own header row — a PDF of several slips per A4 page with cut lines, or xlsx."""
from __future__ import annotations

from pathlib import Path

from exports import ExportError
from exports.pay_records import AMOUNTS, ProgressFn, month_lines, records, title_values
from exports.pdf import Slip, render_slips
from exports.template import fill
from ledger import audit
from ledger.app import Ledger
from ledger.pay.runs import month_key

TEMPLATE = "工资条.xlsx"
SLIP_LABELS = ("姓名", "社区", "岗位", "等级", *AMOUNTS)
# On paper the name and community head each slip, so its table fits one band across a landscape A4.
PDF_LABELS = ("岗位", "等级", *AMOUNTS)
PDF_KINDS = ("center", "center") + ("amount",) * len(AMOUNTS)


def export_payslips(ledger: Ledger, month: str, out: str | Path, progress: ProgressFn | None = None) -> Path:
    """Write the month's pay slips; .pdf (several per page, never split) or .xlsx (two rows per slip)."""
    month = month_key(month)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ExportError(f"工资条只能导出为 .pdf 或 .xlsx，而“{out.name}”不是")
    lines = month_lines(ledger, month)
    values = title_values(ledger, month)
    title = f"{values['街道名称']}社区工作者{values['年']}年{values['月']}月工资条"
    if suffix == ".pdf":
        slips = [Slip(PDF_LABELS, [r[k] for k in PDF_LABELS], caption=f"{r['社区']}　{r['姓名']}", kinds=PDF_KINDS)
                 for r in records(lines)]
        render_slips(out, title, slips, landscape_page=True, progress=progress)
    else:
        # every record is its own group, so the template's 小计 row (the figures under the header) follows each
        rows = records(lines)
        for i, row in enumerate(rows):
            row["_条"] = i
        fill(TEMPLATE, values, rows, out_path=out, fields=(*SLIP_LABELS, "_条"), group_key="_条")
        if progress is not None:
            progress(1, 1)
    audit.exported(ledger, f"工资条 {month}", out, len(lines), personal=False)
    return out
