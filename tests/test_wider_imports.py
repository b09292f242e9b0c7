"""The wider ledgers through the importer: clerks' messy workbooks, bad rows named, and each export read back.

Every kind is covered by the same three checks: a workbook made the way an office makes one (title rows, a
填报单位 line, header wordings of its own, a 序号 column, the 社区 merged down its rows, dates typed as text, a
signature line) imports; a bad row is refused by row and column with nothing written; and the street demo's
ledger, exported and imported again, reports every row 不变 (and fills an empty database with the same records).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exports.ledger_export import export_fields, export_ledger
from exports.import_templates import write_template
from ledger.access import Actor
from ledger.app import Ledger
from ledger.errors import ValidationError
from ledger.idcard import make_id
from ledger.importing import NEW, SAME, import_file, layout_for, load, preview, run_import
from ledger.services import LEDGERS
from ledger.services.street import init_street
from tests.helpers import snapshot
from tests.workbooks import by, communities, xlsx

KINDS = ("partners", "projects", "registrations", "registration-services", "teams", "activities", "estates")
ID_ZHANG = make_id("150206", date(1985, 3, 1), 123)
ID_LIU = make_id("150206", date(1990, 8, 8), 45)
TITLE = [["幸福街道2026年共建工作台账"], ["填报单位：幸福街道办事处（盖章）", None, None, "填报日期：2026年6月30日"]]
SIGNED = ["填表人：王芳", None, "审核人：李强"]


def _setup(ledger) -> None:
    """Two communities with a grid each, two registered members and a team: what the rows below refer to."""
    communities(ledger, "幸福社区", "和平社区")
    grids = LEDGERS["grids"](ledger)
    grids.create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 450})
    grids.create({"community": "和平社区", "code": "01", "name": "第一网格", "households": 420})
    members = LEDGERS["registrations"](ledger)
    members.create({"name": "张华", "id_number": ID_ZHANG, "employer": "区税务局", "community": "幸福社区",
                    "registered_on": "2024-03-01"})
    members.create({"name": "刘洋", "employer": "第一中学", "community": "和平社区", "registered_on": "2024-05-01"})
    LEDGERS["teams"](ledger).create({"name": "红马甲服务队", "community": "幸福社区", "founded_on": "2020-01-01"})


# kind -> (messy rows, merged ranges, records expected: {label key: {field: value}})
MESSY = {
    "partners": (
        [["序号", "共建单位名称", "单位性质", "签约社区", "单位党组织", "是否大党委兼职委员", "签约时间", "协议到期时间"],
         ["1", "区税务局", "机关单位", "幸福社区", "区税务局机关党委", "√", "2024.3", "2027年3月"],
         ["2", "华联超市", "民营企业", None, None, "否", "2025年5月8日", None],
         ["3", "第一中学", "事业", "和平社区", "第一中学党支部", "是", "2023/9/1", "2026-08-31"]],
        ["D4:D5"],
        {("幸福社区", "区税务局"): {"kind": "机关", "part_time_member": True, "signed_on": date(2024, 3, 1),
                                   "expires_on": date(2027, 3, 1)},
         ("幸福社区", "华联超市"): {"kind": "非公企业", "part_time_member": False, "signed_on": date(2025, 5, 8)},
         ("和平社区", "第一中学"): {"kind": "事业单位", "expires_on": date(2026, 8, 31)}}),
    "projects": (
        [["序号", "社区", "清单类别", "事项名称", "认领单位", "启动时间", "完成时间", "进展情况", "受益人数", "投入资金（元）"],
         ["1", "幸福社区", "需求清单", "老旧小区加装电梯", None, None, None, "待认领", None, None],
         ["2", None, "项目清单", "四点半课堂", "第一中学", "2025.9", "2026年1月", "完成", "120", "12,000.50"],
         ["3", "和平社区", "资源清单", "法律咨询", "律师事务所", None, None, None, None, None]],
        ["B4:B5"],
        {("幸福社区", "老旧小区加装电梯"): {"list_type": "需求", "status": "征集中"},
         ("幸福社区", "四点半课堂"): {"list_type": "项目", "status": "已完成", "start_on": date(2025, 9, 1),
                                   "end_on": date(2026, 1, 1), "beneficiaries": 120,
                                   "investment": Decimal("12000.50")},
         ("和平社区", "法律咨询"): {"list_type": "资源", "undertaker": "律师事务所"}}),
    "registrations": (
        [["序号", "居住社区", "党员姓名", "身份证号码", "所在单位", "所在党支部", "网格", "报到时间", "认领岗位", "报到状态"],
         ["1", "幸福社区", "王 芳", make_id("150206", date(1982, 1, 2), 77), "区人民医院", "医院党委", "01", "2025.4",
          "党员先锋岗", "在职"],
         ["2", None, "赵敏", None, "供电公司", None, "第一网格", "2025年6月", None, None],
         ["3", "和平社区", "孙丽", None, "燃气公司", None, None, "2024/10/1", None, "转出"]],
        ["B4:B5"],
        {("幸福社区", "王芳"): {"employer": "区人民医院", "registered_on": date(2025, 4, 1), "status": "在册",
                              "grid": "第一网格", "post": "党员先锋岗"},
         ("幸福社区", "赵敏"): {"registered_on": date(2025, 6, 1), "grid": "第一网格", "id_number": None},
         ("和平社区", "孙丽"): {"status": "已转出"}}),
    "registration-services": (
        [["序号", "报到社区", "党员姓名", "身份证号码", "服务时间", "服务事项", "服务时长（小时）"],
         ["1", "幸福社区", "张华", None, "2025.4", "清理楼道杂物", "2"],
         ["2", None, "张华", ID_ZHANG, "2025年5月6日", "入户宣传政策", "1.5"],
         ["3", "和平社区", "刘洋", None, "2025/6/1", "慰问独居老人", None]],
        ["B4:B5"],
        {("幸福社区", "清理楼道杂物"): {"name": "张华", "served_on": date(2025, 4, 1), "hours": Decimal("2.00")},
         ("幸福社区", "入户宣传政策"): {"name": "张华", "served_on": date(2025, 5, 6), "hours": Decimal("1.50")},
         ("和平社区", "慰问独居老人"): {"name": "刘洋", "hours": None}}),
    "teams": (
        [["序号", "社区名称", "服务队名称", "队伍类型", "队长", "队员数", "成立时间", "网格"],
         ["1", "幸福社区", "平安巡逻队", "治安巡逻", "李强", "24", "2019.5", "01"],
         ["2", None, "夕阳红文艺队", "文艺", None, "１２", "2021年3月", None],
         ["3", "和平社区", "和事佬调解队", "人民调解", "周平", None, None, "第一网格"]],
        ["B4:B5"],
        {("幸福社区", "平安巡逻队"): {"kind": "巡逻", "members": 24, "founded_on": date(2019, 5, 1), "grid": "第一网格"},
         ("幸福社区", "夕阳红文艺队"): {"kind": "文体", "members": 12},
         ("和平社区", "和事佬调解队"): {"kind": "调解", "grid": "第一网格"}}),
    "activities": (
        [["序号", "社区", "活动时间", "服务队", "活动主题", "参加人数", "服务时长（小时）", "服务人次"],
         ["1", "幸福社区", "2025.4", "红马甲服务队", "环境卫生整治", "12", "36", "200"],
         ["2", None, "2025年5月4日", "红马甲服务队", "关爱空巢老人", "8", "16.5", None],
         ["3", None, "2025/6/1", " 红马甲服务队", "平安巡逻", None, None, "50"]],
        ["B4:B6"],
        {("幸福社区", "环境卫生整治"): {"held_on": date(2025, 4, 1), "participants": 12, "hours": Decimal("36.00"),
                                     "served": 200, "team": "红马甲服务队"},
         ("幸福社区", "关爱空巢老人"): {"held_on": date(2025, 5, 4), "hours": Decimal("16.50")},
         ("幸福社区", "平安巡逻"): {"served": 50}}),
    "estates": (
        [["序号", "社区名称", "小区(院落)名称", "网格", "楼栋数量", "总户数", "物业公司", "业主委员会", "业委会成立时间",
          "是否红色物业", "物业费收缴率（%）"],
         ["1", "幸福社区", "幸福家园", "01", "12", "860", "安居物业", "已成立", "2019.6", "√", "92.5"],
         ["2", None, "阳光花园", None, "6", "400", None, "未成立", None, "否", None],
         ["3", "和平社区", "和平新村", "第一网格", None, None, "万家物业", None, None, "是", "88"]],
        ["B4:B5"],
        {("幸福社区", "幸福家园"): {"owners_committee": "有", "committee_founded_on": date(2019, 6, 1),
                                 "red_property": True, "fee_rate": Decimal("92.50"), "grid": "第一网格"},
         ("幸福社区", "阳光花园"): {"owners_committee": "无", "red_property": False, "households": 400},
         ("和平社区", "和平新村"): {"red_property": True, "fee_rate": Decimal("88.00")}}),
}

# kind -> (header, a good row, a bad row, the refusal of the bad one as "第N行 列：why")
BAD = {
    "partners": (["单位名称", "所属社区", "签约日期", "协议到期日"], ["区税务局", "幸福社区", "2024-03-01", None],
                 ["华联超市", "幸福社区", "2025-05-01", "2024-05-01"], "第3行 协议到期日：早于签约日期2025-05-01"),
    "projects": (["项目名称", "所属社区", "清单类型", "开始日期", "完成日期"], ["义诊", "幸福社区", "项目", None, None],
                 ["电梯", "幸福社区", "清单", None, None], "第3行 清单类型：“清单”不在可选值中（需求/资源/项目）"),
    "registrations": (["姓名", "工作单位", "报到社区", "报到日期"], ["王芳", "区人民医院", "幸福社区", "2025-04-01"],
                      ["赵敏", "供电公司", "幸福社区", "2025.13"], "第3行 报到日期：“2025.13”不是有效日期（可写作 2015-03-01、2015/3/1、2015.03 或 2015年3月）"),
    "registration-services": (["姓名", "报到社区", "服务日期", "服务内容"], ["张华", "幸福社区", "2025-04-01", "清理楼道"],
                              ["张华", "和平社区", "2025-04-02", "宣传政策"],
                              "第3行 姓名：和平社区没有名为“张华”的在职党员报到记录，请先登记报到"),
    "teams": (["队伍名称", "所属社区", "队员人数"], ["平安巡逻队", "幸福社区", "20"], ["夕阳红", "幸福社区", "-3"],
              "第3行 队员人数：不能为负数"),
    "activities": (["日期", "所属社区", "队伍", "活动名称"], ["2025-04-01", "幸福社区", "红马甲服务队", "义诊"],
                   ["2025-04-02", "和平社区", "红马甲服务队", "巡逻"],
                   "第3行 队伍：本社区没有名为“红马甲服务队”的志愿服务队，请先在志愿服务队台账中登记"),
    "estates": (["小区名称", "所属社区", "物业费收缴率"], ["幸福家园", "幸福社区", "90"], ["阳光花园", "幸福社区", "120"],
                "第3行 物业费收缴率：不能大于100"),
}


def _key(record: dict) -> tuple[str, str]:
    return record["community"], record.get("content") or record["name"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_workbook_as_an_office_makes_it_imports(ledger, tmp_path, kind):
    _setup(ledger)
    rows, merges, expected = MESSY[kind]
    width = len(rows[0])
    body = [*TITLE, *rows, ["合计", None, None], [], SIGNED]
    path = xlsx(tmp_path / f"{kind}.xlsx", body, merges=["A1:" + "ABCDEFGHIJK"[width - 1] + "1", *merges])
    before = len(LEDGERS[kind](ledger).list())
    plan, outcome = import_file(ledger, kind, path)
    assert (outcome.created, outcome.updated) == (3, 0), plan.all_problems()
    assert [r.row for r in plan.rows] == [4, 5, 6]          # the rows as Excel numbers them
    records = [r for r in LEDGERS[kind](ledger).list()][before:]
    got = {_key(r): r for r in records}
    assert set(got) == set(expected)
    for key, values in expected.items():
        assert {k: got[key][k] for k in values} == values, key


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(ledger, tmp_path, kind):
    _setup(ledger)
    header, good, bad, why = BAD[kind]
    path = xlsx(tmp_path / f"{kind}.xlsx", [header, good, bad])
    model = LEDGERS[kind].model
    before = snapshot(ledger, model)
    with pytest.raises(ValidationError) as refused:
        import_file(ledger, kind, path)
    assert [str(p) for p in refused.value.problems] == [why]
    assert snapshot(ledger, model) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_filled_blank_template_imports_without_a_mapping(ledger, tmp_path, kind):
    """template KIND: the headers are the fields' labels, so the good row of a clerk's filled template imports."""
    import openpyxl
    _setup(ledger)
    path = write_template(ledger, kind, tmp_path / f"{kind}模板.xlsx")
    header, good, _bad, _why = BAD[kind]
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    labels = [c.value for c in ws[1]]
    for label, value in zip(header, good):
        ws.cell(2, labels.index(label) + 1, value)
    wb.save(path)
    assert import_file(ledger, kind, path)[1].created == 1


# --- the street demo's ledgers exported and read back ---------------------------------------------------------

ORDER = ("communities", "grids", *KINDS)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The street demo and its wider ledgers exported (made once for the module)."""
    from ledger.demo import load_demo
    folder = tmp_path_factory.mktemp("wider")
    source = Ledger.open(folder / "demo.sqlite", Actor(source="界面"))
    init_street(source, "示范街道")
    load_demo(source, "street", today=date(2026, 11, 23))
    files = {key: export_ledger(source, key, folder / f"{key}.xlsx").path for key in ORDER}
    originals = {key: _comparable(key, LEDGERS[key](source).list()) for key in ORDER}
    source.close()
    return folder, files, originals


