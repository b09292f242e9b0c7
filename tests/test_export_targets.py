"""Every command that writes a file refuses a target it cannot write — a folder in the way, a missing folder, a
read-only folder, a file open in another program — with a message naming the path and the cause, and leaves
nothing behind: no traceback, no half-written file, the old file as it was."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from cli import main
from ledger import files

# (what the command line is given after the target's -o, the target's file name)
EXPORTS = [
    (["export", "salary-sheet", "--month", "2026-01"], "工资发放表.xlsx"),
    (["export", "salary-sheet", "--month", "2026-01"], "工资发放表.pdf"),
    (["export", "payslips", "--month", "2026-01"], "工资条.pdf"),
    (["export", "payslips", "--month", "2026-01"], "工资条.xlsx"),
    (["export", "bank-list", "--month", "2026-01"], "代发清单.xlsx"),
    (["export", "cost", "--year", "2026"], "人力成本.xlsx"),
    (["export", "quarterly", "--quarter", "2026-Q1"], "季度汇总.xlsx"),
    (["export", "quarterly", "--quarter", "2026-Q1"], "季度汇总.pdf"),
    (["export", "ledger-venues"], "阵地台账.xlsx"),
    (["export", "ledger-workers"], "社区工作者台账.pdf"),
    (["template", "workers"], "社区工作者导入模板.xlsx"),
    (["template", "openings"], "期初累计.xlsx"),
    (["template", "payscale"], "岗位等级工资表.xlsx"),
    (["report-template", "save", "工资发放表.xlsx"], "工资发放表.xlsx"),
    (["backup"], "备份.sqlite"),
]
IDS = [f"{' '.join(args[:2])}-{Path(name).suffix[1:]}" for args, name in EXPORTS]
LOCKED = "文件正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，或是只读文件；请关闭后重试；原文件未改动"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> list[str]:
    """The street demo with January's pay approved (made once for the module)."""
    folder = tmp_path_factory.mktemp("db")
    db = ["--db", str(folder / "街道.sqlite")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STREETLEDGER_DATA_DIR", str(folder / "data"))
        for command in (["demo"], ["payroll", "run", "2026-01"], ["payroll", "approve", "2026-01"]):
            assert main(db + command) == 0
    return db


@pytest.fixture
def out(tmp_path) -> Path:
    """The folder the clerk exports into."""
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder


def run(database: list[str], args: list[str], target: Path, capsys) -> str:
    """Run one command with -o target; it must refuse (exit 1) and say why in one line."""
    capsys.readouterr()
    assert main(database + args + ["-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().split("\n")[-1]


@pytest.mark.parametrize("args, name", EXPORTS, ids=IDS)
def test_a_folder_where_the_file_should_be(database, args, name, out, capsys):
    target = out / name
    target.mkdir()
    given = out if args[0] == "report-template" else target   # save takes a folder, and writes into it
    assert run(database, args, given, capsys) == f"错误：无法写入“{target}”：这是一个文件夹，请换一个文件名"
    assert [p.name for p in out.iterdir()] == [name] and not any(target.iterdir())


@pytest.mark.parametrize("args, name", EXPORTS, ids=IDS)
def test_a_missing_folder(database, args, name, out, capsys):
    target = out / "没有这个文件夹" / name
    assert run(database, args, target, capsys) == (f"错误：无法写入“{target}”：文件夹“{target.parent}”不存在，"
                                                  f"请先建立它或换一个文件夹")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("args, name", EXPORTS, ids=IDS)
def test_a_read_only_folder(database, args, name, out, capsys, monkeypatch):
    # The operating system's refusal is simulated: root (as in CI) may write into any folder.
    folder = out
    real = tempfile.mkstemp

    def refuse(*a, dir=None, **kw):
        if dir is not None and Path(dir) == folder:
            raise PermissionError(13, "Permission denied", str(dir))
        return real(*a, dir=dir, **kw)

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    target = folder / name
    assert run(database, args, target, capsys) == (f"错误：无法写入“{target}”：没有在文件夹“{folder}”中写入文件的权限，"
                                                  f"请换一个文件夹")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("args, name", EXPORTS, ids=IDS)
def test_a_file_open_in_another_program(database, args, name, out, capsys, monkeypatch):
    # What Windows does when Excel or a PDF reader holds the file: the replacement at the end is refused.
    target = out / name
    target.write_bytes(b"last month's file")
    real = os.replace

    def locked(src, dst, *a, **kw):
        if Path(dst) == target:
            raise PermissionError(13, "另一个程序正在使用此文件", str(dst))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(files.os, "replace", locked)
    given = out if args[0] == "report-template" else target
    assert run(database, args, given, capsys) == f"错误：无法写入“{target}”：{LOCKED}"
    assert target.read_bytes() == b"last month's file"
    assert [p.name for p in out.iterdir()] == [name]      # no temporary file left beside it
