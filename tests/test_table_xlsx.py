"""A table as a workbook (the xlsx twin of the PDF): typed cells, widths from the data, rows as high as their
wrapped text, and a print layout readable at 8 pt or more."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from exports.cell_width import fitted_width
from exports.table import TableColumn
from exports.table_xlsx import render_table_xlsx

COLUMNS = [TableColumn("姓名", key=True), TableColumn("身份证号", "code"), TableColumn("缴费基数", "money"),
           TableColumn("参加工作时间", "date"), TableColumn("备注", width=10)]
ROWS = [["欧阳振华", "11010519491231002X", Decimal("30000.00"), date(2015, 3, 1), "=1+1"],
        ["司马青", "110105194912310010", Decimal("123456789.50"), None, "调入" * 20]]


@pytest.fixture
def sheet(tmp_path):
    render_table_xlsx("示范街道社区工作者", "导出时间：2026年3月1日，共2条", COLUMNS, ROWS, tmp_path / "t.xlsx")
    return openpyxl.load_workbook(tmp_path / "t.xlsx").active


def test_cells_keep_their_types(sheet):
    assert sheet["A1"].value == "示范街道社区工作者" and sheet["A2"].value == "导出时间：2026年3月1日，共2条"
    assert [c.value for c in sheet[3]] == ["姓名", "身份证号", "缴费基数", "参加工作时间", "备注"]
    assert sheet["B4"].value == "11010519491231002X" and sheet["B4"].number_format == "@"
    assert sheet["C5"].value == 123456789.5
    assert sheet["C5"].data_type == "n" and sheet["C5"].number_format == "#,##0.00"
    assert sheet["D4"].is_date and sheet["D4"].number_format == "yyyy-mm-dd"
    assert sheet["E4"].value == "=1+1" and sheet["E4"].data_type == "s"       # text from a record never runs


def test_widths_follow_the_data_and_long_text_wraps_in_a_higher_row(sheet):
    # the widest amount, as printed, fits its column
    assert sheet.column_dimensions["C"].width >= fitted_width("123,456,789.50", 10)
    assert sheet.column_dimensions["B"].width >= 18
    assert sheet.column_dimensions["E"].width == 2 * 10 + 1           # the hint: ten Chinese characters a line
    assert sheet["E5"].alignment.wrap_text and not sheet["B5"].alignment.wrap_text
    assert sheet.row_dimensions[5].height >= 4 * 13.5                  # forty characters in lines of ten
    assert sheet.row_dimensions[4].height is None                      # a row of one line keeps the default


def test_a_table_that_fits_prints_portrait_with_the_header_on_every_page(sheet):
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.print_title_rows == "$1:$3" and sheet.freeze_panes == "B4"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1


def test_a_wide_table_runs_over_pages_at_full_size_with_its_key_columns(tmp_path):
    columns = [TableColumn("网格编号", key=True), TableColumn("网格名称", key=True)] + [
        TableColumn(f"第{i}项", "money") for i in range(1, 21)]
    rows = [["A01", "第一网格"] + [Decimal("1234567.89")] * 20]
    render_table_xlsx("网格", "", columns, rows, tmp_path / "wide.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "wide.xlsx").active
    assert ws.page_setup.orientation == "landscape" and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == 100 and ws.page_setup.pageOrder == "overThenDown"
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$1:$3"


def test_a_slightly_wide_table_is_shrunk_to_the_page_no_further_than_8_pt(tmp_path):
    columns = [TableColumn("姓名", key=True)] + [TableColumn(f"第{i}项", "money") for i in range(1, 13)]
    rows = [["欧阳振华"] + [Decimal("1234567.89")] * 12]
    render_table_xlsx("名单", "", columns, rows, tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx").active
    total = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 14))
    assert 140 < total <= 140 / 0.8
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