def _comparable(key: str, records: list[dict]) -> list[tuple]:
    keys = [f.key for f in export_fields(key)]
    return sorted(tuple(str(r.get(k)) if r.get(k) not in ("", None) else "" for k in keys) for r in records)


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_imported_again_is_unchanged_in_every_row(exported, tmp_path, kind):
    folder, files, originals = exported
    copy = tmp_path / "demo.sqlite"
    copy.write_bytes((folder / "demo.sqlite").read_bytes())
    ledger = Ledger.open(copy, Actor(source="界面"))
    try:
        loaded = load(files[kind], kind)
        plan = preview(ledger, kind, loaded, layout_for(loaded, kind))
        assert plan.ok and plan.rows, plan.all_problems()[:3]
        assert {r.action for r in plan.rows} == {SAME}, [(r.row, [str(c) for c in r.changes]) for r in plan.rows
                                                         if r.action != SAME][:3]
        assert len(plan.rows) == len(originals[kind])
    finally:
        ledger.close()


def test_the_exports_fill_an_empty_database_with_the_same_records(exported, tmp_path):
    _folder, files, originals = exported
    target = Ledger.open(tmp_path / "empty.sqlite", Actor(source="界面"))
    init_street(target, "示范街道")
    try:
        for key in ORDER:
            loaded = load(files[key], key)
            plan, outcome = run_import(target, key, loaded, layout_for(loaded, key))
            assert {r.action for r in plan.rows} == {NEW}, key
            assert _comparable(key, LEDGERS[key](target).list()) == originals[key], key
    finally:
        target.close()


