"""Reading files and finding the table: encodings, merged ranges, headers compared as people write them,
the rows below the header that are not data, damaged files refused clearly, and exports that import back."""
from __future__ import annotations

from datetime import date

import pytest

from exports.ledger_export import export_ledger
from ledger.importing import SAME, ImportFileError, import_file, layout_for, load, preview
from ledger.importing.headers import SEQUENCE, UNKNOWN, body, detect, header_key
from ledger.importing.reader import Sheet, read_sheets
from ledger.services import WorkerService
from ledger.services.workers import FIELDS as WORKER_FIELDS
from tests.workbooks import ID_LI, ID_WANG, communities, csv_file, xlsx


@pytest.mark.parametrize("text, key", [("身份证\n号码", "身份证号码"), (" 姓　名 ", "姓名"), ("*所属社区", "所属社区"),
                                        ("金额（元）", "金额(元)"), ("建筑面积(㎡)", "建筑面积(m2)"), ("No.", "no."),
                                        ("等级：", "等级"), (None, "")])
def test_header_key(text, key):
    assert header_key(text) == key


def test_merged_ranges_are_read_from_xlsx(tmp_path):
    path = xlsx(tmp_path / "m.xlsx", [["标题"], ["a", "b"], ["x", None], [None, None]], merges=["A1:C1", "A3:A4"])
    sheet = read_sheets(path)[0]
    assert sorted(sheet.merges) == [(1, 1, 1, 3), (3, 1, 4, 1)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path, delimiter):
    path = csv_file(tmp_path / "c.csv", [["社区名称", "户数"], ["幸福社区", "1,200"]], "gbk", delimiter)
    assert read_sheets(path)[0].rows == [["社区名称", "户数"], ["幸福社区", "1,200"]]


@pytest.mark.parametrize("name, data", [
    ("坏.xlsx", b"PK\x03\x04garbage"),
    ("坏.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("坏.csv", b"\x00\x01\x02\x03binary\x00"),
])
def test_damaged_files_are_refused_with_the_name(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportFileError) as info:
        load(path, "workers")
    assert f"“{name}”" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ImportFileError, match="找不到文件"):
        load(tmp_path / "没有.xlsx", "workers")


def test_rows_below_the_header_that_are_not_data():
    rows = [["社区工作者花名册"], ["序号", "姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
            [1, "王芳", ID_WANG, "幸福社区", "书记", "一岗", 9],
            [2],                                                     # a prepared row never filled in
            ["序号", "姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],   # the header again (pages pasted together)
            [3, "李强", ID_LI, "幸福社区", "委员", "三岗", 3],
            [None, "小计", None, None, None, None, None],
            [4, None, None, None],
            ["合 计"],
            ["注：身份证号须为18位"],
            ["1. 这一行是说明的续行", "不是数据"]]
    sheet = Sheet("s", rows)
    layout = detect(sheet, WORKER_FIELDS)
    assert layout.header_first == 2 and layout.columns[0].status == SEQUENCE
    table = body(sheet, layout)
    assert [r.number for r in table.rows] == [3, 6]
    assert table.skipped == [(5, "重复的表头行，已跳过"), (7, "合计行，已跳过"), (9, "合计行，已跳过"),
                             (10, "表尾（签字、说明等），此行及以下未导入")]
    assert table.blank == 2


def test_unknown_and_duplicate_columns():
    sheet = Sheet("s", [["姓名", "身份证号", "籍贯", "所属社区", "社区", "职务", "岗位", "等级", "性别"]])
    layout = detect(sheet, WORKER_FIELDS)
    statuses = [(c.header, c.field, c.status) for c in layout.columns]
    assert statuses[2] == ("籍贯", None, UNKNOWN)
    assert statuses[4] == ("社区", None, "重复") and statuses[8] == ("性别", None, "自动计算")


def test_ledger_export_imports_back_unchanged(ledger, tmp_path):
    communities(ledger, "幸福社区")
    service = WorkerService(ledger)
    service.create({"name": "王芳", "id_number": ID_WANG, "community": "幸福社区", "title": "书记", "post": "一岗",
                    "level": "9", "dual_role": "是", "started_on": date(2010, 5, 1), "bank_account": "6222020200112233445",
                    "contribution_base": "5000.5", "special_deduction": "1000", "phone": "13800000000"})
    service.create({"name": "李强", "id_number": ID_LI, "community": "幸福社区", "title": "委员", "post": "三岗", "level": "3"})
    out = tmp_path / "导出.xlsx"
    export_ledger(ledger, "workers", out)
    loaded = load(out, "workers")
    plan = preview(ledger, "workers", loaded, layout_for(loaded, "workers"))
    assert plan.ok and [r.action for r in plan.rows] == [SAME, SAME]
    assert import_file(ledger, "workers", out)[1].unchanged == 2


@pytest.mark.slow
@pytest.mark.parametrize("key", ["communities", "orgs", "grids", "workers", "funds", "venues"])
def test_every_demo_ledger_exported_imports_back_unchanged(demo_ledger, tmp_path, key):
    out = tmp_path / f"{key}.xlsx"
    export_ledger(demo_ledger, key, out)
    loaded = load(out, key)
    plan = preview(demo_ledger, key, loaded, layout_for(loaded, key))
    assert plan.all_problems() == []
    changed = [(r.row, r.action, [str(c) for c in r.changes]) for r in plan.rows if r.action != SAME]
    assert changed == []
