"""Write the pay report templates (工资发放表, 银行代发清单, 工资条, 年度人力成本) into this folder.

    python resources/templates/make_pay_templates.py

The .xlsx files are committed; an office adjusts a copy (wording, widths, signature lines) in Excel or WPS
without touching code. Placeholders follow exports/template.py: {{名}} values, a {{#行}} detail row, a
{{#小计}} row per 社区 and a {{#合计}} row with {{合计:字段}} sums.
"""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))   # the columns come from the application's declaration; widths from exports/
from exports.cell_width import fitted_width  # noqa: E402
from ledger.pay.columns import COLUMN, EMPLOYER_KEYS, MONEY, SHEET, spans  # noqa: E402

# The widest figure each amount column must print whole (bold, in a 合计 row): the total of a city of 10,000
# 社区工作者 (DOMAIN.md §1). A single item of one worker's month stays below 10,000.00 yuan (the default standard's
# largest is 一岗18级 4,260.00 and the year's 奖励性绩效 6,000.00), a sum of items below 100,000.00, and anything
# of one worker's year below 1,000,000.00.
CITY_WORKERS = 10_000
ITEM = Decimal("9999.99")
SUM = Decimal("99999.99")
MONTH_ITEM, MONTH_SUM = CITY_WORKERS * ITEM, CITY_WORKERS * SUM
YEAR = CITY_WORKERS * Decimal("999999.99")
SUMS = {"gross", "deduct_total", "net"}   # the columns that add items up


def amount_width(widest: Decimal, minimum: float, size: float = 10, bold: bool = True) -> float:
    """A column as wide as its header wants and wide enough for its widest figure (see exports/cell_width.py)."""
    return max(minimum, fitted_width(f"{widest:,.2f}", size, bold))


def sheet_width(column, item: Decimal, total: Decimal, bold: bool = True, size: float = 10) -> float:
    """A pay column's width: its declared one, widened for an amount to the widest figure it can hold."""
    if column.kind != MONEY:
        return column.width
    return amount_width(total if column.key in SUMS else item, column.width, size, bold)
THIN = Side(style="thin")
BOX = Border(THIN, THIN, THIN, THIN)
CUT = Border(THIN, THIN, THIN, Side(style="dashed"))
SONG = "宋体"
HEI = "黑体"
AMOUNT = "#,##0.00"
GREY = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
RIGHT = Alignment(horizontal="right", vertical="center")


def _title(ws: Worksheet, text: str, last_col: int, size: int = 16) -> None:
    ws.cell(1, 1, text).font = Font(name=HEI, size=size, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.row_dimensions[1].height = 30


def _info(ws: Worksheet, last_col: int, row: int = 2) -> None:
    third = max(1, last_col // 3)
    ws.cell(row, 1, "填报单位：{{街道名称}}").font = Font(name=SONG, size=10)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=third)
    ws.cell(row, third + 1, "报告期：{{报告期}}").font = Font(name=SONG, size=10)
    ws.cell(row, third + 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=row, start_column=third + 1, end_row=row, end_column=last_col - third)
    ws.cell(row, last_col - third + 1, "单位：元").font = Font(name=SONG, size=10)
    ws.cell(row, last_col - third + 1).alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=row, start_column=last_col - third + 1, end_row=row, end_column=last_col)


def _header_cell(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row, col, text)
    cell.font = Font(name=HEI, size=10, bold=True)
    cell.alignment = CENTER
    cell.border = BOX
    cell.fill = GREY


def _row(ws: Worksheet, row: int, texts: list[str], kinds: list[str], bold: bool = False, fill=None,
         border: Border = BOX) -> None:
    for col, (text, kind) in enumerate(zip(texts, kinds), start=1):
        cell = ws.cell(row, col, text if text else None)
        cell.font = Font(name=SONG, size=10, bold=bold)
        cell.border = border
        cell.alignment = RIGHT if kind == "amount" else CENTER if kind == "center" else LEFT
        if kind == "amount":
            cell.number_format = AMOUNT
        if fill is not None:
            cell.fill = fill


