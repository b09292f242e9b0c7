"""Importing the roster from workbooks as clerks make them, and refusing what cannot be right, by row and column."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger.errors import ValidationError
from ledger.importing import UPDATE, Loaded, Sheet, import_file, layout_for, load, preview, run_import
from ledger.models import AuditEntry, LevelChange, PostChange, Worker
from ledger.services import WorkerService
from tests.helpers import snapshot
from tests.workbooks import ID_LI, ID_SUN, ID_WANG, ID_ZHAO, by, communities, xlsx

DATA = Path(__file__).parent / "data"


def workers(ledger) -> dict[str, dict]:
    return by(WorkerService(ledger).list(), "id_number")


def refused(ledger, path: Path, kind: str = "workers") -> list[str]:
    """Import expecting refusal; returns the problem lines and checks that nothing was written."""
    before = snapshot(ledger, Worker)
    with pytest.raises(ValidationError) as info:
        import_file(ledger, kind, path)
    assert snapshot(ledger, Worker) == before
    return [str(p) for p in info.value.problems]


def test_messy_roster_with_titles_merges_aliases_and_footer(ledger, tmp_path):
    communities(ledger, "幸福社区", "和平社区")
    path = xlsx(tmp_path / "花名册.xlsx", [
        ["幸福街道社区工作者花名册"],
        ["填报单位：幸福街道办事处", None, None, None, None, None, None, None, None, None, "填报日期：2026年3月"],
        ["序号", " 姓 名 ", "身份证号码", "所属\n社区", "职务", "岗位", "等级", "是否一肩挑", "最高学历",
         "参加社区工作时间", "缴费基数（元）"],
        [1, "王芳 ", ID_WANG, "幸福社区", "书记", "一岗", "９", "√", "大学本科", date(2010, 5, 1), "５,０００"],
        [2, " 李强", ID_LI.lower(), None, "网格员", "三岗（其他社区工作者）", "4级", "否", "大专", 42064, None],
        [None, None, None, None, None, None, None, None, None, None, None],
        [3, "赵敏", f" {ID_ZHAO} ", "和平社区", "社区工作者", "3", " 2 ", None, "硕士研究生", "2019年3月", "4800.50"],
        [4, "孙伟", ID_SUN, "和平社区", "副主任", "社区副职", 6, "N", "高中", "2008/03/01", None],
        ["合计", None, None, None, None, None, None, None, None, None, "14800.50"],
        ["填表人：张三", None, None, None, None, "审核人：李四"],
    ], merges=["A1:K1", "D4:D5"])
    plan, outcome = import_file(ledger, "workers", path)
    assert (outcome.created, outcome.updated) == (4, 0)
    assert [r.row for r in plan.rows] == [4, 5, 7, 8]
    assert (9, "合计行，已跳过") in plan.skipped
    got = workers(ledger)
    wang = got[ID_WANG]
    assert (wang["name"], wang["community"], wang["title"], wang["post"], wang["level"]) == ("王芳", "幸福社区", "书记", "一岗", 9)
    assert wang["dual_role"] is True and wang["education"] == "本科"
    assert wang["started_on"] == date(2010, 5, 1) and wang["contribution_base"] == Decimal("5000.00")
    li = got[ID_LI]   # 社区 merged down from the row above; serial date; 网格员 is 专职网格员
    assert (li["name"], li["community"], li["title"], li["post"], li["level"]) == ("李强", "幸福社区", "专职网格员", "三岗", 4)
    assert li["started_on"] == date(2015, 3, 1) and li["dual_role"] is False
    zhao = got[ID_ZHAO]
    assert (zhao["post"], zhao["level"], zhao["education"], zhao["started_on"]) == ("三岗", 2, "硕士", date(2019, 3, 1))
    assert zhao["contribution_base"] == Decimal("4800.50") and zhao["status"] == "在岗"
    sun = got[ID_SUN]
    assert (sun["post"], sun["education"], sun["started_on"], sun["dual_role"]) == ("二岗", "高中及以下", date(2008, 3, 1), False)


def test_two_row_header_with_group_over_post_and_level(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "两行表头.xlsx", [
        ["社区工作者信息表"],
        ["姓名", "身份证号", "所属社区", "职务", "岗位等级", None, "参加工作时间"],
        [None, None, None, None, "岗位", "等级", None],
        ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 10, "2010.05"],
        ["李强", ID_LI, "幸福社区", "委员", "三岗", 3, "2016-9-1"],
    ], merges=["A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"])
    loaded = load(path, "workers")
    layout = layout_for(loaded, "workers")
    assert layout.column_of("post").index == 4 and layout.column_of("level").index == 5
    _plan, outcome = run_import(ledger, "workers", loaded, layout)
    assert outcome.created == 2
    got = workers(ledger)
    assert (got[ID_WANG]["post"], got[ID_WANG]["level"], got[ID_WANG]["started_on"]) == ("一岗", 10, date(2010, 5, 1))
    assert (got[ID_LI]["post"], got[ID_LI]["level"], got[ID_LI]["started_on"]) == ("三岗", 3, date(2016, 9, 1))


def test_two_row_header_without_vertical_merges(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "无合并.xlsx", [
        ["姓名", "身份证号", "所属社区", "职务", "岗位等级", None],
        [None, None, None, None, "岗位", "等级"],
        ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 10],
    ])
    layout = layout_for(load(path, "workers"), "workers")
    assert (layout.header_first, layout.header_last) == (1, 2)
    assert import_file(ledger, "workers", path)[1].created == 1


@pytest.mark.parametrize("cell, expected", [
    (date(2015, 3, 1), date(2015, 3, 1)),
    (datetime(2015, 3, 1), date(2015, 3, 1)),
    (42064, date(2015, 3, 1)),
    ("42064", date(2015, 3, 1)),
    ("2015.03", date(2015, 3, 1)),
    ("2015年3月", date(2015, 3, 1)),
    ("2015-3-1", date(2015, 3, 1)),
    ("2015/03/01", date(2015, 3, 1)),
    ("２０１５年３月１日", date(2015, 3, 1)),
    (" 2015.3.1 ", date(2015, 3, 1)),
])
def test_dates_in_every_shape_clerks_type(ledger, tmp_path, cell, expected):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "d.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "参加社区工作时间"],
                                       ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, cell]])
    import_file(ledger, "workers", path)
    assert workers(ledger)[ID_WANG]["started_on"] == expected


@pytest.mark.parametrize("cell, expected", [("是", True), ("√", True), ("Y", True), ("1", True), (1, True), (True, True),
                                            ("否", False), (None, False), ("N", False), (0, False)])
def test_yes_no_variants(ledger, tmp_path, cell, expected):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "b.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "一肩挑"],
                                       ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, cell]])
    import_file(ledger, "workers", path)
    assert workers(ledger)[ID_WANG]["dual_role"] is expected


def _one_worker_file(tmp_path, id_cell, fmt=None) -> Path:
    return xlsx(tmp_path / "id.xlsx", [["工作者花名册"], ["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                        ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9],
                                        ["李强", id_cell, "幸福社区", "委员", "三岗", 3]],
                formats={"B4": fmt} if fmt else None)


def test_id_that_excel_made_a_float_is_refused_with_the_cure(ledger, tmp_path):
    communities(ledger, "幸福社区")
    lines = refused(ledger, _one_worker_file(tmp_path, 1.50203198607e17, "0.00E+00"))
    assert lines == ["第4行 身份证号：身份证号被 Excel 存成了数字（如 1.10105E+17），后几位已经丢失；"
                     "请把该列设为“文本”格式后重新录入完整号码"]


def test_id_as_18_digit_integer_failing_the_check_is_refused(ledger, tmp_path):
    communities(ledger, "幸福社区")
    mangled = int(ID_LI[:15] + "000")   # what Excel keeps of an 18-digit number: 15 significant digits
    lines = refused(ledger, _one_worker_file(tmp_path, mangled))
    assert len(lines) == 1 and lines[0].startswith("第4行 身份证号：身份证号被 Excel 存成了数字")
    assert "文本" in lines[0]


def test_id_as_text_in_scientific_notation_is_refused(ledger, tmp_path):
    communities(ledger, "幸福社区")
    lines = refused(ledger, _one_worker_file(tmp_path, "1.50203E+17"))
    assert lines[0].startswith("第4行 身份证号：身份证号被 Excel 存成了数字")


def test_wrong_check_digit_names_row_and_column(ledger, tmp_path):
    communities(ledger, "幸福社区")
    bad = ID_LI[:17] + ("1" if ID_LI[17] != "1" else "2")
    assert refused(ledger, _one_worker_file(tmp_path, bad)) == ["第4行 身份证号：校验位不正确，请核对号码"]


def _sheet_with_id(tmp_path, id_cell) -> Loaded:
    """A sheet as the reader returns it, for cell types openpyxl cannot write (it saves big integers as floats)."""
    rows = [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"], ["李强", id_cell, "幸福社区", "委员", "三岗", 3]]
    return Loaded(tmp_path / "程序生成.xlsx", "xlsx", ["Sheet1"], Sheet("Sheet1", rows))


def test_exact_integer_id_from_a_program_is_accepted(ledger, tmp_path):
    communities(ledger, "幸福社区")
    loaded = _sheet_with_id(tmp_path, int(ID_LI))
    run_import(ledger, "workers", loaded, layout_for(loaded, "workers"))
    assert ID_LI in workers(ledger)


def test_integer_id_whose_last_digits_excel_zeroed_is_refused(ledger, tmp_path):
    communities(ledger, "幸福社区")
    loaded = _sheet_with_id(tmp_path, int(ID_LI[:15] + "000"))
    plan = preview(ledger, "workers", loaded, layout_for(loaded, "workers"))
    assert [str(p) for p in plan.all_problems()] == [
        "第2行 身份证号：身份证号被 Excel 存成了数字，后几位已变成 0 或丢失；请把该列设为“文本”格式后重新录入完整号码"]


def test_bank_account_stored_as_a_number_is_refused(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "bank.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "银行账号"],
                                          ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, 6.22202123456789e18]])
    lines = refused(ledger, path)
    assert lines[0].startswith("第2行 银行账号：被 Excel 存成了数字")


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "bad.xlsx", [
        ["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "参加社区工作时间"],
        ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, "2010.05"],
        ["李强", ID_LI, "光明社区", "委员", "三岗", 3, None],
        ["赵敏", ID_ZHAO, "幸福社区", "委员", "三岗", 15, "2019-13-01"],
        ["", ID_SUN, "幸福社区", "职员", "四岗", 3, None],
    ])
    lines = refused(ledger, path)
    assert lines == [
        "第3行 所属社区：社区“光明社区”不存在，请先在社区台账中新建或导入该社区",
        "第4行 参加社区工作时间：“2019-13-01”不是有效日期（可写作 2015-03-01、2015/3/1、2015.03 或 2015年3月）",
        "第5行 姓名：必填，不能为空",
        "第5行 职务：“职员”不在可选值中（书记/主任/副书记/副主任/委员/专职网格员/社区工作者）",
        "第5行 岗位：“四岗”不是有效岗位，可选：一岗（社区正职）、二岗（社区副职）、三岗（其他社区工作者）",
    ]
    assert WorkerService(ledger).count() == 0


def test_level_outside_the_post_range_is_refused_by_the_same_rule_as_the_form(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "lv.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                        ["赵敏", ID_ZHAO, "幸福社区", "委员", "三岗", 15]])
    assert refused(ledger, path) == ["第2行 等级：三岗（其他社区工作者）的等级范围是1–12级，不能是15级"]


def test_same_id_twice_in_the_file(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "dup.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                         ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9],
                                         ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9]])
    assert refused(ledger, path) == ["第3行 身份证号：与第2行重复（身份证号相同）"]


def test_missing_required_column_names_the_column(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "cols.xlsx", [["标题"], ["姓名", "所属社区", "职务", "岗位", "等级"],
                                          ["王芳", "幸福社区", "书记", "一岗", 9]])
    assert refused(ledger, path) == ["第2行 身份证号：缺少这一列（必填）；如果表中这一列的名称不同，请在列对应中指定"]


def test_no_header_at_all(ledger, tmp_path):
    path = xlsx(tmp_path / "nohead.xlsx", [["张三", "李四"], [1, 2]])
    lines = refused(ledger, path)
    assert len(lines) == 1 and lines[0].startswith("第1行 表头：在前30行中没有找到表头")


def test_reimport_updates_and_reports_what_changes(ledger, tmp_path):
    communities(ledger, "幸福社区")
    header = ["姓名", "身份证号", "所属社区", "职务", "岗位", "等级", "联系电话"]
    first = xlsx(tmp_path / "v1.xlsx", [header, ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9, "13800000000"],
                                        ["李强", ID_LI, "幸福社区", "委员", "三岗", 3, None]])
    import_file(ledger, "workers", first)
    second = xlsx(tmp_path / "v2.xlsx", [header, ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 10, "13800000000"],
                                         ["李强", ID_LI, "幸福社区", "专职网格员", "三岗", 3, "13911112222"],
                                         ["赵敏", ID_ZHAO, "幸福社区", "委员", "三岗", 2, None]])
    loaded = load(second, "workers")
    plan = preview(ledger, "workers", loaded, layout_for(loaded, "workers"))
    assert [(r.row, r.action) for r in plan.rows] == [(2, UPDATE), (3, UPDATE), (4, "新增")]
    assert [str(c) for c in plan.rows[0].changes] == ["等级：9 → 10"]
    assert [str(c) for c in plan.rows[1].changes] == ["职务：委员 → 专职网格员", "联系电话：（空） → 13911112222"]
    _plan, outcome = import_file(ledger, "workers", second)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 2, 0)
    got = workers(ledger)
    assert got[ID_WANG]["level"] == 10 and got[ID_LI]["title"] == "专职网格员" and got[ID_LI]["phone"] == "13911112222"
    with ledger.reading() as session:
        changes = session.execute(select(LevelChange.old_level, LevelChange.new_level, LevelChange.reason)).all()
        posts = session.execute(select(PostChange.old_title, PostChange.new_title)).all()
    assert changes == [(9, 10, "台账导入修改")] and posts == [("委员", "专职网格员")]
    assert import_file(ledger, "workers", second, again=True)[1].unchanged == 3   # the same file, confirmed


def test_columns_missing_from_the_file_keep_their_values_on_update(ledger, tmp_path):
    communities(ledger, "幸福社区")
    WorkerService(ledger).create({"name": "王芳", "id_number": ID_WANG, "community": "幸福社区", "title": "书记",
                                  "post": "一岗", "level": "9", "phone": "13800000000", "education": "本科"})
    path = xlsx(tmp_path / "part.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                          ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 11]])
    import_file(ledger, "workers", path)
    got = workers(ledger)[ID_WANG]
    assert (got["level"], got["phone"], got["education"]) == (11, "13800000000", "本科")


def test_only_the_valid_rows_when_asked(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "mixed.xlsx", [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
                                           ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9],
                                           ["李强", "123", "幸福社区", "委员", "三岗", 3],
                                           ["赵敏", ID_ZHAO, "幸福社区", "委员", "三岗", 2]])
    _plan, outcome = import_file(ledger, "workers", path, valid_only=True)
    assert (outcome.created, outcome.refused) == (2, 1)
    assert [str(p) for p in outcome.problems] == ["第3行 身份证号：应为18位（最后一位可为X），实际为“123”"]
    assert set(workers(ledger)) == {ID_WANG, ID_ZHAO}


def test_xls_from_an_older_office(ledger):
    communities(ledger, "幸福社区", "和平社区")
    plan, outcome = import_file(ledger, "workers", DATA / "社区工作者花名册.xls")
    assert outcome.created == 3 and plan.layout.header_first == 3
    got = workers(ledger)
    assert got["15020319800302012X"]["dual_role"] is True and got["15020319800302012X"]["started_on"] == date(2010, 5, 1)
    assert got["150203198607090313"]["community"] == "幸福社区"   # merged down in the .xls
    assert got["150204199001200427"]["started_on"] == date(2019, 3, 1)


def test_sheet_chosen_by_its_header_and_audited_as_import(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "多表.xlsx", [["填表说明"], ["1. 身份证号请设为文本格式"]], sheet="说明", extra_sheets={
        "花名册": [["姓名", "身份证号", "所属社区", "职务", "岗位", "等级"], ["王芳", ID_WANG, "幸福社区", "书记", "一岗", 9]]})
    plan, outcome = import_file(ledger, "workers", path)
    assert plan.layout.sheet == "花名册" and outcome.created == 1
    with ledger.reading() as session:
        entry = session.execute(select(AuditEntry.source, AuditEntry.action, AuditEntry.record_label, AuditEntry.changes)
                                .where(AuditEntry.ledger == "社区工作者")).one()
    assert entry.source == "导入" and entry.action == "新增" and entry.record_label == "王芳"
    assert entry.changes == [{"field": "来源", "old": None, "new": "多表.xlsx［花名册］ 第2行"}]
