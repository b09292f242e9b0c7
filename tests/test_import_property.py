"""Malformed workbooks by the thousand (hypothesis): the importer never crashes, never writes partially, and
every refusal names a row and a column.

Sheets are generated as the reader hands them over (cells of every type a reader produces, merged ranges,
titles, two-row headers, footers), so that many examples run in seconds; a smaller set goes through real
.xlsx/.csv files and the reader, and another through writing and undoing.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.access import Actor
from ledger.app import Ledger
from ledger.errors import ValidationError
from ledger.idcard import make_id
from ledger.importing import KINDS, ImportFileError, Loaded, Sheet, layout_for, load, preview, run_import, undo_last
from ledger.models import Community, Grid, ImportBatch, LevelChange, PartyOrg, PostChange, Worker
from ledger.services import GridService, WorkerService
from ledger.services.street import init_street
from tests.helpers import snapshot
from tests.workbooks import communities

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])
TABLES = (Community, Grid, PartyOrg, Worker, LevelChange, PostChange)
VALID_IDS = [make_id("150203", date(1970 + i, 1 + i % 12, 1 + i % 28), 100 + i) for i in range(6)]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One database for all examples: each example leaves it as it found it (refused, or written and undone)."""
    folder = tmp_path_factory.mktemp("property")
    ledger = Ledger.open(folder / "p.sqlite", Actor(source="界面"))
    init_street(ledger, "测试街道")
    communities(ledger, "幸福社区", "和平社区")
    WorkerService(ledger).create({"name": "王芳", "id_number": VALID_IDS[0], "community": "幸福社区", "title": "书记",
                                  "post": "一岗", "level": "9"})
    GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": "450"})
    yield ledger
    ledger.close()


# --- what cells hold --------------------------------------------------------------------------------------
JUNK_TEXT = st.text(alphabet=st.sampled_from(list("幸福社区一岗二三是否√×年月日.-/ 　\n\t０１２３４５６７８９0123456789"
                                                  "XxE+,元%（）()*合计填表人：:") + ["\x00", "\x07", "ａ", "🙂"]),
                    max_size=25)
CELL = st.one_of(
    st.none(), st.none(), JUNK_TEXT,
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.floats(),
    st.dates(min_value=date(1, 1, 1)), st.datetimes(min_value=datetime(1, 1, 1)),
    st.booleans(),
    st.sampled_from(VALID_IDS + ["幸福社区", "和平社区", "光明社区", "书记", "委员", "一岗", "三岗", "社区正职", "9", "３",
                                 "2015.03", "2015年3月", "42064", 1.50203198607e17, "1.50203E+17", "合计", "填表人：张三",
                                 "01", "第一网格", "片区型", "450", "党委", "拨入", "支出", "100.50元", "是", "Y", "√"]),
)


def header_text(draw, label: str, aliases: tuple[str, ...]) -> str:
    text = draw(st.sampled_from((label, *aliases)))
    decorate = draw(st.sampled_from(["", " ", "\n", "*", "full", "unit"]))
    if decorate == " " and len(text) > 1:
        text = text[0] + " " + text[1:]
    elif decorate == "\n" and len(text) > 1:
        text = text[:1] + "\n" + text[1:]
    elif decorate == "*":
        text = "*" + text
    elif decorate == "full":
        text = text.replace("(", "（").replace(")", "）")
    elif decorate == "unit":
        text += "（单位）"
    return text


@st.composite
def sheets(draw, kind: str):
    """A worksheet as a clerk might have left it for a ledger: possibly a good one, mostly not."""
    fields = [f for f in KINDS[kind].fields if not f.derived]
    chosen = draw(st.lists(st.sampled_from(fields), min_size=0, max_size=len(fields), unique_by=lambda f: f.key))
    if draw(st.booleans()):  # most sheets have all required columns
        chosen = [f for f in fields if f.required and f not in chosen] + chosen
    headers = [header_text(draw, f.label, f.aliases) for f in chosen]
    if draw(st.booleans()):
        headers.insert(0, "序号")
    if draw(st.booleans()):
        headers.insert(draw(st.integers(0, len(headers))), draw(st.sampled_from(["籍贯", "民族", "", "说明"])))
    width = len(headers)
    rows: list[list] = [[draw(JUNK_TEXT)] for _ in range(draw(st.integers(0, 3)))]   # titles
    if draw(st.integers(0, 4)) == 0:   # a two-row header: a group cell over the lower row
        rows.append(["分组"] * width)
    rows.append(headers)
    for _ in range(draw(st.integers(0, 8))):
        rows.append([draw(CELL) for _ in range(draw(st.integers(0, width + 2)))])
    if draw(st.booleans()):
        rows.append(["合计", None, draw(CELL)])
    if draw(st.booleans()):
        rows.append(["填表人：张三", None, "审核人：李四"])
    merges = []
    for _ in range(draw(st.integers(0, 3))):
        r1 = draw(st.integers(1, len(rows) + 1))
        c1 = draw(st.integers(1, width + 1))
        merges.append((r1, c1, r1 + draw(st.integers(0, 3)), c1 + draw(st.integers(0, 2))))
    return Sheet("Sheet1", rows, merges)


