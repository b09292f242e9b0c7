"""季度统计汇总 files: the filled workbook (values, merges, print settings), the PDF (fonts, text), frozen reprints."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from exports.quarterly_pdf import write_quarterly_pdf
from exports.quarterly_xlsx import TEMPLATE, write_quarterly_xlsx
from exports.template import TemplateError, builtin_templates_dir
from ledger import quarter
from ledger.services import FundService, WorkerService
from tests.helpers import worker
from tests.test_quarter import AFTER_Q3, Q3, _id, build_street

HEADER_ROW, FIRST_ROW = 7, 9


@pytest.fixture
def street(sqlite_ledger):
    build_street(sqlite_ledger)
    return sqlite_ledger


def table(ws) -> list[tuple]:
    """The data rows and the 合计 row of the filled sheet."""
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        rows.append(row)
        if row[0] == "合计":
            break
    return rows


def test_the_built_in_template_is_what_the_script_makes(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("make", builtin_templates_dir() / "make_report_templates.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    make.make_quarterly(tmp_path / TEMPLATE)
    fresh = openpyxl.load_workbook(tmp_path / TEMPLATE).active
    shipped = openpyxl.load_workbook(builtin_templates_dir() / TEMPLATE).active
    assert [[c.value for c in r] for r in fresh.iter_rows()] == [[c.value for c in r] for r in shipped.iter_rows()]
    assert {str(r) for r in fresh.merged_cells.ranges} == {str(r) for r in shipped.merged_cells.ranges}


def test_xlsx_values(street, tmp_path):
    out = tmp_path / "季度.xlsx"
    result = write_quarterly_xlsx(quarter.report(street, Q3), out)
    assert result.rows == 2
    ws = openpyxl.load_workbook(out)["季度统计汇总"]
    assert ws["A5"].value == "测试街道2026年第三季度统计汇总表"
    assert ws["A6"].value == "填报单位：测试街道" and ws["J6"].value == "报告期：2026年第三季度"
    assert ws["S1"].value.startswith("表    号") and ws["S4"].value.startswith("有效期至")
    assert ws["A1"].value.startswith("未关账")
    assert ws["P7"].value == "经费（元，1—9月累计）"
    assert [ws.cell(8, c).value for c in range(12, 16)] == ["一岗", "二岗", "三岗", "小计"]
    a, b, total = table(ws)
    #        序号 社区   党委 党总支 党支部 网格党支部 党小组 党员 网格 户数 网格员 一岗 二岗 三岗 小计
    assert a[:15] == (1, "甲社区", 1, 0, 0, 1, 1, 30, 2, 1200, 1, 1, 1, 1, 3)
    assert b[:15] == (2, "乙社区", 0, 0, 2, 0, 0, 8, 1, 520, 0, 0, 0, 0, 0)
    assert total[:15] == ("合计", None, 1, 0, 2, 1, 1, 38, 3, 1720, 1, 1, 1, 1, 3)
    #        年度预算 拨入 支出 结余 执行率 阵地面积 达标
    assert a[15:] == (100000, 50000, 14345.67, 35654.33, 14.3, 460, "是")
    assert b[15:] == (0, 20000, 0, 20000, "—", 250, "否")
    assert total[15:] == (100000, 70000, 14345.67, 55654.33, 14.3, 710, "1/2")
    assert ws["P9"].number_format == "#,##0.00" and ws["T9"].number_format == "0.0"
    assert ws["H9"].alignment.horizontal == "right" and ws["A11"].font.bold
    note = ws["A12"].value
    assert note.startswith("补充资料：与2026年第二季度（按当前台账计算）相比：党组织+1个")
    assert "经费支出+2,000.00元" in note
    assert ws["A13"].value.startswith("填表说明：1. 党组织、社区工作者为截至2026年9月30日的数")
    assert ws["Q15"].value.startswith("报出日期：")


def test_xlsx_merges_print_titles_and_page_setup(street, tmp_path):
    out = tmp_path / "季度.xlsx"
    write_quarterly_xlsx(quarter.report(street, Q3), out)
    ws = openpyxl.load_workbook(out)["季度统计汇总"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:V5", "A7:A8", "B7:B8", "C7:G7", "L7:O7", "P7:T7", "U7:V7", "S1:V1", "S4:V4"} <= merged
    assert "A11:B11" in merged                      # the 合计 label across 序号 and 社区, on the 合计 row
    assert {"A12:V12", "A13:V13", "Q15:V15"} <= merged   # moved down with the rows below the table
    assert ws.print_title_rows == "$7:$8"
    assert ws.print_area == "'季度统计汇总'!$A$1:$V$15"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.freeze_panes == "C9"


def test_a_damaged_template_is_refused_naming_the_cell(street, tmp_path):
    damaged = tmp_path / TEMPLATE
    shutil.copy(builtin_templates_dir() / TEMPLATE, damaged)
    wb = openpyxl.load_workbook(damaged)
    wb.active["H9"] = "{{党员人数}}"
    wb.save(damaged)
    with pytest.raises(TemplateError, match=r"单元格 H9 有未知的占位符 \{\{党员人数\}\}（是否应为 \{\{党员数\}\}"):
        write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "out.xlsx", template=damaged)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_closed_quarter_exports_the_same_figures_after_the_ledgers_change(street, tmp_path):
    quarter.close_quarter(street, Q3, today=AFTER_Q3)
    write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "before.xlsx")
    write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "before.pdf")
    WorkerService(street).create(worker("甲社区", name="补录人员", title="社区工作者", post="三岗", level="4",
                                        id_number=_id(7), started_on="2026-02-01"))
    FundService(street).create({"entry_date": "2026-07-07", "community": "甲社区", "category": "社区工作经费",
                                "direction": "支出", "amount": "3000"})
    write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "after.xlsx")
    write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "after.pdf")
    before = openpyxl.load_workbook(tmp_path / "before.xlsx").active
    after = openpyxl.load_workbook(tmp_path / "after.xlsx").active
    assert table(after) == table(before)
    assert [c.value for c in after[12]] == [c.value for c in before[12]]     # the changes line too
    assert after["A1"].value.startswith("已关账")
    if shutil.which("pdftotext"):
        assert _text(tmp_path / "after.pdf") == _text(tmp_path / "before.pdf")
    # the open quarter after it sees the new worker
    assert quarter.report(street, "2026-Q4").figures.total.workers_total == 5


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils missing")
def test_pdf_embeds_its_fonts_and_its_chinese_extracts(street, tmp_path):
    out = write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "季度.pdf")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts     # the emb column
    text = _text(out)
    assert "测试街道2026年第三季度统计汇总表" in text
    assert "未关账" in text and "主要指标" in text and "较上季度+1个" in text
    assert "测试街道各社区主要指标统计表" in text and "甲社区" in text and "14,345.67" in text
    assert "在岗社区工作者岗位构成" in text and "各社区经费执行率" in text
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    n = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    flat = text.replace(" ", "")
    assert f"第1页共{n}页" in flat and f"第{n}页共{n}页" in flat


def test_pdf_of_a_closed_quarter_says_so(street, tmp_path):
    quarter.close_quarter(street, Q3, today=AFTER_Q3)
    out = write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "季度.pdf")
    if shutil.which("pdftotext"):
        text = _text(out)
        assert "已关账" in text and "未关账" not in text


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice missing")
def test_the_workbook_opens_in_libreoffice(street, tmp_path):
    out = tmp_path / "季度.xlsx"
    write_quarterly_xlsx(quarter.report(street, Q3), out)
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "季度.pdf").stat().st_size > 5000
