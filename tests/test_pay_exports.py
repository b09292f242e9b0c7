"""Pay reports: 工资发放表 (xlsx, PDF), 银行代发清单, 工资条 (PDF, xlsx), 年度人力成本 — content, print settings, fonts."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from exports import ExportError
from exports.bank_list import export_bank_list
from exports.labour_cost import export_labour_cost
from exports.pay_sheets import write_openings, write_payscale
from exports.payslips import export_payslips
from exports.salary_sheet import export_salary_sheet
from ledger.access import Actor
from ledger.errors import PermissionDenied
from ledger.pay.runs import Payroll
from ledger.pay.sheets import parse_openings, read_rows
from ledger.pay.standards import PayStandards, parse_matrix

POPPLER = shutil.which("pdffonts") is not None and shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdffonts, pdftotext) is not installed")
MONTH = "2026-01"


@pytest.fixture
def paid(demo_ledger):
    pay = Payroll(demo_ledger)
    pay.run(MONTH)
    pay.approve(MONTH)
    return demo_ledger


def _pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def _embedded_cjk(path: Path) -> bool:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return bool(lines) and all(line.split()[-5] == "yes" for line in lines)


def test_salary_sheet_xlsx_rows_subtotals_total_and_print_settings(paid, tmp_path):
    out = export_salary_sheet(paid, MONTH, tmp_path / "工资发放表.xlsx")
    lines = Payroll(paid).lines(MONTH)
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "示范街道社区工作者2026年1月工资发放表"
    assert ws["A2"].value == "填报单位：示范街道"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "F3:L3" in {str(r) for r in ws.merged_cells.ranges}
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    detail = [r for r in rows if isinstance(r[0], int)]
    subtotals = [r for r in rows if isinstance(r[0], str) and "小计" in r[0]]
    total = next(r for r in rows if isinstance(r[0], str) and r[0].startswith("合计"))
    assert len(detail) == len(lines) and len(subtotals) == len({line.community for line in lines})
    net_column = 19
    assert Decimal(str(total[net_column])) == sum(line.net for line in lines)
    assert [r[2] for r in detail] == [line.worker_name for line in lines]
    footer = [r for r in rows if r[0] and str(r[0]).startswith("制表人")]
    assert footer, "signature footer below the table"


@needs_poppler
def test_salary_sheet_pdf_landscape_header_on_every_page_chinese_embedded(paid, tmp_path):
    out = export_salary_sheet(paid, MONTH, tmp_path / "工资发放表.pdf")
    pages = _pages(out)
    assert len(pages) > 1 and _embedded_cjk(out)
    assert "示范街道社区工作者2026年1月工资发放表" in pages[0] and "单位：元" in pages[0]
    assert all("应发项目" in page and "实发工" in page for page in pages)
    assert "合计" in pages[-1] and "制表人" in pages[-1]
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276" in info   # A4 landscape


@needs_poppler
def test_payslips_pdf_whole_slips_per_page(paid, tmp_path):
    out = export_payslips(paid, MONTH, tmp_path / "工资条.pdf")
    pages = _pages(out)
    lines = Payroll(paid).lines(MONTH)
    assert _embedded_cjk(out)
    slips = 0
    for page in pages:
        titles = page.count("2026年1月工资条")
        assert titles == page.count("实发工资") and titles > 1     # every slip on the page is whole, several a page
        slips += titles
    assert slips == len(lines)
    assert lines[0].worker_name in pages[0]


def test_payslips_xlsx_four_rows_per_worker(paid, tmp_path):
    out = export_payslips(paid, MONTH, tmp_path / "工资条.xlsx")
    ws = openpyxl.load_workbook(out).active
    lines = Payroll(paid).lines(MONTH)
    titles = [r[0] for r in ws.iter_rows(values_only=True) if str(r[0]).startswith("示范街道社区工作者2026年1月工资条")]
    headers = [r for r in ws.iter_rows(values_only=True) if r[0] == "姓名"]
    names = [r[0] for r in ws.iter_rows(values_only=True) if r[0] in {line.worker_name for line in lines}]
    assert len(titles) == len(headers) == len(names) == len(lines)
    assert titles[0] == f"示范街道社区工作者2026年1月工资条　　{lines[0].community}　{lines[0].worker_name}"
    # a page break after every 8 slips (4 rows each, from row 1): no printed slip is cut in two
    assert [b.id for b in ws.row_breaks.brk][:2] == [32, 64] and len(ws.row_breaks.brk) == (len(lines) - 1) // 8
    assert ws.print_options.horizontalCentered and ws.page_setup.orientation == "landscape"


def test_bank_list_needs_permission_and_an_approved_run(paid, tmp_path):
    out = export_bank_list(paid, MONTH, tmp_path / "代发.xlsx")
    ws = openpyxl.load_workbook(out).active
    lines = [line for line in Payroll(paid).lines(MONTH) if line.net > 0]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [(r[1], r[2], r[3]) for r in rows] == [(x.worker_name, x.id_number, x.bank_account) for x in lines]
    assert isinstance(rows[0][2], str) and len(rows[0][2]) == 18      # 身份证号 kept as text, all 18 digits
    leader = paid.as_actor(Actor("刘领导", "领导"))
    with pytest.raises(PermissionDenied):
        export_bank_list(leader, MONTH, tmp_path / "x.xlsx")
    Payroll(paid).run("2026-02")
    with pytest.raises(ExportError, match="草稿"):
        export_bank_list(paid, "2026-02", tmp_path / "y.xlsx")


def test_labour_cost_with_what_if(paid, tmp_path):
    out = tmp_path / "成本.xlsx"
    report = export_labour_cost(paid, 2026, out, raise_amount=100)
    ws = openpyxl.load_workbook(out).active
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("若自2026年2月起等级额上调100元") for t in texts)     # January is approved
    assert report.extra_cost > 0 and report.total == sum(r.cost for r in report.rows)
    # every worker paid in January of 2026 counts 12 months here (January from the run, the rest projected)
    assert {r.months for r in report.rows if r.approved_months} == {12}


def test_payscale_and_openings_sheets_round_trip(paid, tmp_path):
    standard = PayStandards(paid).in_force()
    path = write_payscale(standard, tmp_path / "payscale.xlsx")
    assert parse_matrix(read_rows(path), standard) == standard.matrix
    sheet = write_openings(paid, 2027, tmp_path / "openings.xlsx")
    openings, first = parse_openings(read_rows(sheet))
    assert first == 2 and len(openings) > 100 and all(o.id_number and o.months == 0 for o in openings)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_every_xlsx_opens_in_libreoffice(paid, tmp_path):
    files = [export_salary_sheet(paid, MONTH, tmp_path / "sheet.xlsx"),
             export_bank_list(paid, MONTH, tmp_path / "bank.xlsx"),
             export_payslips(paid, MONTH, tmp_path / "slips.xlsx")]
    export_labour_cost(paid, 2026, tmp_path / "cost.xlsx")
    files.append(tmp_path / "cost.xlsx")
    outdir = tmp_path / "pdf"
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                             "pdf", "--outdir", str(outdir), *map(str, files)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    for f in files:
        assert (outdir / f.with_suffix(".pdf").name).stat().st_size > 1000
