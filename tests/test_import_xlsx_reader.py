"""The importer's own xlsx cell loop gives exactly what openpyxl's read-only iter_rows gives, on any workbook."""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.importing import import_file
from ledger.importing.limits import SheetRows
from ledger.importing.reader import Source, _openpyxl_rows, _xlsx_rows
from ledger.services import WorkerService
from tests.workbooks import communities

DATA = Path(__file__).parent / "data"

CELLS = st.one_of(
    st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.booleans(), st.sampled_from(["#N/A", "#DIV/0!", "=1+1", " 前后有空格 ", "1.10105E+17", "2015.03"]),
    st.times(),
)


def both(path: Path) -> tuple[list, list]:
    """Each sheet's rows by our loop and by openpyxl's."""
    with Source(path) as source:
        book = source._book
        ours, theirs = [], []
        for name in source.names:
            _xlsx_rows(book, book[name], mine := SheetRows(path.name, name))
            _openpyxl_rows(book[name], its := SheetRows(path.name, name))
            ours.append(mine.rows)
            theirs.append(its.rows)
        return ours, theirs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELLS, max_size=8), max_size=12), write_only=st.booleans(),
       gaps=st.lists(st.integers(1, 15), max_size=3), formats=st.booleans())
def test_same_values_as_openpyxl(tmp_path, rows, write_only, gaps, formats):
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    for i, row in enumerate(rows):
        if i in gaps and not write_only:
            ws.append([])
        ws.append(row)
    if formats and not write_only:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and 1 <= cell.value < 2958465:
                    cell.number_format = "yyyy-mm-dd"   # a serial number shown as a date is read as one
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ours, theirs = both(path)
    assert ours == theirs


def test_libreoffice_workbook_reads_the_same_and_imports(ledger):
    path = DATA / "社区工作者花名册（LibreOffice）.xlsx"
    ours, theirs = both(path)
    assert ours == theirs and ours[0][3][8] == datetime(2010, 5, 1)
    communities(ledger, "幸福社区", "和平社区")
    assert import_file(ledger, "workers", path)[1].created == 3
    assert {w["community"] for w in WorkerService(ledger).list()} == {"幸福社区", "和平社区"}


def test_rows_missing_from_the_xml_and_cells_without_references(tmp_path):
    """Hand-written XML as other programs produce it: no r= on cells, a row number skipped."""
    wb = openpyxl.Workbook()
    wb.active.append(["占位"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    import zipfile
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>等级</t></is></c></row>'
             '<row r="4"><c t="inlineStr"><is><r><t>王</t></r><r><t>芳</t></r></is></c><c><v>9</v></c></row>'
             '<row><c r="C5" t="b"><v>1</v></c></row>'
             '</sheetData></worksheet>').encode()
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    ours, theirs = both(path)
    assert ours == theirs == [[["姓名", "等级"], [], [], ["王芳", 9], [None, None, True]]]


def test_time_values_kept(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append([time(8, 30), datetime(2015, 3, 1, 0, 0)])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ours, theirs = both(path)
    assert ours == theirs
