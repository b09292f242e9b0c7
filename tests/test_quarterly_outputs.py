"""季度统计汇总 files: the filled workbook (values, merges, print settings), the PDF (fonts, text), frozen reprints."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from exports.quarterly_pdf import write_quarterly_pdf
from exports.quarterly_xlsx import FIRST_LAYOUT, SECOND_LAYOUT, TEMPLATE, write_quarterly_xlsx
from exports.template import TemplateError, builtin_templates_dir
from ledger import clock, quarter
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


@pytest.mark.parametrize("name", [TEMPLATE, FIRST_LAYOUT.as_posix(), SECOND_LAYOUT.as_posix()])
def test_the_built_in_template_is_what_the_script_makes(tmp_path, name):
    import importlib.util
    spec = importlib.util.spec_from_file_location("make", builtin_templates_dir() / "make_report_templates.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    make.TEMPLATES[name](tmp_path / "made.xlsx")
    fresh = openpyxl.load_workbook(tmp_path / "made.xlsx").active
    shipped = openpyxl.load_workbook(builtin_templates_dir() / name).active
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
    assert b[:15] == (2, "乙社区", 0, 0, 2, 0, 0, 8, 1, "—", 0, 0, 0, 0, 0)     # 户数 left blank in its ledger
    assert total[:15] == ("合计", None, 1, 0, 2, 1, 1, 38, 3, 1200, 1, 1, 1, 1, 3)
    #        年度预算 拨入 支出 结余 执行率 阵地面积 达标
    assert a[15:22] == (100000, 50000, 14345.67, 35654.33, 14.3, 460, "是")
    assert b[15:22] == (0, 20000, 0, 20000, "—", 250, "否")
    assert total[15:22] == (100000, 70000, 14345.67, 55654.33, 14.3, 710, "1/2")
    # no wider ledgers kept: zeros, no case or estate to state a rate of, the 党组织 standing in for 报到党员
    assert total[22:] == (0, 0, 0, 0, 0, 0, 0, 0, 0, "—", "—", "—", 0, 0, "—")
    assert ws["P9"].number_format == "#,##0.00" and ws["T9"].number_format == "0.0"
    assert ws["H9"].alignment.horizontal == "right" and ws["A11"].font.bold
    note = ws["A12"].value
    assert note.startswith("补充资料：与2026年第二季度（按当前台账计算）相比：党组织+1个")
    assert "经费支出+2,000.00元" in note
    assert ws["A13"].value.startswith("填表说明：1. 党组织、社区工作者为截至2026年9月30日的数")
    assert ws["AE15"].value.startswith("报出日期：")


def test_xlsx_merges_print_titles_and_page_setup(street, tmp_path):
    out = tmp_path / "季度.xlsx"
    write_quarterly_xlsx(quarter.report(street, Q3), out)
    ws = openpyxl.load_workbook(out)["季度统计汇总"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:AK5", "A7:A8", "B7:B8", "C7:F7", "G7:G8", "L7:O7", "P7:T7", "U7:V7", "S1:AK1", "S4:AK4"} <= merged
    # 共建单位和项目, 报到党员, 志愿服务, 民生诉求, 小区
    assert {"W7:Y7", "Z7:Z8", "AA7:AC7", "AD7:AI7", "AJ7:AK7"} <= merged
    assert ws["C7"].value == "党组织数（个）" and ws["G7"].value == "党小组\n（个）"   # listed apart
    assert "A11:B11" in merged                      # the 合计 label across 序号 and 社区, on the 合计 row
    assert {"A12:AK12", "A13:AK13", "AE15:AK15"} <= merged   # moved down with the rows below the table
    assert ws.print_title_rows == "$7:$8"
    assert ws.print_area == "'季度统计汇总'!$A$1:$AK$15"
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
    assert "甲社区" in text and "14,345.67" in text
    # the table's page as the xlsx template has it: its legal marks, title and the lines under the table
    table_page = next(p for p in text.replace(" ", "").split("\f") if "补充资料：" in p)   # the wider table follows it
    for line in ("表号：街社统季1表", "制定机关：区民政局", "批准文号：区统字〔2026〕1号", "有效期至：2028年12月",
                 "测试街道2026年第三季度统计汇总表", "补充资料：", "填表说明：", "单位负责人：", "统计负责人："):
        assert line in table_page, line
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


# --- a quarter closed by the previous release ----------------------------------------------------------------
V1 = Path(__file__).parent / "data" / "quarter_v1"


def _store_as_the_previous_release_did(ledger) -> None:
    """The 2026-Q2 and 2026-Q3 snapshots of build_street exactly as the release before version 2 closed them
    (tests/data/quarter_v1/snapshots.json, with the workbook it printed for 2026-Q3 beside it)."""
    import json
    from datetime import datetime

    from sqlalchemy import insert

    from ledger.models import QuarterSnapshot
    stored = json.loads((V1 / "snapshots.json").read_text(encoding="utf-8"))
    with ledger.unit("quarter.close") as session:
        for code, snap in stored.items():
            session.execute(insert(QuarterSnapshot).values(
                quarter=code, closed_at=datetime.fromisoformat(snap["closed_at"]), closed_by=snap["closed_by"],
                figures=snap["figures"]))


def _cells(ws) -> list[list]:
    """Every cell's value but the 报出日期 (the day of printing)."""
    return [[None if isinstance(c.value, str) and c.value.startswith("报出日期：") else c.value for c in row]
            for row in ws.iter_rows()]


