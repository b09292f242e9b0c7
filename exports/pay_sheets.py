"""Fill-in sheets for pay: the 等级 × 岗位 matrix (template payscale) and the opening figures (template openings)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from exports.safe import save_workbook
from exports.table_xlsx import print_setup
from ledger.app import Ledger
from ledger.pay.runs import OPENING_HEADERS, Payroll
from ledger.pay.standards import matrix_rows
from ledger.paystandard import PayStandard

THIN = Side(style="thin")
BOX = Border(THIN, THIN, THIN, THIN)
HEAD = PatternFill("solid", fgColor="F2F2F2")


def write_payscale(standard: PayStandard, out: str | Path) -> Path:
    """The matrix sheet pre-filled with `standard`: header 等级, 一岗, 二岗, 三岗 …; blank outside a post's range."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "岗位等级工资"
    rows = matrix_rows(standard)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center" if c == 1 or r == 1 else "right")
            if r == 1:
                cell.font = Font(bold=True)
                cell.fill = HEAD
            elif c > 1:
                cell.number_format = "#,##0.00"
    for c in range(1, len(rows[0]) + 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 8 if c == 1 else 14
    note = ws.cell(len(rows) + 2, 1, f"说明：按月发放的岗位等级工资（元）；空白表示该等级不在该岗位范围内。当前标准："
                                      f"{standard.name}，{standard.effective_from:%Y-%m-%d}起执行。导入时用 --effective 指定新标准的生效日期。")
    note.font = Font(size=9)
    ws.freeze_panes = "B2"
    print_setup(ws, [8] + [14] * (len(rows[0]) - 1), title_rows="1:1", key_columns=1)
    return save_workbook(wb, out)


def write_openings(ledger: Ledger, year: int, out: str | Path) -> Path:
    """The opening-figures sheet listing every worker 在岗, with any figures already entered for `year`."""
    from ledger.services.workers import WorkerService
    entered = {o["worker_id"]: o for o in Payroll(ledger).openings(year)}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{year}年期初累计"
    widths = [22 if c == 2 else 14 for c in range(1, len(OPENING_HEADERS) + 1)]
    for c, label in enumerate(OPENING_HEADERS, start=1):
        cell = ws.cell(1, c, label)
        cell.font = Font(bold=True)
        cell.fill = HEAD
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = widths[c - 1]
    for r, worker in enumerate(WorkerService(ledger).list(status="在岗"), start=2):
        known = entered.get(worker["id"], {})
        values = [worker["name"], worker["id_number"]] + [known.get(h) for h in OPENING_HEADERS[2:]]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.border = BOX
            if c == 2:
                cell.number_format = "@"
            elif c > 2:
                cell.number_format = "#,##0.00" if c < 7 else "0"
    ws.freeze_panes = "A2"
    # 66 pages for a street: each must say what its columns are
    print_setup(ws, widths, title_rows="1:1", key_columns=1)
    return save_workbook(wb, out)
