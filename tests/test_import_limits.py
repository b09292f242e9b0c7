"""A hostile or broken workbook costs a refusal, not the machine: a zip bomb is refused from what its archive
declares, a sheet beyond 100,000 data rows is refused while it is read, and memory stays bounded.

Peak memory is measured in a child process, as the kernel's high-water mark of its own memory (VmHWM). Not
ru_maxrss: Linux carries the parent's peak into a child's ru_maxrss across fork (or vfork) and exec, so a
child of a large test process would seem large itself."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ledger.importing import ImportFileError, limits, load
from ledger.importing.headers import body, detect
from ledger.importing.reader import Sheet, read_sheets
from ledger.services.funds import FIELDS as FUND_FIELDS

ROOT = Path(__file__).resolve().parent.parent
MEASURED = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                              reason="peak memory is read from /proc/self/status (Linux)")
HOSTILE_MB = 300      # what reading a hostile file may cost, whole process included
VALID_MB = 600        # what a valid 100,000-row import may cost

_CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from ledger.importing import ImportFileError
mode, path = sys.argv[1], sys.argv[2]
result = {{"refused": None}}
try:
    if mode == "read":
        from ledger.importing import load
        loaded = load(path, "funds")
        result["rows"] = len(loaded.sheet.rows)
    else:
        from sqlalchemy import select
        from ledger.access import Actor
        from ledger.app import Ledger
        from ledger.importing import import_file
        from ledger.models import Community, Street
        from ledger.services.street import init_street
        ledger = Ledger.open(sys.argv[3], Actor(source="测试"))
        init_street(ledger, "测试街道")
        with ledger.unit("ledger.write") as session:
            street = session.scalar(select(Street.id))
            session.execute(Community.__table__.insert(), [{{"street_id": street, "name": f"第{{i}}社区"}}
                                                            for i in range(1, 41)])
        result["created"] = import_file(ledger, "funds", path)[1].created
        ledger.close()
except ImportFileError as exc:
    result["refused"] = str(exc)
with open("/proc/self/status") as status:
    result["peak_mb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps(result, ensure_ascii=False))
"""