def check_problems(problems) -> None:
    for problem in problems:
        assert isinstance(problem.row, int) and problem.row >= 1, problem
        assert isinstance(problem.field, str) and problem.field.strip(), problem
        assert problem.message and str(problem).startswith(f"第{problem.row}行 {problem.field}："), problem


# --- 1. thousands of sheets through detection and planning (reads only) ------------------------------------
@pytest.mark.parametrize("kind", list(KINDS))
@settings(max_examples=200, **SETTINGS)
@given(data=st.data())
def test_planning_never_crashes_and_always_names_row_and_column(shared, tmp_path, kind, data):
    sheet = data.draw(sheets(kind))
    loaded = Loaded(tmp_path / "x.xlsx", "xlsx", ["Sheet1"], sheet)
    layout = layout_for(loaded, kind)
    plan = preview(shared, kind, loaded, layout)
    check_problems(plan.all_problems())
    check_problems(plan.all_warnings())
    data_rows = {r.row for r in plan.rows}
    assert all(layout.data_start <= n <= len(sheet.rows) for n in data_rows)
    assert len(data_rows) == len(plan.rows)


# --- 2. written, or refused with nothing written; and every write undone exactly --------------------------
@pytest.mark.parametrize("kind", ["workers", "grids", "communities"])
@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_all_or_nothing_and_undo_exact(shared, tmp_path, kind, data):
    sheet = data.draw(sheets(kind))
    valid_only = data.draw(st.booleans())
    loaded = Loaded(tmp_path / "x.xlsx", "xlsx", ["Sheet1"], sheet)
    layout = layout_for(loaded, kind)
    before = [snapshot(shared, m) for m in TABLES]
    values_before = [snapshot(shared, m, with_version=False) for m in TABLES]   # an undo is a save of its own
    batches = snapshot(shared, ImportBatch)
    try:
        plan, outcome = run_import(shared, kind, loaded, layout, valid_only=valid_only)
    except ValidationError as exc:
        check_problems(exc.problems)
        assert [snapshot(shared, m) for m in TABLES] == before
        assert snapshot(shared, ImportBatch) == batches
        return
    assert valid_only or plan.ok
    model = KINDS[kind].model
    grew = len(snapshot(shared, model)) - len(before[TABLES.index(model)])
    assert grew == outcome.created
    assert outcome.created == plan.count("新增") and outcome.updated == plan.count("更新")
    if outcome.batch_id is not None:
        undo_last(shared)
    assert [snapshot(shared, m, with_version=False) for m in TABLES] == values_before


# --- 3. real files through the reader: anything but a clear refusal is a bug ------------------------------
def to_xlsx(sheet: Sheet, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in sheet.rows:
        ws.append([_storable(v) for v in row])
    for r1, c1, r2, c2 in sheet.merges:
        try:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        except ValueError:
            pass
    wb.save(path)


def _storable(value):
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\n\t")   # XML cannot hold other control characters
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (date, datetime)) and value.year < 1900:
        return None   # before Excel's calendar
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        return float(value)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    return value


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), kind=st.sampled_from(list(KINDS)), form=st.sampled_from(["xlsx", "csv-utf8", "csv-gbk", "bytes"]))
def test_files_are_read_or_refused_clearly(shared, tmp_path, data, kind, form):
    sheet = data.draw(sheets(kind))
    if form == "xlsx":
        path = tmp_path / "f.xlsx"
        to_xlsx(sheet, path)
    elif form == "bytes":
        path = tmp_path / data.draw(st.sampled_from(["f.xlsx", "f.xls", "f.csv"]))
        junk = data.draw(st.binary(max_size=300))
        prefix = data.draw(st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf"]))
        path.write_bytes(prefix + junk)
    else:
        path = tmp_path / "f.csv"
        out = io.StringIO()
        writer = csv.writer(out)
        for row in sheet.rows:
            writer.writerow(["" if v is None else str(v) for v in row])
        encoding = "utf-8-sig" if form == "csv-utf8" else "gbk"
        path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
    try:
        loaded = load(path, kind)
    except ImportFileError as exc:
        assert str(exc) and "“f." in str(exc)
        return
    plan = preview(shared, kind, loaded, layout_for(loaded, kind))
    check_problems(plan.all_problems())