def test_a_quarter_closed_by_the_previous_release_reprints_as_it_was_closed(ledger, tmp_path, writes_around):
    build_street(ledger)           # today's ledgers: 乙社区 leaves 户数 blank, 甲社区 has a 党小组
    _store_as_the_previous_release_did(ledger)
    report = quarter.report(ledger, Q3)
    f = report.figures
    assert f.version == 1 and not f.is_open
    # its own figures, by its own rules: the 党小组 among the 5 党组织, the grids' 520 standing in for 乙's 户数
    assert report.values["orgs"] == 5 and report.values["households"] == 1720 and report.values["members"] == 38
    assert [r.households for r in f.rows] == [1200, 520]

    write_quarterly_xlsx(report, tmp_path / "reprint.xlsx")
    printed = openpyxl.load_workbook(V1 / "2026-Q3.xlsx").active
    reprint = openpyxl.load_workbook(tmp_path / "reprint.xlsx").active
    assert _cells(reprint) == _cells(printed)              # figures, columns, headings, changes line, notes
    assert {str(r) for r in reprint.merged_cells.ranges} == {str(r) for r in printed.merged_cells.ranges}
    assert "C7:G7" in {str(r) for r in reprint.merged_cells.ranges}    # 党小组 under 党组织数, as printed then
    assert table(reprint)[-1][2:10] == (1, 0, 2, 1, 1, 38, 3, 1720)
    assert _issued(tmp_path / "reprint.xlsx") == "报出日期：2026年12月5日"     # the day it was closed, not today

    from exports.quarterly_pdf import QuarterlyPdf
    assert QuarterlyPdf(report).form_table().groups[0] == ("党组织数（个）", 2, 6)   # over the 党小组 column too
    text = _text(write_quarterly_pdf(report, tmp_path / "reprint.pdf")).replace(" ", "").replace("\n", "")
    assert "户数1,720户；党组织5个，党员38名。" in text and "另有党小组" not in text
    assert "1甲社区10011302120011113" in text and "2乙社区0020081520000000" in text
    assert "合计10211383172011113" in text
    assert "已关账：本季度数据已于2026年12月5日冻结" in text and "党小组是党支部的组成部分" not in text


