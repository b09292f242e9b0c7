"""Tests for exports.template: filling keeps the template's layout and print settings, and refuses bad templates.

Run as a script (`PYTHONPATH=. python tests/test_template.py`) to measure filling 10,000 × 20 cells against xlsxwriter.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from exports import template as tpl
from exports.template import TemplateError, fill
from ledger.errors import LedgerError

THIN = Side(style="thin")
BOX = Border(THIN, THIN, THIN, THIN)
FIELDS = ["社区", "姓名", "岗位", "应发合计", "实发工资", "发放日期", "备注"]


def make_pay_template(path: Path) -> Path:
    """A small 工资发放表 laid out as a clerk would: title, info line, two-row header, detail, 小计, 合计, signatures."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工资表"
    ws["A1"] = "{{街道名称}}社区工作者{{报告期}}工资发放表"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：{{街道名称}}"
    ws.merge_cells("A2:C2")
    ws["D2"] = "报告期：{{报告期}}"
    ws["H2"] = "单位：元"
    # two-row header: 序号/社区/姓名/岗位 merged down, 金额 merged over 应发合计 and 实发工资
    for col, label in zip("ABCD", ["序号", "社区", "姓名", "岗位"]):
        ws[f"{col}3"] = label
        ws.merge_cells(f"{col}3:{col}4")
    ws["E3"] = "金额"
    ws.merge_cells("E3:F3")
    ws["E4"], ws["F4"] = "应发合计", "实发工资"
    ws["G3"] = "发放日期"
    ws.merge_cells("G3:G4")
    ws["H3"] = "领款人签字"
    ws.merge_cells("H3:H4")
    detail = ["{{#行}}{{序号}}", "{{社区}}", "{{姓名}}", "{{岗位}}", "{{应发合计}}", "{{实发工资}}", "{{发放日期}}", "{{备注}}"]
    for col, text in enumerate(detail, start=1):
        cell = ws.cell(5, col, text)
        cell.border = BOX
        cell.font = Font(name="宋体", size=10)
    ws["E5"].number_format = ws["F5"].number_format = "#,##0.00"
    ws["E5"].alignment = ws["F5"].alignment = Alignment(horizontal="right")
    ws["G5"].number_format = "yyyy年m月d日"
    ws.row_dimensions[5].height = 20
    ws["A6"] = "{{#小计}}{{社区}}小计（{{计数}}人）"
    ws.merge_cells("A6:D6")
    ws["E6"], ws["F6"] = "{{合计:应发合计}}", "{{合计:实发工资}}"
    for col in range(1, 9):
        ws.cell(6, col).border = BOX
        ws.cell(6, col).fill = PatternFill("solid", fgColor="EEEEEE")
    ws["E6"].number_format = ws["F6"].number_format = "#,##0.00"
    ws["A7"] = "{{#合计}}合计"
    ws.merge_cells("A7:D7")
    ws["E7"], ws["F7"] = "{{合计:应发合计}}", "{{合计:实发工资}}"
    for col in range(1, 9):
        ws.cell(7, col).border = BOX
        ws.cell(7, col).font = Font(bold=True)
    ws["E7"].number_format = ws["F7"].number_format = "#,##0.00"
    ws["A9"] = "制表人：{{制表人}}"
    ws.merge_cells("A9:C9")
    ws["E9"] = "审核人："
    ws["G9"] = "制表日期：{{制表日期}}"
    ws.row_dimensions[9].height = 30
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["H"].width = 14
    for col in "EFG":
        ws.column_dimensions[col].width = 16
    ws.print_area = "A1:H9"
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = "{{街道名称}} &&机密"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.freeze_panes = "A5"
    ws.conditional_formatting.add("F5:F5", CellIsRule(operator="lessThan", formula=["0"], font=Font(color="FF0000")))
    dv = DataValidation(type="list", formula1='"一岗,二岗,三岗"')
    dv.add("D5")
    ws.add_data_validation(dv)
    ws.row_breaks.append(openpyxl.worksheet.pagebreak.Break(id=8))
    wb.save(path)
    return path


