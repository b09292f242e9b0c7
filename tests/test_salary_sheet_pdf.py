"""The 工资发放表 PDF as an office files it: the title and lines under the table of its own xlsx template, 续表 pages
that say what they continue, headers broken between words, and no column crowding the others out."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from exports.fonts import cjk_fonts
from exports.pdf import label_lines
from exports.salary_sheet import export_salary_sheet
from exports.template import builtin_templates_dir, install_custom
from ledger import clock
from ledger.pay.columns import COLUMN
from ledger.pay.runs import Payroll
from ledger.services.communities import CommunityService

MONTH = "2026-01"
LONG = "幸福家园第一居民委员会联合社区"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture
def paid(demo_ledger):
    communities = CommunityService(demo_ledger)
    communities.update(communities.id_by_name("幸福社区"), {"name": LONG})
    pay = Payroll(demo_ledger)
    pay.run(MONTH)
    pay.approve(MONTH)
    return demo_ledger


def _pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def _words(path: Path, page: int) -> list[str]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return re.findall(r"<word [^>]*>([^<]*)</word>", out)


@pytest.mark.parametrize("key, lines", [("grade_pay", ["岗位等级", "工资"]), ("housing_fund", ["住房", "公积金"]),
                                        ("tax", ["个人", "所得税"]), ("bonus", ["奖励性", "绩效"])])
def test_headers_break_between_words_never_leaving_a_character_alone(key, lines):
    bold = cjk_fonts().bold
    column = COLUMN[key]
    narrow = 9 * (len(column.label) - 1.5)          # a character and a half short of one line
    assert label_lines(column.label, column.words, bold, 9, narrow) == lines


@needs_poppler
def test_the_pdf_follows_the_offices_template_and_says_what_each_page_continues(paid, tmp_path):
    own = tmp_path / "本单位的工资发放表.xlsx"
    wb = openpyxl.load_workbook(builtin_templates_dir() / "工资发放表.xlsx")
    ws = wb.active
    ws["A1"].value = "{{街道名称}}{{年}}年{{月}}月社区工作者工资发放明细表"
    ws["K9"].value = "分管领导："
    wb.save(own)
    install_custom("工资发放表.xlsx", own)
    with clock.frozen(datetime(2026, 2, 3, 10, 0)):
        pdf = export_salary_sheet(paid, MONTH, tmp_path / "发放表.pdf")
        xlsx = export_salary_sheet(paid, MONTH, tmp_path / "发放表.xlsx")
    pages = _pages(pdf)
    title = "示范街道2026年1月社区工作者工资发放明细表"
    assert title in pages[0] and "（续表）" not in pages[0]
    for page in pages[1:]:
        assert f"{title}（续表）" in page
        assert re.search(r"填报单位：示范街道\s+报告期：2026年1月\s+单位：元", page)
    last = pages[-1].replace(" ", "")
    # the lines under the table: the office's wording and the xlsx's date format, from the one template
    assert "制表人：审核人：分管领导：制表日期：2026年2月3日" in last
    sheet = openpyxl.load_workbook(xlsx).active
    texts = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert {title, "分管领导：", "制表日期：2026年2月3日"} <= texts


@needs_poppler
def test_a_long_community_name_does_not_squeeze_the_other_columns(paid, tmp_path):
    pdf = export_salary_sheet(paid, MONTH, tmp_path / "发放表.pdf")
    words = _words(pdf, 1)
    for word in ("岗位", "等级", "岗位等级", "工资", "奖励性", "绩效", "住房", "公积金", "个人", "所得税", "领款人签字"):
        assert word in words, word
    assert not {"资", "金", "税", "位", "级", "效"} & set(words)      # no header left with an orphan character
    pages = _pages(pdf)
    assert LONG in "".join(pages[0].split())                         # the name itself printed whole, smaller
    assert "单位负责人：" in pages[-1] and "负责人：" not in pages[-1].replace("单位负责人：", "")