def test_the_service_records_name_their_member_and_count_in_the_members_page(ledger, tmp_path):
    _setup(ledger)
    rows, merges, _expected = MESSY["registration-services"]
    import_file(ledger, "registration-services", xlsx(tmp_path / "s.xlsx", [*TITLE, *rows], merges=merges))
    members = by(LEDGERS["registrations"](ledger).list(), "name")
    assert (members["张华"]["service_count"], members["张华"]["service_hours"]) == (2, Decimal("3.50"))
    assert (members["刘洋"]["service_count"], members["刘洋"]["service_hours"]) == (1, Decimal("0.00"))



def test_a_row_repeating_an_earlier_one_names_the_columns_as_the_clerk_knows_them(ledger, tmp_path):
    _setup(ledger)
    services = xlsx(tmp_path / "s.xlsx", [["姓名", "报到社区", "服务日期", "服务内容"],
                                          ["张华", "幸福社区", "2025-04-01", "清理楼道"],
                                          ["张华", "幸福社区", "2025-04-01", "清理楼道"]])
    activities = xlsx(tmp_path / "a.xlsx", [["日期", "所属社区", "队伍", "活动名称"],
                                            ["2025-04-01", "幸福社区", "红马甲服务队", "义诊"],
                                            ["2025-04-01", "幸福社区", "红马甲服务队", "义诊"]])
    for kind, path, why in (("registration-services", services, "第3行 姓名：与第2行重复（姓名、服务日期、服务内容相同）"),
                            ("activities", activities, "第3行 队伍：与第2行重复（队伍、日期、活动名称相同）")):
        with pytest.raises(ValidationError) as refused:
            import_file(ledger, kind, path)
        assert [str(p) for p in refused.value.problems] == [why]
