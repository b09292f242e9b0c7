"""台账导出: every ledger of the street demo exported and read back into an empty database gives the same records."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from exports.ledger_export import export_fields, export_ledger
from ledger.fields import format_rooms
from ledger.access import LEADER, Actor
from ledger.app import Ledger
from ledger.models import AuditEntry
from ledger.services import LEDGERS
from ledger.services.street import init_street

# parents before children: the order a clerk imports them in
ORDER = ("communities", "grids", "orgs", "workers", "funds", "venues", "cases")
HEADER_ROW = 3


def comparable(key: str, records: list[dict]) -> list[tuple]:
    """The records in terms of their export columns, without database ids."""
    keys = [f.key for f in export_fields(key)]
    return [tuple(r.get(k) if r.get(k) != "" else None for k in keys) for r in records]


def read_back(path: Path, key: str) -> list[dict]:
    """The rows of an export as raw values keyed by field, as an importer sees the cells."""
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = ws.iter_rows(min_row=HEADER_ROW, values_only=True)
    labels = next(rows)
    by_label = {f.label: f.key for f in LEDGERS[key].fields}
    assert list(labels) == [f.label for f in export_fields(key)]
    return [{by_label[label]: value for label, value in zip(labels, row)} for row in rows]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The street demo, exported ledger by ledger (made once: the demo and six exports take a few seconds)."""
    from datetime import date

    from ledger.demo import load_demo
    folder = tmp_path_factory.mktemp("export")
    source = Ledger.open(folder / "demo.sqlite", Actor(source="界面"))
    init_street(source, "示范街道")
    load_demo(source, "street", today=date(2026, 11, 23))
    files, originals = {}, {}
    for key in ORDER:
        files[key] = folder / f"{key}.xlsx"
        result = export_ledger(source, key, files[key])
        originals[key] = comparable(key, LEDGERS[key](source).list())
        assert result.rows == len(originals[key]) and not result.masked
    source.close()
    return folder, files, originals


@pytest.mark.slow
def test_round_trip_through_the_services(exported, tmp_path):
    """Each export read back cell by cell and saved through the services into an empty database."""
    _, files, originals = exported
    target = Ledger.open(tmp_path / "empty.sqlite", Actor(source="导入"))
    init_street(target, "示范街道")
    try:
        for key in ORDER:
            service = LEDGERS[key](target)
            with target.unit("ledger.write") as session:
                for number, raw in enumerate(read_back(files[key], key), start=HEADER_ROW + 1):
                    service.save(session, raw, row=number)
            assert comparable(key, service.list()) == originals[key], key
    finally:
        target.close()


def test_round_trip_through_the_importer(exported, tmp_path):
    """The same with the importer of ledger.importing, as a clerk would bring an export back."""
    importing = pytest.importorskip("ledger.importing")
    _, files, originals = exported
    target = Ledger.open(tmp_path / "empty.sqlite", Actor(source="界面"))
    init_street(target, "示范街道")
    try:
        for key in ORDER:
            loaded = importing.load(files[key], key)
            layout = importing.layout_for(loaded, key)
            importing.run_import(target, key, loaded, layout)
            assert comparable(key, LEDGERS[key](target).list()) == originals[key], key
    finally:
        target.close()


def test_the_workbook_reads_like_a_ledger(exported):
    _, files, originals = exported
    ws = openpyxl.load_workbook(files["workers"]).active
    assert ws["A1"].value == "示范街道社区工作者台账"
    assert ws["A2"].value.startswith("导出时间：") and ws["A2"].value.endswith(f"共{len(originals['workers'])}条")
    assert ws.freeze_panes == "B4" and ws.print_title_rows == "$1:$3"     # the name stays in view and on paper
    assert ws.auto_filter.ref == f"A3:Q{3 + len(originals['workers'])}"
    id_column = [f.key for f in export_fields("workers")].index("id_number") + 1
    cell = ws.cell(4, id_column)
    assert cell.data_type == "s" and len(cell.value) == 18 and cell.number_format == "@"
    date_column = [f.key for f in export_fields("workers")].index("started_on") + 1
    assert ws.cell(4, date_column).is_date
    funds = openpyxl.load_workbook(files["funds"]).active
    amount = [f.key for f in export_fields("funds")].index("amount") + 1
    assert funds.cell(4, amount).data_type == "n" and funds.cell(4, amount).number_format == "#,##0.00"