def pay_rows() -> list[dict]:
    people = [("东风社区", "张三", "一岗", "5200.00", "4300.50"), ("东风社区", "李四", "三岗", "3100.10", "2600.05"),
              ("东风社区", "王五", "二岗", "4100.00", "3500.00"), ("西湖社区", "赵六", "三岗", "2900.00", "2400.45"),
              ("西湖社区", "钱七", "一岗", "6000.00", "5100.00")]
    return [{"社区": c, "姓名": n, "岗位": p, "应发合计": Decimal(a), "实发工资": Decimal(b), "发放日期": date(2026, 1, 15),
             "备注": None} for c, n, p, a, b in people]


VALUES = {"街道名称": "东风街道", "报告期": "2026年1月", "制表人": "刘会计", "制表日期": date(2026, 1, 20)}


@pytest.fixture()
def template_path(tmp_path: Path) -> Path:
    return make_pay_template(tmp_path / "工资发放表.xlsx")


@pytest.fixture()
def filled(template_path: Path, tmp_path: Path):
    out = tmp_path / "out.xlsx"
    result = fill(template_path, VALUES, pay_rows(), out_path=out, fields=FIELDS, group_key="社区")
    wb = openpyxl.load_workbook(out)
    return result, wb["工资表"], out


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_values_land_in_their_cells_with_their_types(filled):
    result, ws, _ = filled
    assert ws["A1"].value == "东风街道社区工作者2026年1月工资发放表"
    assert ws["A2"].value == "填报单位：东风街道"
    assert ws["D2"].value == "报告期：2026年1月"
    # 3 东风 rows, 东风 小计, 2 西湖 rows, 西湖 小计, 合计
    assert [ws.cell(r, 1).value for r in range(5, 13)] == [1, 2, 3, "东风社区小计（3人）", 4, 5, "西湖社区小计（2人）", "合计"]
    assert [ws.cell(r, 3).value for r in (5, 6, 7, 9, 10)] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert ws["E5"].value == pytest.approx(5200.00) and ws["E5"].data_type == "n"
    assert ws["E5"].number_format == "#,##0.00"
    assert ws["E5"].alignment.horizontal == "right"
    assert ws["E5"].border.left.style == "thin"
    assert ws["G5"].value == datetime(2026, 1, 15) and ws["G5"].number_format == "yyyy年m月d日"
    assert ws["F8"].value == pytest.approx(10400.55)      # 东风 小计 of 实发
    assert ws["F11"].value == pytest.approx(7500.45)      # 西湖 小计
    assert ws["F12"].value == pytest.approx(17901.00)     # 合计
    assert ws["E8"].fill.fgColor.rgb.endswith("EEEEEE")
    assert ws["A12"].font.bold
    assert result.rows == 5 and result.groups == 2
    assert result.totals["实发工资"] == Decimal("17901.00")
    assert isinstance(result.totals["应发合计"], Decimal)
    # rows below the block moved down by 8 - 3 = 5
    assert ws["A14"].value == "制表人：刘会计"
    assert ws["E14"].value == "审核人："
    assert ws["G14"].value == "制表日期：2026年1月20日"


def test_amounts_are_written_exactly(filled):
    xml = sheet_xml(filled[2])
    assert re.search(r'<c r="F5"[^>]*><v>4300\.50</v>', xml)
    assert re.search(r'<c r="F12"[^>]*><v>17901\.00</v>', xml)


def test_merged_cells_are_kept_repeated_and_moved(filled):
    ws = filled[1]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # above the block: unchanged
    assert {"A1:H1", "A2:C2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:G4", "H3:H4"} <= merged
    # the 小计 merge repeated on both 小计 rows, the 合计 merge on the 合计 row
    assert {"A8:D8", "A11:D11", "A12:D12"} <= merged
    # below the block: moved down by 5
    assert "A14:C14" in merged and "A9:C9" not in merged
    assert len(merged) == 13


def test_print_settings_are_kept(filled):
    ws = filled[1]
    assert ws.print_area == "'工资表'!$A$1:$H$14"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddHeader.center.text == "东风街道 &&机密"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.freeze_panes == "A5"
    assert ws.column_dimensions["B"].width == 18 and ws.column_dimensions["H"].width == 14
    assert [ws.row_dimensions[r].height for r in (5, 6, 7, 9, 10)] == [20] * 5
    assert ws.row_dimensions[14].height == 30
    assert [b.id for b in ws.row_breaks.brk] == [13]


