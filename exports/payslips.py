"""工资条: one slip per worker with its own header row — a PDF of several slips per A4 page with cut lines, or xlsx."""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from exports import ExportError
from exports.pay_records import FIELDS, ProgressFn, month_lines, records, title_values
from exports.pdf import Slip, render_slips
from exports.template import fill
from ledger.files import atomic_write
from ledger import audit
from ledger.app import Ledger
from ledger.pay.columns import SHEET, label
from ledger.money import format_yuan
from ledger.pay.runs import AdjustmentRecord, Payroll, month_key

TEMPLATE = "工资条.xlsx"
FIRST_SLIP_ROW = 1        # the template's first {{#行}} row
SLIP_ROWS = 4             # a slip's rows in the template: title, labels, figures, reasons
SLIPS_PER_PAGE = 8        # fit a landscape A4 scaled to its width; fitting to width only ever shrinks the rows
NOTE = "说明"              # the field of a slip's reasons of its 补发/扣款 lines
# On paper the name and community head each slip, so its table fits one band across a landscape A4.
_ON_PAPER = tuple(c for c in SHEET if c.key not in ("community", "worker_name"))
PDF_LABELS = tuple(c.label for c in _ON_PAPER)
PDF_KINDS = tuple(c.report_kind for c in _ON_PAPER)
PDF_WORDS = tuple(c.words for c in _ON_PAPER)
COMMUNITY, NAME = label("community"), label("worker_name")


def export_payslips(ledger: Ledger, month: str, out: str | Path, progress: ProgressFn | None = None, *,
                    warn: Callable[[str], None] | None = None) -> Path:
    """Write the month's pay slips; .pdf (several per page, never split) or .xlsx (four rows per slip, eight a
    page). Every slip names the street, the month and the worker, and gives the reasons of its 补发/扣款."""
    month = month_key(month)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ExportError(f"工资条只能导出为 .pdf 或 .xlsx，而“{out.name}”不是")
    lines = month_lines(ledger, month)
    values = title_values(ledger, month)
    notes = adjustment_notes(Payroll(ledger).adjustments(month))
    rows = records(lines)
    for line, row in zip(lines, rows):
        row[NOTE] = notes.get(line.worker_id, "")
    title = f"{values['街道名称']}社区工作者{values['年']}年{values['月']}月工资条"
    if suffix == ".pdf":
        slips = [Slip(PDF_LABELS, [r[k] for k in PDF_LABELS], caption=f"{r[COMMUNITY]}　{r[NAME]}", kinds=PDF_KINDS,
                      note=r[NOTE], words=PDF_WORDS) for r in rows]
        render_slips(out, title, slips, landscape_page=True, progress=progress)
    else:
        fill(TEMPLATE, values, rows, out_path=out, fields=(*FIELDS, NOTE), warn=warn)
        _page_breaks_between_slips(out, len(rows))
        if progress is not None:
            progress(1, 1)
    audit.exported(ledger, f"工资条 {month}", out, len(lines), personal=False)
    return out


def adjustment_notes(adjustments: Iterable[AdjustmentRecord]) -> dict[int, str]:
    """Per worker, the month's 其他补发/其他扣款 with their reasons, as a slip explains them."""
    parts: dict[int, list[str]] = {}
    for a in adjustments:
        parts.setdefault(a.worker_id, []).append(f"其他{a.kind} {format_yuan(a.amount)}元：{a.reason}")
    return {wid: "说明：" + "；".join(texts) for wid, texts in parts.items()}


def _page_breaks_between_slips(path: Path, slips: int) -> None:
    """Manual page breaks every SLIPS_PER_PAGE slips, so that a printed slip is never cut across two pages.

    Written into the worksheet XML directly (after <headerFooter>, where the schema wants <rowBreaks>): loading
    and saving 10,000 slips with openpyxl only to add breaks would take seconds and round-trip the whole file.
    """
    rows = [FIRST_SLIP_ROW - 1 + SLIP_ROWS * n for n in range(SLIPS_PER_PAGE, slips, SLIPS_PER_PAGE)]
    if not rows:
        return
    breaks = (f'<rowBreaks count="{len(rows)}" manualBreakCount="{len(rows)}">'
              + "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in rows) + "</rowBreaks>")
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with atomic_write(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == sheet:
                text = re.sub(r"<rowBreaks\b.*?</rowBreaks>", "", data.decode("utf-8"), flags=re.S)
                for anchor in ("</headerFooter>", "<headerFooter/>", "<headerFooter />"):
                    if anchor in text:
                        text = text.replace(anchor, anchor + breaks, 1)
                        break
                else:
                    raise ExportError("工资条模板缺少页眉页脚设置，无法按人分页")
                data = text.encode("utf-8")
            target.writestr(info, data)