def test_the_next_close_counts_by_the_corrected_rules(ledger, tmp_path, writes_around):
    build_street(ledger)
    _store_as_the_previous_release_did(ledger)
    closed = quarter.close_quarter(ledger, "2026-Q4", today=date(2027, 1, 5))
    assert closed.version == quarter.SNAPSHOT_VERSION == 3 and closed.to_json()["version"] == 3
    report = quarter.report(ledger, "2026-Q4")
    # 甲: 党委, 网格党支部, 老年党支部 (founded in November); 乙: 党支部, 小区党支部 — the 党小组 apart
    assert report.values["orgs"] == 5 and report.figures.total.party_groups == 1
    assert report.values["households"] == 1200                   # 乙社区's blank 户数 is not its grids' 520
    # compared with the third quarter as the corrected rules read it (its 党小组 set apart too): +1 党组织
    assert report.change("orgs") == 1

    write_quarterly_xlsx(report, tmp_path / "q4.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "q4.xlsx").active
    assert ws["C7"].value == "党组织数（个）" and ws["G7"].value == "党小组\n（个）"
    assert table(ws)[-1][2:10] == (1, 0, 3, 1, 1, 38, 3, 1200)   # the 老年党支部's 9 are inside 甲's 30
    changes = ws["A12"].value
    assert changes.startswith("补充资料：与2026年第三季度（已关账数据）相比：党组织+1个，党员持平")
    assert "户数" not in changes       # the third quarter's 户数 cannot be restated by the corrected rule
    text = _text(write_quarterly_pdf(report, tmp_path / "q4.pdf")).replace(" ", "").replace("\n", "")
    assert "户数1,200户；党组织5个（另有党小组1个），党员38名。" in text
    assert "党小组是党支部的组成部分，不计入党组织数，单独列出" in text


# --- reprinting a closed quarter on another day -------------------------------------------------------------
CLOSED_AT = datetime(2026, 10, 16, 9, 30, 12)


def _zip_times(path: Path) -> set[tuple]:
    with zipfile.ZipFile(path) as z:
        return {info.date_time for info in z.infolist()}


def _pdf_dates(path: Path) -> tuple[str, str]:
    info = path.read_bytes()
    created = re.search(rb"/CreationDate \((D:[0-9]+)\)", info).group(1).decode()
    modified = re.search(rb"/ModDate \((D:[0-9]+)\)", info).group(1).decode()
    return created, modified


def test_a_closed_quarter_reprints_byte_for_byte_dated_by_its_closing(street, tmp_path):
    with clock.frozen(CLOSED_AT):
        quarter.close_quarter(street, Q3)
    with clock.frozen(datetime(2026, 10, 20, 8, 0)):
        first_xlsx = write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "first.xlsx").path
        first_pdf = write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "first.pdf")
    with clock.frozen(datetime(2027, 6, 1, 15, 45, 3)):
        again_xlsx = write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "again.xlsx").path
        again_pdf = write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "again.pdf")
    assert again_pdf.read_bytes() == first_pdf.read_bytes()
    assert again_xlsx.read_bytes() == first_xlsx.read_bytes()
    # dated by the close: the PDF's creation date, the workbook's properties and every entry of its zip
    assert _pdf_dates(again_pdf) == ("D:20261016093012", "D:20261016093012")
    assert _zip_times(again_xlsx) == {(2026, 10, 16, 9, 30, 12)}
    props = openpyxl.load_workbook(again_xlsx).properties
    assert props.created == props.modified == _utc(CLOSED_AT)
    assert _issued(again_xlsx) == "报出日期：2026年10月16日"
    if shutil.which("pdftotext"):
        assert "报出日期：2026年10月16日" in _text(again_pdf).replace(" ", "")


def test_an_open_quarter_says_so_and_is_dated_today(street, tmp_path):
    with clock.frozen(datetime(2026, 11, 3, 10, 5)):
        xlsx = write_quarterly_xlsx(quarter.report(street, "2026-Q4"), tmp_path / "q4.xlsx").path
        pdf = write_quarterly_pdf(quarter.report(street, "2026-Q4"), tmp_path / "q4.pdf")
    ws = openpyxl.load_workbook(xlsx).active
    assert ws["A1"].value.startswith("未关账：数据按2026年11月3日 10:05的台账计算")
    assert _issued(xlsx) == "报出日期：2026年11月3日"
    assert _zip_times(xlsx) == {(2026, 11, 3, 10, 5, 0)} and _pdf_dates(pdf)[0] == "D:20261103100500"
    if shutil.which("pdftotext"):
        text = _text(pdf).replace(" ", "")
        assert "未关账" in text and "报出日期：2026年11月3日" in text


def _issued(path: Path) -> str:
    ws = openpyxl.load_workbook(path).active
    return next(c.value for row in ws.iter_rows() for c in row if str(c.value).startswith("报出日期"))


def _utc(local: datetime) -> datetime:
    return local.astimezone(timezone.utc).replace(tzinfo=None)