def test_conditional_formatting_and_validation_cover_the_written_rows(filled):
    ws = filled[1]
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["F5:F12"]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["D5:D12"]


def test_a_column_too_narrow_for_a_figure_is_named_and_the_file_still_written(template_path: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(template_path)
    wb["工资表"].column_dimensions["F"].width = 6          # an office's copy, narrowed in Excel
    wb.save(template_path)
    before = template_path.read_bytes()
    heard: list[str] = []
    result = fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "o.xlsx", fields=FIELDS,
                  group_key="社区", warn=heard.append)
    # 实发工资 合计 4,300.50 + 2,600.05 + 3,500.00 + 2,400.45 + 5,100.00, in bold
    [text] = result.warnings
    assert text.startswith("模板“工资发放表.xlsx”第F列（实发工资）宽度不足，打印时将显示###：17,901.00 需要列宽约 ")
    assert text.endswith("，现为 6") and heard == [text]
    assert openpyxl.load_workbook(tmp_path / "o.xlsx").active["F12"].value == 17901    # written all the same
    assert template_path.read_bytes() == before


def test_columns_wide_enough_give_no_warning(filled):
    result, _, _ = filled
    assert result.warnings == []


def test_no_records_leaves_a_zero_total_and_moves_rows_up(template_path: Path, tmp_path: Path):
    out = tmp_path / "empty.xlsx"
    result = fill(template_path, VALUES, [], out_path=out, fields=FIELDS, group_key="社区")
    ws = openpyxl.load_workbook(out)["工资表"]
    assert result.rows == 0 and result.groups == 0
    assert ws["A5"].value == "合计" and ws["F5"].value == 0
    assert ws["A7"].value == "制表人：刘会计"
    assert "A7:C7" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_area == "'工资表'!$A$1:$H$7"


def test_without_group_key_no_subtotals(template_path: Path, tmp_path: Path):
    out = tmp_path / "flat.xlsx"
    result = fill(template_path, VALUES, pay_rows(), out_path=out, fields=FIELDS)
    ws = openpyxl.load_workbook(out)["工资表"]
    assert result.groups == 0
    assert [ws.cell(r, 1).value for r in range(5, 11)] == [1, 2, 3, 4, 5, "合计"]


def test_group_key_may_be_a_function(template_path: Path, tmp_path: Path):
    out = tmp_path / "by_post.xlsx"
    rows = sorted(pay_rows(), key=lambda r: r["岗位"])
    result = fill(template_path, VALUES, rows, out_path=out, fields=FIELDS, group_key=lambda r: r["岗位"])
    assert result.groups == 3


def test_many_rows_fill_and_stay_consistent(template_path: Path, tmp_path: Path):
    out = tmp_path / "many.xlsx"
    rows = [dict(pay_rows()[i % 5], 社区=f"社区{i // 100:02d}") for i in range(3000)]
    result = fill(template_path, VALUES, rows, out_path=out, fields=FIELDS, group_key="社区")
    assert result.groups == 30
    ws = openpyxl.load_workbook(out)["工资表"]
    last = 5 + 3000 + 30          # the 合计 row
    assert ws.cell(last, 1).value == "合计"
    assert ws.cell(last + 2, 1).value == "制表人：刘会计"
    assert ws.print_area == f"'工资表'!$A$1:$H${last + 2}"
    assert ws.dimensions == f"A1:H{last + 2}"
    assert Decimal(str(ws.cell(last, 6).value)) == result.totals["实发工资"]


# --- refusals ------------------------------------------------------------------------------------------------


def damage(template_path: Path, cell: str, text: str | None) -> Path:
    wb = openpyxl.load_workbook(template_path)
    wb["工资表"][cell] = text
    wb.save(template_path)
    return template_path


def test_unknown_placeholder_is_refused_naming_file_and_cell(template_path: Path, tmp_path: Path):
    damage(template_path, "D5", "{{岗为}}")
    with pytest.raises(TemplateError) as caught:
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)
    message = str(caught.value)
    assert message.startswith("模板“工资发放表.xlsx”的单元格 D5 有未知的占位符 {{岗为}}")
    assert "{{岗位}}" in message                       # the near miss is suggested
    assert isinstance(caught.value, LedgerError)
    assert not (tmp_path / "x.xlsx").exists()


