"""Blank import templates and the pay fill-in sheets print as forms: A4, the header on every page."""
from __future__ import annotations

import openpyxl
import pytest

from exports.import_templates import write_template
from exports.pay_sheets import write_openings, write_payscale
from ledger.importing import KINDS
from ledger.pay.standards import PayStandards


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_import_template_prints_on_a4_with_its_header_repeated(sqlite_ledger, tmp_path, kind):
    ws = openpyxl.load_workbook(write_template(sqlite_ledger, kind, tmp_path / f"{kind}.xlsx")).worksheets[0]
    assert int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$1:$1" and ws["A1"].value == KINDS[kind].fields[0].label
    widths = sum(ws.column_dimensions[c].width for c in ws.column_dimensions)
    assert ws.page_setup.orientation == ("portrait" if widths <= 95 else "landscape")
    if not ws.sheet_properties.pageSetUpPr.fitToPage:
        # too wide to shrink to 8 pt: the first column is printed on every page across
        assert ws.print_title_cols == "$A:$A" and ws.page_setup.scale == 100


def test_the_openings_sheet_of_a_street_repeats_its_header_on_every_page(demo_ledger, tmp_path):
    ws = openpyxl.load_workbook(write_openings(demo_ledger, 2026, tmp_path / "期初.xlsx")).active
    assert ws.max_row > 200                     # pages of workers …
    assert ws.print_title_rows == "$1:$1" and ws["A1"].value == "姓名"      # … each under the header
    assert int(ws.page_setup.paperSize) == 9


def test_the_pay_scale_sheet_prints_on_a4(sqlite_ledger, tmp_path):
    ws = openpyxl.load_workbook(write_payscale(PayStandards(sqlite_ledger).in_force(), tmp_path / "标准.xlsx")).active
    assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "portrait"
