"""Pay at city scale (10,000 workers): the pay run, the 工资发放表 xlsx and 10,000 工资条 in one PDF, each against
the plainest tool doing the same output (raw sqlite3 inserts, xlsxwriter, reportlab's canvas with text objects;
the slips' two sides each in a process of its own, for their peak RSS).

    python -m bench.run pay
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from ledger.app import Ledger
from ledger.demo import load_demo
from ledger.services.street import init_street

MONTH = "2026-01"


def _city(folder: Path) -> Path:
    path = folder / "city.sqlite"
    ledger = Ledger.open(path)
    init_street(ledger, "基准街道")
    load_demo(ledger, "city", today=date(2026, 11, 23))
    ledger.close()
    return path


def _copy(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


def _our_runs(city: Path, folder: Path, repeat: int = 2) -> tuple[float, float, Path]:
    """The month's run as a clerk waits for it: the first run of a freshly opened database, in a process of its
    own (SQLAlchemy compiling its statements included), best of a few processes; returns (seconds, peak RSS MB,
    one resulting database)."""
    from bench.child import best, run_child
    runs = []
    for i in range(repeat):
        target = _copy(city, folder / f"run{i}.sqlite")
        runs.append(run_child(["-m", "bench.pay", "cold", str(target)]))
    fastest = best(runs)
    return fastest.seconds, fastest.rss_mb, folder / "run0.sqlite"


def _cold_run(db: str, month: str = MONTH, name: str | None = None, password: str | None = None) -> None:
    """The run timed from the click: the database open and, given a name, its finance officer signed in (on a
    server, connected as their own login role, whose row-level security the run passes through)."""
    from bench.child import report
    from ledger.pay.runs import Payroll
    if name:
        from ledger.accounts import login
        ledger = login(db, name, password or "").ledger
    else:
        ledger = Ledger.open(db)
    pay = Payroll(ledger)
    start = time.perf_counter()
    pay.run(month)
    elapsed = time.perf_counter() - start
    ledger.close()
    report(elapsed)


def _raw_run(city: Path, result: Path, target: Path) -> float:
    """The same pay_run and pay_line rows, read beforehand, inserted by sqlite3 in one transaction (same pragmas)."""
    src = sqlite3.connect(result)
    runs = src.execute("SELECT * FROM pay_run").fetchall()
    columns = [c[1] for c in src.execute("PRAGMA table_info(pay_line)")]
    lines = src.execute("SELECT * FROM pay_line").fetchall()
    src.close()
    _copy(city, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO pay_run VALUES ({','.join('?' * len(runs[0]))})", runs)
    conn.executemany(f"INSERT INTO pay_line ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})", lines)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _our_sheet(ledger: Ledger, out: Path) -> float:
    from exports.salary_sheet import export_salary_sheet
    start = time.perf_counter()
    export_salary_sheet(ledger, MONTH, out)
    return time.perf_counter() - start


def _xlsxwriter_sheet(ledger: Ledger, out: Path) -> float:
    """The same cells (title, info line, two header rows, rows, 小计 per 社区, 合计, signatures) and styles."""
    import xlsxwriter

    from exports.pay_records import records
    from ledger.pay.columns import SHEET_AMOUNTS
    from ledger.pay.runs import Payroll
    AMOUNTS = [c.label for c in SHEET_AMOUNTS]  # noqa: N806
    rows = records(Payroll(ledger).lines(MONTH))
    start = time.perf_counter()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": False})
    ws = wb.add_worksheet("工资发放表")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    text = wb.add_format(base)
    center = wb.add_format({**base, "align": "center"})
    amount = wb.add_format({**base, "align": "right", "num_format": "#,##0.00"})
    bold_amount = wb.add_format({**base, "align": "right", "num_format": "#,##0.00", "bold": True, "bg_color": "#F2F2F2"})
    bold = wb.add_format({**base, "align": "center", "bold": True, "bg_color": "#F2F2F2"})
    head = wb.add_format({**base, "font_name": "黑体", "bold": True, "align": "center", "bg_color": "#F2F2F2",
                          "text_wrap": True})
    ws.merge_range(0, 0, 0, 20, "基准街道社区工作者2026年1月工资发放表",
                   wb.add_format({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center"}))
    ws.write(1, 0, "填报单位：基准街道")
    ws.write(1, 7, "报告期：2026年1月")
    ws.write(1, 17, "单位：元")
    labels = ["序号", "社区", "姓名", "岗位", "等级", *AMOUNTS, "领款人签字"]
    ws.merge_range(2, 5, 2, 11, "应发项目", head)
    ws.merge_range(2, 12, 2, 18, "扣款项目", head)
    for col, label in enumerate(labels):
        if 5 <= col <= 18:
            ws.write(3, col, label, head)
        else:
            ws.merge_range(2, col, 3, col, label, head)
    amounts = list(AMOUNTS)
    r = 4
    group = None
    sums = dict.fromkeys(amounts, Decimal(0))
    totals = dict.fromkeys(amounts, Decimal(0))
    count = 0

    def subtotal(row: int) -> None:
        ws.merge_range(row, 0, row, 4, f"{group}小计（{count}人）", bold)
        for j, key in enumerate(amounts, start=5):
            ws.write_number(row, j, sums[key], bold_amount)
        ws.write_blank(row, 20, None, bold)

    for i, rec in enumerate(rows, start=1):
        if group is not None and rec["社区"] != group:
            subtotal(r)
            r += 1
            sums = dict.fromkeys(amounts, Decimal(0))
            count = 0
        group = rec["社区"]
        count += 1
        ws.write_number(r, 0, i, center)
        ws.write_string(r, 1, rec["社区"], text)
        ws.write_string(r, 2, rec["姓名"], text)
        ws.write_string(r, 3, rec["岗位"], center)
        ws.write_number(r, 4, rec["等级"], center)
        for j, key in enumerate(amounts, start=5):
            value = rec[key]
            sums[key] += value
            totals[key] += value
            ws.write_number(r, j, value, amount)
        ws.write_blank(r, 20, None, text)
        r += 1
    subtotal(r)
    r += 1
    ws.merge_range(r, 0, r, 4, f"合计（{len(rows)}人）", bold)
    for j, key in enumerate(amounts, start=5):
        ws.write_number(r, j, totals[key], bold_amount)
    ws.write(r + 2, 0, "制表人：")
    ws.write(r + 2, 5, "审核人：")
    ws.write(r + 2, 10, "负责人：")
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(2, 3)
    ws.fit_to_pages(1, 0)
    wb.close()
    return time.perf_counter() - start


def _our_slips(ledger: Ledger, out: Path) -> float:
    from exports.payslips import export_payslips
    start = time.perf_counter()
    export_payslips(ledger, MONTH, out)
    return time.perf_counter() - start


def _text_object_slips(ledger: Ledger, out: Path) -> float:
    """reportlab's canvas drawing the same strings (title, labels, values), 8 slips a page, each slip's text
    through one text object (beginText/textLine: one text block per slip, not one per string)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from exports.fonts import cjk_fonts
    from exports.pay_records import records
    from exports.payslips import PDF_LABELS
    from exports.pdf import format_value
    from ledger.pay.runs import Payroll
    rows = records(Payroll(ledger).lines(MONTH))
    fonts = cjk_fonts()
    start = time.perf_counter()
    width, height = landscape(A4)
    canvas = Canvas(str(out), pagesize=(width, height), initialFontName=fonts.regular)
    step = (width - 70) / len(PDF_LABELS)
    for first in range(0, len(rows), 8):
        y = height - 40
        for rec in rows[first:first + 8]:
            text = canvas.beginText(35, y)
            text.setFont(fonts.bold, 9)
            text.textLine(f"基准街道社区工作者2026年1月工资条　{rec['社区']}　{rec['姓名']}")
            text.setFont(fonts.regular, 8)
            for i, label in enumerate(PDF_LABELS):
                value = format_value(rec[label], "amount" if isinstance(rec[label], Decimal) else "text")
                text.setTextOrigin(35 + i * step, y - 14)
                text.textLine(label)
                text.setTextOrigin(35 + i * step, y - 28)
                text.textLine(value)
            canvas.drawText(text)
            canvas.line(35, y - 34, width - 35, y - 34)
            y -= 62
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def _slips_side(side: str, db: str, out: str) -> None:
    """One side of the slips comparison in a process of its own (its peak RSS its own)."""
    from bench.child import report
    from exports.fonts import cjk_fonts
    ledger = Ledger.open(db)
    cjk_fonts()   # registered once per process, outside both timings
    elapsed = (_our_slips if side == "slips" else _text_object_slips)(ledger, Path(out))
    ledger.close()
    report(elapsed)