def test_personal_columns_are_masked_for_a_leader_and_the_export_is_audited(demo_ledger, tmp_path):
    leader = demo_ledger.as_actor(Actor("王领导", LEADER))
    result = export_ledger(leader, "workers", tmp_path / "roster.xlsx")
    assert result.masked
    ws = openpyxl.load_workbook(tmp_path / "roster.xlsx").active
    assert "已按权限遮蔽" in ws["A2"].value
    assert "*" in ws["B4"].value and len(ws["B4"].value) == 18
    with demo_ledger.reading() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "导出")
                                .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.user_name == "王领导" and entry.record_label == "社区工作者台账导出"
    assert {"field": "个人信息", "old": None, "new": "已遮蔽"} in entry.changes


def test_a_ledger_without_personal_columns_is_not_logged(demo_ledger, tmp_path):
    with demo_ledger.reading() as session:
        before = session.query(AuditEntry).count()
    export_ledger(demo_ledger, "grids", tmp_path / "grids.xlsx")
    with demo_ledger.reading() as session:
        assert session.query(AuditEntry).count() == before


def test_formula_like_text_stays_text(sqlite_ledger, tmp_path):
    from ledger.services import CommunityService
    CommunityService(sqlite_ledger).create({"name": "幸福社区", "note": "=HYPERLINK(\"http://x\",\"点\")"})
    export_ledger(sqlite_ledger, "communities", tmp_path / "c.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "c.xlsx").active.cell(4, 10)
    assert cell.value == "=HYPERLINK(\"http://x\",\"点\")" and cell.data_type == "s"


def test_an_export_needs_the_right(demo_ledger, tmp_path):
    from ledger.errors import PermissionDenied
    nobody = demo_ledger.as_actor(Actor(None, "未登录"))
    with pytest.raises(PermissionDenied):
        export_ledger(nobody, "funds", tmp_path / "f.xlsx")
    assert not (tmp_path / "f.xlsx").exists()


def test_a_wide_ledger_prints_at_full_size_over_pages_that_each_carry_its_name(exported):
    _, files, _ = exported
    ws = openpyxl.load_workbook(files["orgs"]).active
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 100
    assert ws.print_title_cols == "$A:$A" and ws["A3"].value == "组织名称"
    grids = openpyxl.load_workbook(files["grids"]).active
    assert grids.print_title_cols == "$A:$C"              # 所属社区, 网格编号, 网格名称


def test_the_venues_rooms_wrap_in_rows_high_enough(exported):
    _, files, _ = exported
    ws = openpyxl.load_workbook(files["venues"]).active
    column = [f.key for f in export_fields("venues")].index("rooms") + 1
    longest = max(range(4, ws.max_row + 1), key=lambda r: len(ws.cell(r, column).value or ""))
    cell = ws.cell(longest, column)
    assert cell.alignment.wrap_text
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width
    chars_per_line = width / 2                              # a Chinese character is two units wide
    assert ws.row_dimensions[longest].height >= 13.5 * (len(cell.value) // chars_per_line)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_a_ledger_as_pdf_has_every_room_and_the_street_on_every_page(demo_ledger, tmp_path):
    from ledger.services import VenueService
    venues = VenueService(demo_ledger).list()
    result = export_ledger(demo_ledger, "venues", tmp_path / "阵地.pdf")
    assert result.rows == len(venues)
    text = subprocess.run(["pdftotext", "-layout", str(result.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")[:-1]
    assert all("示范街道阵地台账" in page and "导出时间：" in page and "阵地名称" in page for page in pages)
    # in the order drawn, a cell's lines follow each other: every venue's rooms are there, whole
    drawn = subprocess.run(["pdftotext", "-raw", str(result.path), "-"], capture_output=True, text=True,
                           check=True).stdout
    flat = re.sub(r"\s+", "", drawn)
    assert all(format_rooms(venue["rooms"]) in flat for venue in venues if venue["rooms"])
    info = subprocess.run(["pdfinfo", str(result.path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info