def in_child(mode: str, *args: Path, env: dict | None = None) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT)), mode, *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def workbook_with_sheet(path: Path, sheet_xml) -> Path:
    """A real workbook (openpyxl's parts) whose first sheet's XML is the given bytes, or chunks of bytes."""
    openpyxl.Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in ([sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml):
                sheet.write(chunk)
    return path


_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_TAIL = b"</sheetData></worksheet>"


def _text_row(number: int, *values: object) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def funds_sheet(data_rows: int):
    """A 经费 sheet as the XML of a real workbook: a title, the header, then `data_rows` entries."""
    yield _HEAD + _text_row(1, "2025年经费台账") + _text_row(2, "日期", "所属社区", "经费类别", "收支", "金额", "凭证号",
                                                        "支出类别", "项目名称", "经办人", "审批人", "备注")
    chunk = []
    for i in range(data_rows):
        chunk.append(_text_row(i + 3, f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", f"第{1 + i % 40}社区", "社区工作经费",
                               "支出", f"{10 + (i % 997) * 1.37:.2f}", f"PZ{i:07d}", "公共服务", f"项目{i % 500}",
                               "张华", "李敏", ""))
        if len(chunk) == 5000:
            yield b"".join(chunk)
            chunk = []
    yield b"".join(chunk) + _TAIL


def zip_bomb(path: Path, megabytes: int) -> Path:
    """Highly repetitive sheet XML, deflated: a file of under a megabyte that inflates to `megabytes`."""
    row = _text_row(1, "炸弹")
    chunk = row * (1024 * 1024 // len(row))

    def pieces():
        yield _HEAD
        for _ in range(megabytes):
            yield chunk
        yield _TAIL
    return workbook_with_sheet(path, pieces())


# --- hostile files --------------------------------------------------------------------------------------------
@pytest.mark.slow
@MEASURED
def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    bomb = zip_bomb(tmp_path / "经费.xlsx", 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    result = in_child("read", bomb)
    assert "解压后有" in result["refused"] and "恶意构造" in result["refused"] and "“经费.xlsx”" in result["refused"]
    assert result["peak_mb"] < HOSTILE_MB, result


@pytest.mark.slow
@MEASURED
def test_a_sheet_of_200000_rows_is_refused_while_it_is_read(tmp_path):
    def rows():
        yield _HEAD + _text_row(1, "日期", "所属社区", "金额")
        for start in range(2, 200_002, 10_000):
            yield b"".join(_text_row(n, "2026-03-01", "幸福社区", n) for n in range(start, start + 10_000))
        yield _TAIL
    big = workbook_with_sheet(tmp_path / "经费.xlsx", rows())
    result = in_child("read", big)
    assert result["refused"] == ("“经费.xlsx”的工作表“Sheet”超过100,000行数据，没有导入。"
                                 "一次最多导入100,000行：请把表格分成几个文件，分别导入")
    assert result["peak_mb"] < HOSTILE_MB, result


@pytest.mark.slow
@MEASURED
def test_a_million_empty_rows_without_a_dimension_stay_small(tmp_path):
    """openpyxl would parse such a sheet whole when the workbook opens and keep an element per row."""
    def rows():
        yield _HEAD
        for start in range(1, limits.EXCEL_ROWS + 2, 50_000):
            yield b"".join(f'<row r="{n}" spans="1:3"/>'.encode()
                           for n in range(start, min(start + 50_000, limits.EXCEL_ROWS + 2)))
        yield _TAIL
    path = workbook_with_sheet(tmp_path / "空行.xlsx", rows())
    result = in_child("read", path)
    assert "有第1,048,577行（Excel 最多1,048,576行）" in result["refused"]
    assert result["peak_mb"] < HOSTILE_MB, result


def test_parts_beyond_their_declared_bounds_are_refused(tmp_path, monkeypatch):
    path = workbook_with_sheet(tmp_path / "表.xlsx", b"".join(funds_sheet(2000)))
    assert load(path, "funds").sheet.rows[2][0] == "2025-01-01"
    monkeypatch.setattr(limits, "MAX_SHEET_PART", 100_000)
    with pytest.raises(ImportFileError, match="解压后有"):
        load(path, "funds")


def test_an_archive_of_too_many_parts_is_refused_before_they_are_listed(tmp_path):
    path = tmp_path / "部件.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(limits.MAX_MEMBERS + 1):
            archive.writestr(f"x/{i}", b"")
    with pytest.raises(ImportFileError, match="有10,001个部件"):
        load(path, "funds")


def test_entity_declarations_are_refused(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              + _HEAD + b'<row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row>' + _TAIL)
    with pytest.raises(ImportFileError, match="文档类型声明"):
        load(workbook_with_sheet(tmp_path / "实体.xlsx", laughs), "funds")


def test_an_endless_csv_line_is_refused(tmp_path):
    path = tmp_path / "一行.csv"
    path.write_bytes(b"a," * 600_000)   # 1.2 MB of fields and no line end
    with pytest.raises(ImportFileError, match="有一行超过1,048,576个字符"):
        read_sheets(path)


def test_more_than_100000_data_rows_are_refused_however_the_sheet_is_laid_out():
    """The reader's bound leaves room for titles and footers; the data rows themselves are counted exactly."""
    header = ["日期", "所属社区", "经费类别", "收支", "金额"]
    rows = [["标题"], header] + [["2026-03-01", "幸福社区", "社区工作经费", "支出", 1]] * (limits.MAX_DATA_ROWS + 1)
    sheet = Sheet("经费", rows)
    with pytest.raises(ImportFileError, match="工作表“经费”超过100,000行数据"):
        body(sheet, detect(sheet, FUND_FIELDS))
    exact = Sheet("经费", rows[:-1])
    assert len(body(exact, detect(exact, FUND_FIELDS)).rows) == limits.MAX_DATA_ROWS


# --- a valid import of the largest size -----------------------------------------------------------------------
@pytest.mark.slow
@MEASURED
def test_a_valid_100000_row_import_fits_in_600_mb(tmp_path):
    path = workbook_with_sheet(tmp_path / "经费.xlsx", funds_sheet(limits.MAX_DATA_ROWS))
    env = {**os.environ, "STREETLEDGER_DATA_DIR": str(tmp_path / "数据")}
    result = in_child("import", path, tmp_path / "台账.sqlite", env=env)
    assert result["refused"] is None and result["created"] == limits.MAX_DATA_ROWS
    assert result["peak_mb"] < VALID_MB, result