def _slips(approved: Path, folder: Path, repeat: int) -> tuple:
    from bench.child import best, run_child
    ours, base = [], []
    for i in range(repeat):   # alternated, so that a busy moment of the machine hits both sides alike
        ours.append(run_child(["-m", "bench.pay", "slips", str(approved), str(folder / f"slips{i}.pdf")]))
        base.append(run_child(["-m", "bench.pay", "textobj", str(approved), str(folder / f"text{i}.pdf")]))
    o, b = best(ours), best(base)
    return ("工资条 PDF 10,000张 vs reportlab 文本对象画同样的字符串", o.seconds, b.seconds, 2.0, o.rss_mb, b.rss_mb)


def run(quick: bool = False) -> list[tuple]:
    from ledger.pay.runs import Payroll
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        city = _city(folder)
        ours, rss, done = _our_runs(city, folder, 1 if quick else 2)
        raw = min(_raw_run(city, done, folder / f"raw{i}.sqlite") for i in range(3))
        result = [("工资表生成 10,000人（首次，计算+写入）vs sqlite3 插入同样的行", ours, raw, 3.0, rss, None)]

        approved = folder / "run0.sqlite"
        ledger = Ledger.open(approved)
        Payroll(ledger).approve(MONTH)
        if not quick:
            ours = min(_our_sheet(ledger, folder / f"sheet{i}.xlsx") for i in range(3))
            base = min(_xlsxwriter_sheet(ledger, folder / f"xw{i}.xlsx") for i in range(3))
            result.append(("工资发放表 xlsx 10,000行 vs xlsxwriter 同样的单元格", ours, base, 3.0))
        ledger.close()
        result.append(_slips(approved, folder, 1 if quick else 2))
        shutil.rmtree(folder, ignore_errors=True)
    return result


if __name__ == "__main__":
    import sys
    if sys.argv[1:2] == ["cold"]:
        _cold_run(*sys.argv[2:6])
    elif sys.argv[1:2] in (["slips"], ["textobj"]):
        _slips_side(*sys.argv[1:4])
    else:
        for row in run():
            print(row)
