"""Safe files: formula-like text stays text in xlsx, names from user data are sanitized, failed saves lose nothing."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from ledger import files
from exports.safe import (FileNotWritable, append_row, atomic_write, check_writable, safe_cell_text, safe_path,
                          sanitize_filename, save_workbook, set_text_cell)

DANGEROUS = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138", "-2+3", "@SUM(A1)", "=1+1"]


def test_formula_like_text_is_written_as_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    append_row(ws, ["姓名", "备注"])
    for text in DANGEROUS:
        append_row(ws, ["张华", text])
    set_text_cell(ws["D1"], "=cmd|' /C calc'!A0")
    ws["E1"] = "=SUM(1,2)"   # the report's own formula (not from the database) stays a formula
    path = save_workbook(wb, tmp_path / "备注.xlsx")

    back = openpyxl.load_workbook(path)
    ws = back.active
    assert [ws.cell(row=r, column=2).value for r in range(2, 2 + len(DANGEROUS))] == DANGEROUS
    assert all(ws.cell(row=r, column=2).data_type == "s" for r in range(2, 2 + len(DANGEROUS)))
    assert ws["D1"].data_type == "s" and ws["D1"].value.startswith("=cmd")
    assert ws["E1"].data_type == "f"
    # In the file itself: exactly one formula element, the report's own.
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert sheet.count("<f>") == 1
    # A clerk editing the cell in Excel keeps it as text (quotePrefix).
    assert back.active["B2"].quotePrefix


def test_safe_cell_text_for_untyped_formats():
    assert safe_cell_text("=1+1") == "'=1+1"
    assert safe_cell_text("@x") == "'@x"
    assert safe_cell_text("幸福社区") == "幸福社区"
    assert safe_cell_text(-5) == -5
    assert safe_cell_text(None) is None


@pytest.mark.parametrize("raw, expected", [
    ("幸福/和平社区 2026年3月工资表.xlsx", "幸福_和平社区 2026年3月工资表.xlsx"),
    ("..\\..\\Windows\\system32", "_.._Windows_system32"),
    ("CON.xlsx", "_CON.xlsx"),
    ("nul", "_nul"),
    ('王伟:"二岗"?<3>|*.pdf', "王伟__二岗___3___.pdf"),
    ("  名字. ", "名字"),
    ("..", "未命名"),
    ("", "未命名"),
    (None, "未命名"),
    ("行一\n行二\t.xlsx", "行一 行二.xlsx"),
])
def test_sanitize_filename(raw, expected):
    assert sanitize_filename(raw) == expected


def test_sanitize_filename_keeps_the_extension_when_cutting():
    name = sanitize_filename("社" * 300 + ".xlsx")
    assert name.endswith(".xlsx") and len(name) <= 120


def test_safe_path_stays_in_its_folder(tmp_path):
    path = safe_path(tmp_path, "../../etc/passwd", ".xlsx")
    assert path.parent == tmp_path and path.name == "_.._etc_passwd.xlsx"


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "工资表.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("导出中断")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["工资表.xlsx"]   # no temporary file left behind
    with atomic_write(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["工资表.xlsx"]


def test_a_file_open_in_excel_gives_a_clear_message_and_loses_nothing(tmp_path, monkeypatch):
    target = tmp_path / "工资表.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):   # what Windows does when Excel holds the file open
        raise PermissionError(13, "拒绝访问", str(dst))

    monkeypatch.setattr(files.os, "replace", locked)
    wb = openpyxl.Workbook()
    with pytest.raises(FileNotWritable) as caught:
        save_workbook(wb, target)
    assert str(caught.value) == (f"无法写入“{target}”：文件正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，或是只读文件；"
                                 f"请关闭后重试；原文件未改动")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["工资表.xlsx"]


def test_check_writable_refuses_a_locked_file_before_the_work(tmp_path, monkeypatch):
    target = tmp_path / "清单.xlsx"
    target.write_bytes(b"old")
    real_open = open

    def excel_holds(path, mode="r", *args, **kwargs):
        if str(path) == str(target) and "+" in mode:
            raise PermissionError(13, "另一个程序正在使用此文件", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", excel_holds)
    with pytest.raises(FileNotWritable, match="正被其他程序"):
        check_writable(target)
    monkeypatch.undo()
    check_writable(target)
    check_writable(tmp_path / "新.xlsx")


def test_a_missing_folder_is_named_not_made(tmp_path):
    # a mistyped folder must not quietly appear somewhere: the clerk would not find the file again
    target = tmp_path / "没有的文件夹" / "新.xlsx"
    for attempt in (lambda: check_writable(target), lambda: save_workbook(openpyxl.Workbook(), target)):
        with pytest.raises(FileNotWritable) as caught:
            attempt()
        assert str(caught.value) == f"无法写入“{target}”：文件夹“{target.parent}”不存在，请先建立它或换一个文件夹"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_and_a_full_disk_are_explained(tmp_path, monkeypatch):
    (tmp_path / "报表.xlsx").mkdir()
    with pytest.raises(FileNotWritable, match="这是一个文件夹"):
        with atomic_write(tmp_path / "报表.xlsx") as tmp:
            tmp.write_bytes(b"x")

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(FileNotWritable, match="磁盘空间不足"):
        with atomic_write(tmp_path / "新.xlsx") as tmp:
            tmp.write_bytes(b"x")
    assert not (tmp_path / "新.xlsx").exists()


def test_read_only_folder_is_refused(tmp_path, monkeypatch):
    # The operating system's refusal is simulated: root (as in CI) ignores folder permissions.
    folder = tmp_path / "只读"
    folder.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    with pytest.raises(FileNotWritable) as caught:
        check_writable(folder / "a.xlsx")
    assert str(caught.value) == f"无法写入“{folder / 'a.xlsx'}”：没有在文件夹“{folder}”中写入文件的权限，请换一个文件夹"
    assert list(folder.iterdir()) == []
