"""Reports: the quarterly PDF (district scale) vs reportlab's canvas drawing the same table strings, and each
ledger export (city scale) vs xlsxwriter writing the same cells.

The demo databases are made once, in a temporary folder, through the command line as a user would. The PDF
is timed from the quarter's figures in memory, as the canvas baseline is from its strings; computing the
figures from the database, and the per-社区 tables drawn alone (the part the baseline mirrors: the main form and
the wider ledgers' and 民生诉求's), are reported on lines of their own. The baseline draws no charts. A ledger export is timed whole, reading the
ledger from the database included, against xlsxwriter given the cells in memory.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUARTER = "2026-Q3"


def make_demo(folder: Path, scale: str) -> Path:
    path = folder / f"{scale}.sqlite"
    main = str(ROOT / "main.py")
    for args in (["init", "--name", "基准街道"], ["demo", "--scale", scale]):
        subprocess.run([sys.executable, main, "--db", str(path), *args], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def _best(func, repeat: int = 3) -> float:
    """The least CPU time of a few runs: on the shared machine wall time swung with other work by 2×."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


# --- the quarterly PDF ---------------------------------------------------------------------------------------


def table_strings(report) -> list[list[list[str]]]:
    """Each per-社区 table as the PDF prints it (the main form, and the wider ledgers' when the report has them):
    header labels, one list of cell texts per row, the 合计."""
    from exports.pdf import format_value
    from exports.quarterly_pdf import QuarterlyPdf
    tables = []
    for table in _form_tables(QuarterlyPdf(report)):
        kinds = [c.kind for c in table.columns]
        rows = [[c.label for c in table.columns]]
        for row in [*table.rows, table.total]:
            rows.append([format_value(v, k) for v, k in zip(row, kinds)])
        tables.append(rows)
    return tables


def _form_tables(pdf) -> list:
    return [pdf.form_table(), *([pdf.wider_table()] if pdf.figures.wider else [])]


def canvas_baseline(tables: list[list[list[str]]], out: Path) -> None:
    """The floor: the same strings drawn at fixed places on A4 landscape pages, with the same CJK font (each table
    from a new page; no charts, no narrative)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from exports.fonts import cjk_fonts
    font = cjk_fonts().regular
    width, height = landscape(A4)
    canvas = Canvas(str(out), pagesize=(width, height), invariant=True, initialFontName=font)
    per_page = 30
    for rows in tables:
        step = (width - 60) / len(rows[0])
        for start in range(1, len(rows), per_page):
            canvas.setFont(font, 8)
            y = height - 40
            for row in [rows[0], *rows[start:start + per_page]]:
                for i, text in enumerate(row):
                    canvas.drawString(30 + i * step, y, text.replace("\n", ""))
                y -= 15
            canvas.showPage()
    canvas.save()


def table_only_pdf(report, out: Path) -> None:
    """The quarterly PDF's per-社区 tables alone (the part the baseline mirrors), in the report's page geometry and
    font size."""
    from exports.quarterly_pdf import QuarterlyPdf

    class TablesOnly(QuarterlyPdf):
        def story(self):
            return [flowable for table in _form_tables(self) for flowable in self.form_table_story(table)]

    TablesOnly(report).render(out)


def quarterly_pdf(folder: Path, db: Path) -> tuple[float, float, float, float]:
    """(PDF from the figures, canvas baseline, computing the figures of the quarter and the previous one,
    the per-社区 tables alone)."""
    from exports.fonts import cjk_fonts
    from exports.quarterly_pdf import write_quarterly_pdf
    from ledger import quarter
    from ledger.app import Ledger
    ledger = Ledger.open(db)
    cjk_fonts()   # registered once per process, outside both timings
    try:
        compute = _best(lambda: quarter.report(ledger, QUARTER), 5)
        report = quarter.report(ledger, QUARTER)
        ours = _best(lambda: write_quarterly_pdf(report, folder / "quarterly.pdf"), 5)
        rows = table_strings(report)
        base = _best(lambda: canvas_baseline(rows, folder / "baseline.pdf"), 5)
        table = _best(lambda: table_only_pdf(report, folder / "table.pdf"), 5)
    finally:
        ledger.close()
    return ours, base, compute, table


# --- ledger exports ------------------------------------------------------------------------------------------


def xlsxwriter_baseline(headers: list[str], rows: list[list[object]], out: Path) -> None:
    """The same cells written by xlsxwriter with one format per column kind (its default mode: measured faster here
    than constant_memory)."""
    import xlsxwriter
    book = xlsxwriter.Workbook(str(out))
    sheet = book.add_worksheet("台账")
    money = book.add_format({"num_format": "#,##0.00", "border": 1})
    day = book.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    text = book.add_format({"border": 1})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    sheet.write_row(0, 0, headers, head)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, c, None, text)
            elif isinstance(value, Decimal):
                sheet.write_number(r, c, float(value), money)
            elif isinstance(value, (date, datetime)):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value, text)
            else:
                sheet.write_string(r, c, str(value), text)
    book.close()


def ledger_exports(folder: Path, db: Path) -> list[tuple[str, float, float, float]]:
    from exports.ledger_export import export_ledger, export_rows
    from ledger.app import Ledger
    from ledger.services import LEDGERS
    ledger = Ledger.open(db)
    out = []
    try:
        for key, service in LEDGERS.items():
            repeat = 2 if key == "funds" else 3
            ours = _best(lambda: export_ledger(ledger, key, folder / f"{key}.xlsx"), repeat)
            headers, rows = export_rows(ledger, key)
            base = _best(lambda: xlsxwriter_baseline(headers, rows, folder / f"{key}_base.xlsx"), repeat)
            out.append((f"台账导出 {service.name}（city，{len(rows):,}行）vs xlsxwriter", ours, base, 3.0))
    finally:
        ledger.close()
    return out


def run() -> list[tuple[str, float, float, float | None]]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        district = make_demo(folder, "district")
        ours, base, compute, table = quarterly_pdf(folder, district)
        results = [("季度统计汇总 PDF（district，80个社区）vs canvas 画同样的表格文字", ours, base, 2.0),
                   ("  其中：两张各社区统计表单独成文件", table, base, None),
                   ("  其中不含：两个季度的数据计算（district）", compute, base, None)]
        city = make_demo(folder, "city")
        results += ledger_exports(folder, city)
    return results


if __name__ == "__main__":
    for name, ours, base, target in run():
        print(f"{name:<50} {ours:8.3f} {base:8.3f} {ours / base:6.2f}×" + (f" ≤{target}×" if target else ""))