def test_unknown_single_value_is_refused(template_path: Path, tmp_path: Path):
    damage(template_path, "H2", "{{单位名}}")
    with pytest.raises(TemplateError, match="单元格 H2 有未知的占位符 {{单位名}}"):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


def test_record_field_outside_the_detail_row_is_refused(template_path: Path, tmp_path: Path):
    damage(template_path, "H2", "{{姓名}}")
    with pytest.raises(TemplateError, match="H2 有未知的占位符 {{姓名}}"):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


def test_missing_detail_row_is_refused(template_path: Path, tmp_path: Path):
    damage(template_path, "A5", "{{序号}}")
    with pytest.raises(TemplateError, match="模板“工资发放表.xlsx”缺少明细行"):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


@pytest.mark.parametrize("cell,text,expected", [
    ("B5", "{{姓名", "单元格 B5 的占位符缺少"),
    ("B5", "{{}}", "单元格 B5 有无效的占位符"),
    ("B5", "{{#行}}{{社区}}", "单元格 B5 的标记 {{#行}} 必须写在该行第一个非空单元格的开头"),
    ("A9", "{{#明细}}", "单元格 A9 有未知的标记 {{#明细}}"),
    ("A9", "{{#行}}", "有多个 {{#行}} 行（单元格 A5 和 A9）"),
    ("E5", "{{合计:应发合计}}", "单元格 E5 在明细行中使用了 {{合计:应发合计}}"),
    ("E6", "{{合计:应发}}", "单元格 E6 有未知的占位符 {{合计:应发}}"),
])
def test_broken_templates_are_refused(template_path: Path, tmp_path: Path, cell: str, text: str, expected: str):
    damage(template_path, cell, text)
    with pytest.raises(TemplateError, match=re.escape(expected)):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