def _page(ws: Worksheet, landscape: bool, title_rows: str | None, fit_width: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.font = SONG


# 工资发放表: 序号, the sheet's columns of ledger.pay.columns (grouped under 应发项目 and 扣款项目), 领款人签字, and
# 备注 (why a line is not paid through the bank, "实发为负，不列入银行代发", wrapped in two lines).
REMARK_WIDTH = 14
SALARY_COLUMNS = ([("序号", "序号", "center", 5)]
                  + [(c.label, c.label, c.report_kind, sheet_width(c, MONTH_ITEM, MONTH_SUM)) for c in SHEET]
                  + [("领款人签字", None, "text", 10), ("备注", "备注", "text", REMARK_WIDTH)])
# the 小计 and 合计 rows put their label across the columns before the first amount
_LEAD = 1 + next(i for i, c in enumerate(SHEET) if c.kind == MONEY)


def salary_sheet() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工资发放表"
    n = len(SALARY_COLUMNS)
    _title(ws, "{{街道名称}}社区工作者{{年}}年{{月}}月工资发放表", n)
    _info(ws, n)
    # two header rows: each group's label over its columns, their labels under it; the rest merged down
    grouped = {}
    for group, first, last in spans(SHEET):
        first, last = first + 2, last + 2          # 1-based, after 序号
        grouped.update(dict.fromkeys(range(first, last + 1), group))
        for col in range(first, last + 1):
            _header_cell(ws, 3, col, group if col == first else None)
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    for col, (text, _, _, width) in enumerate(SALARY_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        if col in grouped:
            _header_cell(ws, 4, col, text)
        else:
            _header_cell(ws, 3, col, text)
            _header_cell(ws, 4, col, None)
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.row_dimensions[4].height = 30
    kinds = [k for _, _, k, _ in SALARY_COLUMNS]
    detail = ["{{#行}}{{序号}}"] + [f"{{{{{f}}}}}" if f else "" for _, f, _, _ in SALARY_COLUMNS[1:]]
    _row(ws, 5, detail, kinds)
    ws.cell(5, n).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[5].height = 20
    sums = [f"{{{{合计:{f}}}}}" if k == "amount" and f else "" for _, f, k, _ in SALARY_COLUMNS]
    lead = get_column_letter(_LEAD)
    _row(ws, 6, ["{{#小计}}{{社区}}小计（{{计数}}人）"] + [""] * (_LEAD - 1) + sums[_LEAD:], kinds, bold=True,
         fill=GREY)
    ws.merge_cells(f"A6:{lead}6")
    ws["A6"].alignment = CENTER
    _row(ws, 7, ["{{#合计}}合计（{{计数}}人）"] + [""] * (_LEAD - 1) + sums[_LEAD:], kinds, bold=True)
    ws.merge_cells(f"A7:{lead}7")
    ws["A7"].alignment = CENTER
    ws.row_dimensions[6].height = ws.row_dimensions[7].height = 20
    _signatures(ws, 9, n, ["制表人：", "审核人：", "单位负责人：", "制表日期：{{制表日期}}"])
    _page(ws, landscape=True, title_rows="3:4")
    return wb


def _signatures(ws: Worksheet, row: int, last_col: int, labels: list[str]) -> None:
    step = last_col // len(labels)
    for i, label in enumerate(labels):
        col = 1 + i * step
        ws.cell(row, col, label).font = Font(name=SONG, size=11)
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + step - 1)
    ws.row_dimensions[row].height = 24


NET = COLUMN["net"].label
BANK_COLUMNS = [("序号", "center", 6), (COLUMN["worker_name"].label, "text", 10),
                (COLUMN["id_number"].label, "center", 22), (COLUMN["bank_account"].label, "center", 24),
                (NET, "amount", amount_width(MONTH_SUM, 14)), ("备注", "text", 14)]


def bank_list() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "银行代发清单"
    n = len(BANK_COLUMNS)
    _title(ws, "{{街道名称}}社区工作者{{年}}年{{月}}月工资银行代发清单", n, size=14)
    _info(ws, n)
    for col, (label, _, width) in enumerate(BANK_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        _header_cell(ws, 3, col, label)
    ws.row_dimensions[3].height = 22
    kinds = [k for _, k, _ in BANK_COLUMNS]
    _row(ws, 4, ["{{#行}}{{序号}}"] + [f"{{{{{text}}}}}" for text, _, _ in BANK_COLUMNS[1:5]] + [""], kinds)
    for col in (3, 4):
        ws.cell(4, col).number_format = "@"
    _row(ws, 5, ["{{#合计}}合计（{{计数}}人）", "", "", "", f"{{{{合计:{NET}}}}}", ""], kinds, bold=True)
    ws.merge_cells("A5:D5")
    ws["A5"].alignment = CENTER
    # who the sheet lists but the bank does not pay (实发 below zero or nil), and how the totals reconcile
    ws.cell(6, 1, "{{备注}}").font = Font(name=SONG, size=10)
    ws.cell(6, 1).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.merge_cells("A6:F6")
    ws.row_dimensions[6].height = 42
    _signatures(ws, 8, n, ["经办人：", "审核人：", "单位（盖章）："])
    _page(ws, landscape=False, title_rows="3:3")
    return wb


# 工资条: the sheet's columns, the name first (a slip is handed to the person named on it); one worker's
# figures, in regular type.
_NAME_FIRST = sorted(SHEET, key=lambda c: c.key != "worker_name")
SLIP_COLUMNS = [(c.label, c.report_kind, sheet_width(c, ITEM, SUM, bold=False)) for c in _NAME_FIRST]


SLIP_ROWS = 4       # a slip's rows: its title, the labels, the figures, the reasons of its 补发/扣款
SLIP_HEIGHTS = (20, 28, 20, 18)


def payslips() -> openpyxl.Workbook:
    """Each slip is the four {{#行}} rows of one worker: a title naming the street, the month and the worker (a
    slip cut from any page still says whose and which month's it is), the labels, the figures, and the reasons
    of the month's 其他补发/其他扣款. The last row's dashed bottom border is the cut line between slips.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工资条"
    n = len(SLIP_COLUMNS)
    for col, (_, _, width) in enumerate(SLIP_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    title = ws.cell(1, 1, "{{#行}}{{街道名称}}社区工作者{{年}}年{{月}}月工资条　　{{社区}}　{{姓名}}")
    title.font = Font(name=HEI, size=11, bold=True)
    title.alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    for col, (label, _, _) in enumerate(SLIP_COLUMNS, start=1):
        _header_cell(ws, 2, col, ("{{#行}}" if col == 1 else "") + label)
    kinds = [k for _, k, _ in SLIP_COLUMNS]
    values = [f"{{{{{label}}}}}" for label, _, _ in SLIP_COLUMNS]
    values[0] = "{{#行}}" + values[0]
    _row(ws, 3, values, kinds)
    _row(ws, 4, ["{{#行}}{{说明}}"] + [""] * (n - 1), ["text"] * n, border=CUT)
    ws.cell(4, 1).font = Font(name=SONG, size=9)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=n)
    for row, height in enumerate(SLIP_HEIGHTS, start=1):
        ws.row_dimensions[row].height = height
    ws.cell(6, 1, "说明：沿虚线剪开，每人一条。").font = Font(name=SONG, size=9)
    _page(ws, landscape=True, title_rows=None)
    return wb


_YEAR_W = amount_width(YEAR, 9)
COST_COLUMNS = ([("序号", "序号", "center", 5), ("社区", "社区", "text", 12), ("姓名", "姓名", "text", 8),
                 ("岗位", "岗位", "center", 6), ("等级", "等级", "center", 5), ("发薪月数", "发薪月数", "center", 7),
                 ("全年应发", "全年应发", "amount", _YEAR_W)]
                + [(COLUMN[key].label, COLUMN[key].label, "amount", _YEAR_W) for key in EMPLOYER_KEYS]
                + [("单位缴费合计", "单位缴费合计", "amount", _YEAR_W), ("人力成本合计", "人力成本合计", "amount", _YEAR_W),
                   ("其中已审批月数", "已审批月数", "center", 8)])


def labour_cost() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年度人力成本"
    n = len(COST_COLUMNS)
    _title(ws, "{{街道名称}}社区工作者{{年}}年度人力成本测算表", n)
    _info(ws, n)
    for col, (label, _, _, width) in enumerate(COST_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        _header_cell(ws, 3, col, label)
    ws.row_dimensions[3].height = 30
    kinds = [k for _, _, k, _ in COST_COLUMNS]
    _row(ws, 4, ["{{#行}}{{序号}}"] + [f"{{{{{f}}}}}" for _, f, _, _ in COST_COLUMNS[1:]], kinds)
    sums = [f"{{{{合计:{f}}}}}" if k == "amount" else "" for _, f, k, _ in COST_COLUMNS]
    _row(ws, 5, ["{{#小计}}{{社区}}小计（{{计数}}人）", "", "", "", "", ""] + sums[6:], kinds, bold=True, fill=GREY)
    ws.merge_cells("A5:F5")
    _row(ws, 6, ["{{#合计}}合计（{{计数}}人）", "", "", "", "", ""] + sums[6:], kinds, bold=True)
    ws.merge_cells("A6:F6")
    ws.cell(8, 1, "测算说明：{{测算说明}}").font = Font(name=SONG, size=10)
    ws.merge_cells(start_row=8, start_column=1, end_row=8, end_column=n)
    ws.cell(9, 1, "{{调整测算}}").font = Font(name=HEI, size=11, bold=True)
    ws.merge_cells(start_row=9, start_column=1, end_row=9, end_column=n)
    ws.row_dimensions[8].height = ws.row_dimensions[9].height = 22
    _signatures(ws, 11, n, ["制表人：", "审核人：", "单位负责人：", "制表日期：{{制表日期}}"])
    _page(ws, landscape=True, title_rows="3:3")
    return wb


TEMPLATES = {"工资发放表.xlsx": salary_sheet, "银行代发清单.xlsx": bank_list, "工资条.xlsx": payslips,
             "年度人力成本.xlsx": labour_cost}


def main() -> None:
    for name, build in TEMPLATES.items():
        wb = build()
        wb.properties.creator = "街道台账"
        wb.save(HERE / name)
        print(f"已生成 {HERE / name}")


if __name__ == "__main__":
    main()
