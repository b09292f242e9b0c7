"""The import, template and undo-import commands as a clerk runs them: exit codes, one line per problem."""
from __future__ import annotations

import openpyxl
import pytest

from cli import main
from ledger.access import Actor
from ledger.app import Ledger
from ledger.services import WorkerService
from tests.workbooks import ID_LI, ID_WANG, communities, xlsx


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.sqlite"
    assert main(["--db", str(path), "init", "--name", "幸福街道"]) == 0
    ledger = Ledger.open(path, Actor(source="命令行"))
    communities(ledger, "幸福社区")
    ledger.close()
    return str(path)


def _count(db) -> int:
    ledger = Ledger.open(db)
    try:
        return WorkerService(ledger).count()
    finally:
        ledger.close()


ROSTER = [["幸福街道社区工作者花名册"], ["序号", "姓名", "身份证号码", "所属社区", "职务", "岗位", "等级", "籍贯"],
          [1, "王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, "内蒙古"], [2, "李强", ID_LI, "幸福社区", "委员", "三岗", 3, None]]


def test_import_prints_counts_and_exits_zero(db, tmp_path, capsys):
    path = xlsx(tmp_path / "花名册.xlsx", ROSTER)
    capsys.readouterr()
    assert main(["--db", db, "import", "workers", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "表头在第2行" in out and "H列“籍贯”未识别" in out and "检查通过（试运行，未写入）：新增2条" in out
    assert _count(db) == 0
    assert main(["--db", db, "import", "workers", str(path)]) == 0
    assert "已导入社区工作者台账：新增2条，更新0条，不变0条" in capsys.readouterr().out
    assert _count(db) == 2
    assert main(["--db", db, "undo-import"]) == 0
    assert "删除2条新增记录" in capsys.readouterr().out
    assert _count(db) == 0
    assert main(["--db", db, "undo-import"]) == 1


def test_import_refused_prints_one_line_per_problem_and_writes_nothing(db, tmp_path, capsys):
    rows = [r[:] for r in ROSTER]
    rows[2][2] = ID_WANG[:17] + ("1" if ID_WANG[17] != "1" else "2")
    rows[3][3] = "光明社区"
    path = xlsx(tmp_path / "错.xlsx", rows)
    capsys.readouterr()
    assert main(["--db", db, "import", "workers", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["第3行 身份证号：校验位不正确，请核对号码",
                   "第4行 所属社区：社区“光明社区”不存在，请先在社区台账中新建或导入该社区",
                   "未导入：2个问题，没有写入任何数据"]
    assert _count(db) == 0
    assert main(["--db", db, "import", "workers", str(path), "--dry-run"]) == 1


def test_unreadable_file_is_a_clear_error(db, tmp_path, capsys):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["--db", db, "import", "workers", str(path)]) == 1
    assert "无法读取“坏.xlsx”" in capsys.readouterr().err


def test_template_has_headers_notes_dropdowns_and_text_columns(db, tmp_path, capsys):
    out = tmp_path / "社区工作者导入模板.xlsx"
    assert main(["--db", db, "template", "workers", "-o", str(out)]) == 0
    assert "已生成社区工作者台账导入模板" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    ws = wb["社区工作者台账"]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"] and "性别" not in headers
    notes = {c.value: c.comment.text for c in ws[1]}
    assert notes["身份证号"].startswith("必填。") and "文本格式" in notes["身份证号"]
    assert notes["备注"].startswith("选填。")
    assert ws.column_dimensions["B"].number_format == "@"
    lists = wb["可选值"]
    assert lists.sheet_state == "hidden"
    by_header = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                          if lists.cell(r, c).value] for c in range(1, lists.max_column + 1)}
    assert by_header["岗位"] == ["一岗（社区正职）", "二岗（社区副职）", "三岗（其他社区工作者）"]
    assert by_header["学历"] == ["博士", "硕士", "本科", "大专", "高中及以下"]
    assert by_header["职业资格"][0] == "无" and by_header["一肩挑"] == ["是", "否"]
    assert by_header["所属社区"] == ["幸福社区"]
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    assert {"C2", "D2", "E2", "G2", "H2", "I2"} <= validated

    # A filled template imports as it is.
    ws.append(["王芳", ID_WANG, "幸福社区", "书记", "一岗（社区正职）", 9, "是", "本科", "社会工作师"])
    wb.save(out)
    assert main(["--db", db, "import", "workers", str(out)]) == 0
    assert _count(db) == 1


@pytest.mark.parametrize("kind", ["communities", "orgs", "grids", "funds", "venues", "budgets"])
def test_every_ledger_has_a_template_that_imports_back(db, tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    assert main(["--db", db, "template", kind, "-o", str(out)]) == 0
    assert main(["--db", db, "import", kind, str(out), "--dry-run"]) == 1   # blank: the header is there, no rows
