"""工资条 as a person cuts and reads them: each slip says whose, which street's and which month's it is and why its
补发/扣款 were made; PDF slips at 9 pt never split; xlsx slips print eight to an A4 page through LibreOffice."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from exports.payslips import export_payslips
from ledger.idcard import make_id
from ledger.pay.runs import Payroll
from ledger.services.communities import CommunityService
from ledger.services.workers import WorkerService
from tests.helpers import worker

MONTH = "2026-03"
TITLE = "测试街道社区工作者2026年3月工资条"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture
def sixteen(sqlite_ledger):
    """Sixteen workers in two communities; two with a 补发 or 扣款 and its reason."""
    for name in ("幸福社区", "和平社区"):
        CommunityService(sqlite_ledger).create({"name": name})
    ws = WorkerService(sqlite_ledger)
    ids = [ws.create(worker(community="幸福社区" if i < 9 else "和平社区", name=f"工作者{chr(0x4e00 + i * 7)}",
                            id_number=make_id("150203", date(1980, 1, 1 + i), 100 + i)))["id"] for i in range(16)]
    pay = Payroll(sqlite_ledger)
    pay.add_adjustment(MONTH, ids[0], "补发", "500", "补发2月岗位等级工资差额")
    pay.add_adjustment(MONTH, ids[0], "扣款", "120.50", "代扣工会会费", taxable=False)
    pay.add_adjustment(MONTH, ids[12], "扣款", "88", "追回多发通讯补贴")
    pay.run(MONTH)
    return sqlite_ledger


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


@needs_poppler
def test_pdf_slips_name_the_street_month_worker_and_reasons_at_nine_points(sixteen, tmp_path):
    out = export_payslips(sixteen, MONTH, tmp_path / "工资条.pdf")
    pages = _pages(out)
    text = "".join(pages).replace(" ", "")
    lines = Payroll(sixteen).lines(MONTH)
    for line in lines:
        assert f"{TITLE}{line.community}{line.worker_name}" in text
    assert sum(page.count(TITLE) for page in pages) == 16
    first = lines[0].worker_name
    assert first == "工作者一"
    assert "说明：其他补发500.00元：补发2月岗位等级工资差额；其他扣款120.50元：代扣工会会费" in text
    assert "说明：其他扣款88.00元：追回多发通讯补贴" in text
    for page in pages:                       # whole slips only: a title, its labels and its figures on one page
        assert page.count(TITLE) == page.count("实发工资") == page.count("应发合计")
    words = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', words)
    heights = [float(y2) - float(y1) for y1, y2, word in boxes if word not in ("第", "页", "共") and not word.isdigit()]
    assert heights and min(heights) >= 9.0          # a glyph box is the font size: nothing under 9 pt


@pytest.mark.slow
def test_xlsx_slips_print_eight_to_a_page_each_with_its_title(sixteen, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    out = export_payslips(sixteen, MONTH, tmp_path / "工资条.xlsx")
    ws = openpyxl.load_workbook(out).active
    notes = [r[0] for r in ws.iter_rows(values_only=True) if str(r[0]).startswith("说明：其他")]
    assert notes == ["说明：其他补发 500.00元：补发2月岗位等级工资差额；其他扣款 120.50元：代扣工会会费",
                     "说明：其他扣款 88.00元：追回多发通讯补贴"]
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                           "pdf", "--outdir", str(tmp_path / "pdf"), str(out)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    pages = _pages(tmp_path / "pdf" / "工资条.pdf")
    assert len(pages) == 2
    for page in pages:
        assert page.count(TITLE) == 8 and page.count("实发工资") == 8
    printed = "".join(pages).replace(" ", "")
    assert "说明：其他扣款88.00元：追回多发通讯补贴" in printed