def test_total_row_must_follow_the_block(template_path: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(template_path)
    ws = wb["工资表"]
    ws.unmerge_cells("A7:D7")
    ws["A7"] = None
    ws["A10"] = "{{#合计}}合计"
    wb.save(template_path)
    with pytest.raises(TemplateError, match="合计行（单元格 A10）必须紧接在明细行或小计行之下"):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


def test_merge_across_the_block_edge_is_refused(template_path: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(template_path)
    wb["工资表"].merge_cells("H5:H6")
    wb.save(template_path)
    with pytest.raises(TemplateError, match="合并单元格 H5:H6 跨越了明细行的边界"):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


def test_unknown_placeholder_in_the_footer_is_refused(template_path: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(template_path)
    wb["工资表"].oddFooter.left.text = "{{单位负责人}}"
    wb.save(template_path)
    with pytest.raises(TemplateError, match="页脚（左）有未知的占位符 {{单位负责人}}"):
        fill(template_path, VALUES, pay_rows(), out_path=tmp_path / "x.xlsx", fields=FIELDS)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path):
    bad = tmp_path / "坏模板.xlsx"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(TemplateError, match="无法打开模板“坏模板.xlsx”"):
        fill(bad, VALUES, [], out_path=tmp_path / "x.xlsx")


# --- security: data never becomes a formula ------------------------------------------------------------------

INJECTIONS = ['=HYPERLINK("http://example.invalid","点我")', "+1+1", "-2+3", "@SUM(1,2)", "=1+1"]


def test_formula_like_text_is_written_as_text(template_path: Path, tmp_path: Path):
    rows = pay_rows()
    for row, text in zip(rows, INJECTIONS):
        row["姓名"] = text
    values = dict(VALUES, 制表人="=cmd|' /C calc'!A0")
    out = tmp_path / "inject.xlsx"
    fill(template_path, values, rows, out_path=out, fields=FIELDS)
    xml = sheet_xml(out)
    assert "<f>" not in xml
    wb = openpyxl.load_workbook(out)
    ws = wb["工资表"]
    for r, text in zip(range(5, 10), INJECTIONS):
        cell = ws.cell(r, 3)
        assert cell.value == text and cell.data_type == "s"
        assert cell.quotePrefix            # Excel keeps it text even when the cell is edited
    assert ws["A12"].value == "制表人：=cmd|' /C calc'!A0" and ws["A12"].data_type == "s"


def test_a_single_value_that_looks_like_a_formula_stays_text(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active["B2"] = "{{备注}}"
    wb.save(tmp_path / "t.xlsx")
    fill(tmp_path / "t.xlsx", {"备注": "=2*3"}, out_path=tmp_path / "o.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "o.xlsx").active["B2"]
    assert cell.value == "=2*3" and cell.data_type == "s" and cell.quotePrefix


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_any_text_reads_back_as_the_same_text(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("prop")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{#行}}{{文本}}"
    wb.save(folder / "t.xlsx")
    fill(folder / "t.xlsx", {}, [{"文本": t} for t in texts], out_path=folder / "o.xlsx")
    ws = openpyxl.load_workbook(folder / "o.xlsx").active
    for row, text in enumerate(texts, start=1):
        expected = tpl._clean(text) or None
        assert ws.cell(row, 1).value == expected
        assert ws.cell(row, 1).data_type in ("s", "n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=st.lists(st.lists(st.decimals(min_value=-99999, max_value=99999, places=2, allow_nan=False,
                                            allow_infinity=False), min_size=1, max_size=6), max_size=6))
def test_subtotals_and_total_are_exact_for_any_grouping(tmp_path_factory, groups):
    folder = tmp_path_factory.mktemp("groups")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "{{#行}}{{组}}", "{{金额}}"
    ws["A2"], ws["B2"] = "{{#小计}}{{组}}小计", "{{合计:金额}}"
    ws["A3"], ws["B3"] = "{{#合计}}合计{{计数}}", "{{合计:金额}}"
    ws["A5"] = "完"
    ws.merge_cells("A5:B5")
    wb.save(folder / "t.xlsx")
    rows = [{"组": f"组{g}", "金额": amount} for g, amounts in enumerate(groups) for amount in amounts]
    result = fill(folder / "t.xlsx", {}, rows, out_path=folder / "o.xlsx", group_key="组",
                  fields=["组", "金额"])
    out = openpyxl.load_workbook(folder / "o.xlsx").active
    assert result.groups == len(groups)
    row = 1
    for g, amounts in enumerate(groups):
        row += len(amounts)
        assert out.cell(row, 1).value == f"组{g}小计"
        assert Decimal(str(out.cell(row, 2).value)) == sum(amounts)
        row += 1
    assert out.cell(row, 1).value == f"合计{len(rows)}"
    assert Decimal(str(out.cell(row, 2).value)) == sum(r["金额"] for r in rows) == result.totals.get("金额", 0)
    assert out.cell(row + 2, 1).value == "完"
    assert {str(r) for r in out.merged_cells.ranges} == {f"A{row + 2}:B{row + 2}"}


# --- smaller features ----------------------------------------------------------------------------------------


def test_formulas_in_the_detail_row_move_with_their_row(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = "{{#行}}{{甲}}", "{{乙}}", "=A1-B1"
    ws["A3"] = "=SUM(C1:C1)"        # static formulas are kept as written (see docs/templates.md)
    wb.save(tmp_path / "t.xlsx")
    fill(tmp_path / "t.xlsx", {}, [{"甲": 5, "乙": 2}, {"甲": 7, "乙": 1}], out_path=tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert ws["C1"].value == "=A1-B1" and ws["C2"].value == "=A2-B2"
    assert ws["A4"].value == "=SUM(C1:C1)"


def test_a_record_may_take_several_consecutive_rows(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "{{#行}}{{单位}}工资条：{{姓名}}"
    ws.merge_cells("A1:C1")
    ws["A2"], ws["B2"], ws["C2"] = "{{#行}}姓名", "应发", "=B3*2"
    ws["A3"], ws["B3"] = "{{#行}}{{姓名}}", "{{应发}}"
    ws["A4"], ws["B4"] = "{{#合计}}合计", "{{合计:应发}}"
    ws["A6"] = "沿虚线剪开"
    wb.save(tmp_path / "t.xlsx")
    rows = [{"姓名": "张三", "应发": Decimal("100.50")}, {"姓名": "李四", "应发": Decimal("20.25")}]
    result = fill(tmp_path / "t.xlsx", {"单位": "东风街道"}, rows, out_path=tmp_path / "o.xlsx")
    assert result.rows == 2 and result.totals == {"应发": Decimal("120.75")}
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert [[c.value for c in row] for row in ws.iter_rows(max_col=3)] == [
        ["东风街道工资条：张三", None, None], ["姓名", "应发", "=B3*2"], ["张三", 100.5, None],
        ["东风街道工资条：李四", None, None], ["姓名", "应发", "=B6*2"], ["李四", 20.25, None],
        ["合计", 120.75, None], [None, None, None], ["沿虚线剪开", None, None]]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1", "A4:C4"}
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    ws["A3"] = "{{姓名}}"                       # the rows of a record must follow each other
    ws["A5"] = "{{#行}}{{姓名}}"
    ws.parent.save(tmp_path / "gap.xlsx")
    with pytest.raises(TemplateError, match=re.escape("有多个 {{#行}} 行（单元格 A1 和 A5），只能有一个（一条记录占几行时")):
        fill(tmp_path / "gap.xlsx", {"单位": "东风街道"}, rows, out_path=tmp_path / "x.xlsx")


def test_rich_text_keeps_its_runs(tmp_path: Path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    wb = openpyxl.Workbook()
    wb.active["A1"] = CellRichText(TextBlock(InlineFont(b=True), "{{街道名称}}"), "工资表")
    wb.save(tmp_path / "t.xlsx")
    fill(tmp_path / "t.xlsx", {"街道名称": "东风街道"}, out_path=tmp_path / "o.xlsx")
    value = openpyxl.load_workbook(tmp_path / "o.xlsx", rich_text=True).active["A1"].value
    assert str(value) == "东风街道工资表"
    assert value[0].font.b and value[0].text == "东风街道"


def test_a_placeholder_split_across_rich_text_runs_still_fills(tmp_path: Path):
    # WPS and Excel split text into runs where the formatting changes, sometimes inside a placeholder
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    wb = openpyxl.Workbook()
    wb.active["A1"] = CellRichText(TextBlock(InlineFont(b=True), "{{街道"), "名称}}工资表")
    wb.save(tmp_path / "t.xlsx")
    fill(tmp_path / "t.xlsx", {"街道名称": "东风街道"}, out_path=tmp_path / "o.xlsx")
    assert openpyxl.load_workbook(tmp_path / "o.xlsx").active["A1"].value == "东风街道工资表"


def test_messages_name_the_sheet_when_there_are_several(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{街道名称}}"
    wb.create_sheet("说明")["B3"] = "{{联系人}}"
    wb.save(tmp_path / "多表.xlsx")
    with pytest.raises(TemplateError, match="模板“多表.xlsx”工作表“说明”的单元格 B3 有未知的占位符 {{联系人}}"):
        fill(tmp_path / "多表.xlsx", {"街道名称": "东风街道"}, out_path=tmp_path / "o.xlsx")


def test_dates_get_a_date_format_in_a_general_cell(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{#行}}{{日期}}"
    wb.active["B1"] = "{{时间}}"
    wb.save(tmp_path / "t.xlsx")
    fill(tmp_path / "t.xlsx", {}, [{"日期": date(2026, 3, 1), "时间": datetime(2026, 3, 1, 8, 30)}],
         out_path=tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert ws["A1"].value == datetime(2026, 3, 1) and ws["A1"].number_format == "yyyy-mm-dd"
    assert ws["B1"].value == datetime(2026, 3, 1, 8, 30) and ws["B1"].number_format == "yyyy-mm-dd hh:mm"


def test_template_without_rows_fills_single_values(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{街道名称}}"
    wb.active["A2"] = "{{制表日期}}"
    wb.save(tmp_path / "t.xlsx")
    result = fill(tmp_path / "t.xlsx", {"街道名称": "东风街道"}, out_path=tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert ws["A1"].value == "东风街道" and ws["A2"].value.date() == date.today()
    assert result.rows == 0


# --- where templates come from -------------------------------------------------------------------------------


@pytest.fixture()
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    resources = tmp_path / "resources"
    (resources / "templates").mkdir(parents=True)
    monkeypatch.setattr("ledger.paths.resources_dir", lambda: resources)
    monkeypatch.setenv("STREETLEDGER_DATA_DIR", str(tmp_path / "data"))
    make_pay_template(resources / "templates" / "工资发放表.xlsx")
    return resources / "templates", tmp_path / "data" / "templates"


def test_user_template_overrides_builtin(folders, tmp_path: Path):
    builtin_dir, user_dir = folders
    assert tpl.find_template("工资发放表") == builtin_dir / "工资发放表.xlsx"
    adjusted = make_pay_template(tmp_path / "adjusted.xlsx")
    damage(adjusted, "A1", "{{街道名称}}{{报告期}}工资表（调整版）")
    installed = tpl.install_custom("工资发放表.xlsx", adjusted)
    assert installed == user_dir / "工资发放表.xlsx"
    assert tpl.find_template("工资发放表.xlsx") == installed
    fill("工资发放表", VALUES, pay_rows(), out_path=tmp_path / "o.xlsx", fields=FIELDS)
    assert openpyxl.load_workbook(tmp_path / "o.xlsx").active["A1"].value == "东风街道2026年1月工资表（调整版）"
    [info] = tpl.list_templates()
    assert info.name == "工资发放表.xlsx" and info.customised and info.has_builtin
    assert tpl.reset_to_builtin("工资发放表") is True
    assert tpl.find_template("工资发放表") == builtin_dir / "工资发放表.xlsx"
    assert tpl.reset_to_builtin("工资发放表") is False
    assert not tpl.list_templates()[0].customised


def test_install_custom_refuses_a_damaged_copy_naming_the_file_picked(folders, tmp_path: Path):
    _, user_dir = folders
    adjusted = damage(make_pay_template(tmp_path / "本单位改过的.xlsx"), "C5", "{{姓 名}}")
    with pytest.raises(TemplateError) as caught:
        tpl.install_custom("工资发放表.xlsx", adjusted)
    assert str(caught.value) == f"模板“{adjusted}”的单元格 C5 有未知的占位符 {{{{姓 名}}}}（是否应为 {{{{姓名}}}}？）"
    assert not (user_dir / "工资发放表.xlsx").exists()
    no_rows = damage(make_pay_template(tmp_path / "norows.xlsx"), "A5", "{{序号}}")
    with pytest.raises(TemplateError, match="缺少明细行"):
        tpl.install_custom("工资发放表.xlsx", no_rows)


def test_an_installed_copy_that_breaks_later_says_where_it_is_and_how_to_go_back(folders, tmp_path: Path):
    _, user_dir = folders
    installed = tpl.install_custom("工资发放表.xlsx", make_pay_template(tmp_path / "adjusted.xlsx"))
    damage(installed, "D5", "{{岗为}}")          # changed in the folder by hand after it was installed
    with pytest.raises(TemplateError) as caught:
        fill("工资发放表", VALUES, pay_rows(), out_path=tmp_path / "o.xlsx", fields=FIELDS)
    assert str(caught.value) == (
        "模板“工资发放表.xlsx”的单元格 D5 有未知的占位符 {{岗为}}（是否应为 {{岗位}}？）。"
        f"这是本单位安装的模板（{user_dir / '工资发放表.xlsx'}）：请在 Excel/WPS 中改正后重新安装，或恢复内置模板"
        "（“报表模板”页的“恢复内置模板”按钮，或命令 report-template reset 工资发放表.xlsx）")
    installed.write_bytes(b"not a workbook")
    with pytest.raises(TemplateError, match="不是有效的 Excel.*report-template reset 工资发放表.xlsx"):
        fill("工资发放表", VALUES, pay_rows(), out_path=tmp_path / "o.xlsx", fields=FIELDS)
    assert not (tmp_path / "o.xlsx").exists()


def test_export_builtin_copies_the_file(folders, tmp_path: Path):
    dest = tmp_path / "导出"
    dest.mkdir()
    copied = tpl.export_builtin("工资发放表", dest)
    assert copied == dest / "工资发放表.xlsx"
    assert copied.read_bytes() == (folders[0] / "工资发放表.xlsx").read_bytes()
    with pytest.raises(TemplateError, match="没有名为“不存在.xlsx”的内置模板"):
        tpl.export_builtin("不存在", dest)


@pytest.mark.parametrize("name", ["../工资发放表.xlsx", "子目录/工资发放表.xlsx", "..\\x.xlsx"])
def test_template_names_cannot_point_elsewhere(folders, name: str):
    with pytest.raises(TemplateError, match="只能是文件名"):
        tpl.find_template(name)


def test_missing_template_is_named(folders):
    with pytest.raises(TemplateError, match="找不到模板“季度统计汇总.xlsx”"):
        tpl.find_template("季度统计汇总")


def test_template_names_lists_what_a_template_uses(template_path: Path):
    names = tpl.template_names(template_path)
    assert names.has_rows
    assert names.values == {"街道名称", "报告期", "制表人", "制表日期"}
    assert names.fields == {"社区", "姓名", "岗位", "应发合计", "实发工资", "发放日期", "备注"}


def soffice(work: Path, target: str, outdir: Path, source: Path) -> list[str]:
    """A LibreOffice conversion with its own profile, so that conversions in parallel tests do not collide."""
    profile = (work / "lo-profile").as_uri()
    return ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(outdir),
            str(source)]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_filled_workbook(filled, tmp_path: Path):
    out = filled[2]
    subprocess.run(soffice(tmp_path, "pdf", tmp_path, out), check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "out.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "东风社区小计" in text and "17,901.00" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_template_saved_by_libreoffice_fills_the_same(template_path: Path, tmp_path: Path):
    # offices edit templates in WPS or LibreOffice, which write the file their own way (shared strings, styles)
    resaved = tmp_path / "resaved"
    subprocess.run(soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", resaved, template_path), check=True,
                   capture_output=True, timeout=180)
    out = tmp_path / "o.xlsx"
    result = fill(resaved / template_path.name, VALUES, pay_rows(), out_path=out, fields=FIELDS, group_key="社区")
    ws = openpyxl.load_workbook(out)["工资表"]
    assert result.groups == 2
    assert [ws.cell(r, 1).value for r in range(5, 13)] == [1, 2, 3, "东风社区小计（3人）", 4, 5, "西湖社区小计（2人）", "合计"]
    assert ws["F12"].value == pytest.approx(17901.00) and ws["F12"].number_format == "#,##0.00"
    assert ws.print_area == "'工资表'!$A$1:$H$14" and ws.print_title_rows == "$3:$4"
    assert {"A8:D8", "A11:D11", "A12:D12", "A14:C14"} <= {str(r) for r in ws.merged_cells.ranges}


# --- measuring (not a test: timing belongs in bench/) ----------------------------------------------------------


def _measure(rows: int = 10_000, columns: int = 20) -> None:
    """Print the time to fill rows × columns against xlsxwriter writing the same cells with the same styles."""
    import tempfile
    import time

    import xlsxwriter

    names = [f"列{j}" for j in range(columns)]

    def value(i: int, j: int):
        return (f"姓名{i}", Decimal(i * 3 + j) / 100, i * j, date(2026, 1, 1))[j % 4]

    def number_format(j: int) -> str:
        return ("General", "#,##0.00", "0", "yyyy-mm-dd")[j % 4]

    records = [{names[j]: value(i, j) for j in range(columns)} for i in range(rows)]
    folder = Path(tempfile.mkdtemp())
    wb = openpyxl.Workbook()
    ws = wb.active
    for j, name in enumerate(names):
        ws.cell(1, j + 1, name).font = Font(name="黑体", bold=True)
        cell = ws.cell(2, j + 1, ("{{#行}}" if j == 0 else "") + "{{" + name + "}}")
        cell.border, cell.font, cell.number_format = BOX, Font(name="宋体"), number_format(j)
    ws.print_title_rows = "1:1"
    wb.save(folder / "t.xlsx")

    start = time.process_time()
    book = xlsxwriter.Workbook(str(folder / "x.xlsx"))
    sheet = book.add_worksheet()
    formats = [book.add_format({"border": 1, "font_name": "宋体", "num_format": number_format(j)}) for j in range(columns)]
    for i, record in enumerate(records):
        for j, name in enumerate(names):
            item = record[name]
            if isinstance(item, Decimal):
                sheet.write_number(i + 1, j, float(item), formats[j])
            else:
                sheet.write(i + 1, j, item, formats[j])
    book.close()
    baseline = time.process_time() - start
    start = time.process_time()
    fill(folder / "t.xlsx", {}, records, out_path=folder / "o.xlsx")
    ours = time.process_time() - start
    print(f"{rows} × {columns}: xlsxwriter {baseline:.2f} s, fill {ours:.2f} s, ratio {ours / baseline:.2f}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    _measure()
