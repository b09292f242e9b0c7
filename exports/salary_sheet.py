"""工资发放表 (DOMAIN.md §4): the month's pay sheet as xlsx from the template, or as an A4 landscape PDF form."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from exports import ExportError
from exports.fonts import cjk_fonts
from exports.form_text import form_text
from exports.pay_records import FIELDS, REMARK, ProgressFn, bank_remark, month_lines, records, title_values
from exports.pdf import MAX_TEXT_SHARE, Column, FormTable, FormTableRenderer, format_value, narrowest_label
from exports.template import fill, find_template, template_names
from ledger import audit
from ledger.app import Ledger
from ledger.pay.columns import SHEET, SHEET_AMOUNTS, label, spans
from ledger.pay.runs import Payroll, month_key

TEMPLATE = "工资发放表.xlsx"
REMARK_HEIGHT = 27        # points: a 备注 in two lines
NAME = label("worker_name")
SIGNATURE = "领款人签字"
# 序号, the sheet's columns, 领款人签字, 备注; widths are fitted to the text (see _fitted)
PDF_COLUMNS = ([Column("序号", 1, "count")] + [Column(c.label, 1, c.report_kind, c.words) for c in SHEET]
               + [Column(SIGNATURE, 1, words=("领款人", "签字"), handwritten=True), Column(REMARK, 1)])
GROUPS = tuple((group, first + 1, last + 1) for group, first, last in spans(SHEET))   # after 序号
FONT_SIZE = 9.0
_PAD = 2.5 * 2 + 1.5          # the form table's cell padding on both sides, and a little air
_MARGINS = 2 * 15 * 72 / 25.4  # FormTableRenderer's left and right margins, points


class _SalaryPdf(FormTableRenderer):
    """The form table at one font size chosen for the whole table, so that no column is printed smaller."""

    def __init__(self, table: FormTable, size: float):
        self.table_font_size = size
        super().__init__(table, landscape_page=True)


def _fitted(rows: list[list], total: list) -> tuple[list[Column], float]:
    """Columns as wide as their widest text (the 合计 row in bold) and their header in two lines broken between
    words, a text column at most MAX_TEXT_SHARE of the width, and the one font size at which all fit.

    Left to itself the form table would shrink each overflowing column on its own, and a sheet whose 合计 has
    more digits than its rows would print some amount columns smaller than others; one long name, uncapped,
    would shrink every column to make room for itself.
    """
    fonts = cjk_fonts()
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase.pdfmetrics import stringWidth
    room = landscape(A4)[0] - _MARGINS
    widths = []
    for i, column in enumerate(PDF_COLUMNS):
        longest = max((format_value(row[i], column.kind) for row in rows), key=len, default="")
        natural = max(stringWidth(longest, fonts.regular, FONT_SIZE),
                      stringWidth(format_value(total[i], column.kind), fonts.bold, FONT_SIZE))
        if column.kind not in ("amount", "count"):
            natural = min(natural, MAX_TEXT_SHARE * room - _PAD)
        header = narrowest_label(column.label, column.words, fonts.bold, FONT_SIZE)
        if column.label == SIGNATURE:       # room to sign in, whatever the header's lines
            header = stringWidth(SIGNATURE, fonts.bold, FONT_SIZE)
        widths.append(max(natural, header) + _PAD)
    size = min(FONT_SIZE, FONT_SIZE * room / sum(widths))
    return [Column(c.label, w, c.kind, c.words, c.handwritten) for c, w in zip(PDF_COLUMNS, widths)], size


def export_salary_sheet(ledger: Ledger, month: str, out: str | Path, progress: ProgressFn | None = None, *,
                        warn: Callable[[str], None] | None = None) -> Path:
    """Write the 工资发放表 of a month; the format follows the suffix (.xlsx or .pdf). `warn` hears of a column
    of the template too narrow for a figure."""
    month = month_key(month)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ExportError(f"工资发放表只能导出为 .xlsx 或 .pdf，而“{out.name}”不是")
    lines = month_lines(ledger, month)
    values = title_values(ledger, month)
    status = Payroll(ledger).summary(month).status
    if progress is not None and progress(0, 2) is False:
        from exports.pdf import ExportCancelled
        raise ExportCancelled()
    if suffix == ".xlsx":
        rows = records(lines)
        marked = [r for r in rows if r[REMARK]]
        if marked and warn is not None and REMARK not in template_names(find_template(TEMPLATE)).fields:
            warn(f"模板“{TEMPLATE}”没有 {{{{{REMARK}}}}} 列：工资发放表上不会注明{len(marked)}人"
                 f"（{'、'.join(r[NAME] for r in marked[:5])}）{marked[0][REMARK]}；请在明细行加上 {{{{{REMARK}}}}}，或恢复内置模板")
        fill(TEMPLATE, values, rows, out_path=out, fields=FIELDS, group_key="社区", warn=warn,
             row_height=lambda r: REMARK_HEIGHT if r[REMARK] else None)
    else:
        _pdf(values, lines, status, out)
    if progress is not None:
        progress(2, 2)
    audit.exported(ledger, f"工资发放表 {month}", out, len(lines), personal=False)
    return out


def _pdf(values: dict, lines, status: str, out: Path) -> None:
    rows, emphasis = [], []
    zero = {c.key: Decimal("0.00") for c in SHEET_AMOUNTS}
    total, group = dict(zero), dict(zero)
    count = 0
    current = None
    seq = 0

    def summed(label: str, people: str, sums: dict[str, Decimal]) -> list:
        """A 小计 or 合计 row: its label under 社区, the head count under 姓名, the sums under the amounts."""
        values = {"community": label, "worker_name": people, **sums}
        return [None] + [values.get(c.key) for c in SHEET] + [None, None]

    def close_group() -> None:
        emphasis.append(len(rows))
        rows.append(summed(f"{current}小计", f"{count}人", group))

    for line in lines:
        if current is not None and line.community != current:
            close_group()
            group, count = dict(zero), 0
        current = line.community
        seq += 1
        count += 1
        for key in zero:
            group[key] += getattr(line, key)
            total[key] += getattr(line, key)
        rows.append([seq] + [getattr(line, c.key) for c in SHEET] + [None, bank_remark(line)])
    if current is not None:
        close_group()
    text = form_text(TEMPLATE, values)      # the title and the lines under the table, as the xlsx has them
    total_row = summed("合计", f"{seq}人", total)
    columns, size = _fitted(rows, total_row)
    table = FormTable(title=text.title, columns=columns, rows=rows, unit_name=values["街道名称"],
                      period=values["报告期"] + ("" if status == "已审批" else "（草稿，未审批）"),
                      groups=GROUPS, emphasis=emphasis, total=total_row, marks=text.marks, footer=text.footer)
    _SalaryPdf(table, size).render(out)
