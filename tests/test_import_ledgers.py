"""Importing communities, party organisations, grids, funding, venues and budgets; matching on each ledger's key."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.access import CLERK, Actor
from ledger.errors import ValidationError
from ledger.importing import SAME, UPDATE, import_file, layout_for, load, preview
from ledger.models import Community, FundEntry, Grid, PartyOrg, Venue
from ledger.services import (BudgetService, CommunityService, FundService, GridService, PartyOrgService,
                             VenueService)
from tests.helpers import snapshot
from tests.workbooks import by, communities, csv_file, xlsx

COMMUNITY_ROWS = [
    ["幸福街道社区基本情况统计表"],
    ["填报单位：幸福街道办事处", None, None, None, "单位：户、人"],
    ["序号", "社区名称", "户 数", "常住人口", "辖区面积(平方公里)", "党组织书记"],
    ["1", "幸福社区", "1,200", "３４５６", "1.25", "王芳"],
    ["2", " 和平社区 ", "980", "2800", "0.8", None],
    ["合 计", None, "2180", "6256", None, None],
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "utf-16"])
def test_communities_from_csv_in_every_encoding(ledger, tmp_path, encoding):
    path = csv_file(tmp_path / "社区.csv", COMMUNITY_ROWS, encoding, "\t" if encoding == "utf-16" else ",")
    _plan, outcome = import_file(ledger, "communities", path)
    assert outcome.created == 2
    got = by(CommunityService(ledger).list(), "name")
    assert got["幸福社区"]["households"] == 1200 and got["幸福社区"]["population"] == 3456
    assert got["幸福社区"]["area_km2"] == Decimal("1.25") and got["幸福社区"]["party_secretary"] == "王芳"
    assert got["和平社区"]["households"] == 980 and got["和平社区"]["area_km2"] == Decimal("0.80")


def test_xlsx_saved_under_an_xls_name_is_read_as_xlsx(ledger, tmp_path):
    path = xlsx(tmp_path / "社区.xls", COMMUNITY_ROWS)
    assert import_file(ledger, "communities", path)[1].created == 2


def test_community_reimport_matches_by_name(ledger, tmp_path):
    import_file(ledger, "communities", xlsx(tmp_path / "c1.xlsx", COMMUNITY_ROWS))
    rows = [r[:] for r in COMMUNITY_ROWS]
    rows[4] = ["2", "和平社区", "1000", "2800", "0.8", "赵敏"]
    loaded = load(xlsx(tmp_path / "c2.xlsx", rows), "communities")
    plan = preview(ledger, "communities", loaded, layout_for(loaded, "communities"))
    assert [(r.label, r.action) for r in plan.rows] == [("幸福社区", SAME), ("和平社区", UPDATE)]
    assert [str(c) for c in plan.rows[1].changes] == ["户数：980 → 1000", "党组织书记：（空） → 赵敏"]


def test_grids_match_by_community_and_code_and_warn_about_households(ledger, tmp_path):
    communities(ledger, "幸福社区", "和平社区")
    header = ["所属社区", "网格编号", "网格名称", "网格类型", "户数", "网格长"]
    path = xlsx(tmp_path / "网格.xlsx", [
        ["网格划分台账"], header,
        ["幸福社区", "01", "第一网格", "片区", "450", "张三"],
        [None, "02", "第二网格", "楼院型", "200", None],
        ["和平社区", "01", "第一网格", "单元型", "480", None],
    ], merges=["A3:A4"])
    plan, outcome = import_file(ledger, "grids", path)
    assert outcome.created == 3
    assert [str(w) for w in plan.all_warnings()] == ["第4行 户数：户数200户，低于标准范围（300–600户）"]
    got = {(g["community"], g["code"]): g for g in GridService(ledger).list()}
    assert got[("幸福社区", "01")]["kind"] == "片区型" and got[("幸福社区", "02")]["households"] == 200
    assert got[("和平社区", "01")]["name"] == "第一网格"
    again = xlsx(tmp_path / "网格2.xlsx", [header, ["幸福社区", "02", "第二网格", "楼院型", "420", "李四"]])
    _plan, outcome = import_file(ledger, "grids", again)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert by(GridService(ledger).list(), "households")[420]["leader"] == "李四"


def test_party_organisations_with_parents_further_down_the_file(ledger, tmp_path):
    communities(ledger, "幸福社区")
    GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": "450"})
    path = xlsx(tmp_path / "党组织.xlsx", [
        ["党组织台账"],
        ["组织名称", "组织类别", "上级党组织", "所属社区", "所属网格", "党员人数", "正式党员数", "预备党员数", "换届时间"],
        ["第一网格党支部", "网格党支部", "幸福社区党委", "幸福社区", "01", 30, 28, 2, "2024.06"],
        ["幸福社区党委", "社区党委", "幸福街道党工委", "幸福社区", None, 320, 310, 10, "2021年7月"],
        ["幸福街道党工委", "街道党工委", None, None, None, None, None, None, "2021-09-01"],
    ])
    _plan, outcome = import_file(ledger, "orgs", path)
    assert outcome.created == 3
    orgs = by(PartyOrgService(ledger).list(), "name")
    top, committee, branch = orgs["幸福街道党工委"], orgs["幸福社区党委"], orgs["第一网格党支部"]
    assert top["parent_id"] is None and top["category"] == "党工委" and top["term_years"] == 5
    assert committee["parent_id"] == top["id"] and committee["category"] == "党委"
    assert committee["term_start"] == date(2021, 7, 1) and committee["term_years"] == 5
    assert branch["parent_id"] == committee["id"] and branch["grid"] == "第一网格" and branch["term_years"] == 3
    assert branch["members_total"] == 30
    # The same file again (confirmed): every organisation is found by 名称 + 上级 and nothing changes.
    _plan, outcome = import_file(ledger, "orgs", path, again=True)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 3)


def test_party_members_rule_is_the_services(ledger, tmp_path):
    path = xlsx(tmp_path / "党组织.xlsx", [["组织名称", "组织类别", "党员总数", "正式党员", "预备党员"],
                                            ["幸福街道党工委", "党工委", 10, 9, 3]])
    with pytest.raises(ValidationError) as info:
        import_file(ledger, "orgs", path)
    assert [str(p) for p in info.value.problems] == ["第2行 党员总数：正式党员9人加预备党员3人超过党员总数10人"]
    assert PartyOrgService(ledger).count() == 0


def test_funding_matches_by_voucher_and_reads_amounts_as_clerks_type_them(ledger, tmp_path):
    communities(ledger, "幸福社区")
    header = ["日期", "所属社区", "经费类别", "收支", "金额（元）", "凭证号", "支出类别", "摘要"]
    path = xlsx(tmp_path / "经费.xlsx", [
        ["2026年经费收支台账"], header,
        [date(2026, 3, 10), "幸福社区", "服务群众专项经费", "拨入", "100,000.00", "BR001", None, "拨付"],
        ["2026.3.15", "幸福社区", "党组织服务群众专项经费", "支出", "１２３４.５元", "ZC001", "党建工作", "主题党日"],
        ["2026-03-20", "幸福社区", "社区工作经费", "支", 88.8, None, "公共服务", "办公用品"],
        ["合计", None, None, None, 101323.3],
    ])
    _plan, outcome = import_file(ledger, "funds", path)
    assert outcome.created == 3
    got = {r["voucher_no"]: r for r in FundService(ledger).list()}
    assert got["BR001"]["amount"] == Decimal("100000.00") and got["BR001"]["category"] == "党组织服务群众专项经费"
    assert got["ZC001"]["amount"] == Decimal("1234.50") and got["ZC001"]["entry_date"] == date(2026, 3, 15)
    assert got[None]["amount"] == Decimal("88.80") and got[None]["direction"] == "支出"
    # Entries with a 凭证号 are matched; one without is new unless it repeats a stored entry (疑似重复), which
    # is added only when confirmed.
    _plan, outcome = import_file(ledger, "funds", path, again=True)
    assert (outcome.created, outcome.unchanged, outcome.duplicates) == (0, 2, 1)
    _plan, outcome = import_file(ledger, "funds", path, again=True, keep_duplicates=True)
    assert (outcome.created, outcome.unchanged) == (1, 2)


def test_funding_refusal_names_row_and_column(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "经费.xlsx", [["日期", "所属社区", "经费类别", "收支", "金额", "支出类别"],
                                          ["2026-03-01", "幸福社区", "社区工作经费", "拨入", "-5", None],
                                          ["2026-03-02", "幸福社区", "社区工作经费", "拨入", "500", "党建工作"]])
    before = snapshot(ledger, FundEntry)
    with pytest.raises(ValidationError) as info:
        import_file(ledger, "funds", path)
    assert [str(p) for p in info.value.problems] == ["第2行 金额：不能小于0.01", "第3行 支出类别：拨入的经费不填支出类别"]
    assert snapshot(ledger, FundEntry) == before


def test_venues_with_rooms_match_by_name_and_community(ledger, tmp_path):
    communities(ledger, "幸福社区")
    header = ["阵地名称", "所属社区", "层级", "类型", "建筑面积（㎡）", "服务户数", "功能室"]
    path = xlsx(tmp_path / "阵地.xlsx", [header, ["幸福社区党群服务中心", "幸福社区", "社区", "党群服务中心", "850.5", 2400,
                                                  "会议室(60)、活动室（80.5）、图书室"]])
    _plan, outcome = import_file(ledger, "venues", path)
    assert outcome.created == 1
    venue = VenueService(ledger).list()[0]
    assert venue["tier"] == "社区级" and venue["floor_area"] == Decimal("850.50")
    assert venue["rooms"] == [("会议室", Decimal("60.00")), ("活动室", Decimal("80.50")), ("图书室", None)]
    again = xlsx(tmp_path / "阵地2.xlsx", [header, ["幸福社区党群服务中心", "幸福社区", "社区级", "党群服务中心", "280", 2400,
                                                   "会议室(60)"]])
    loaded = load(again, "venues")
    plan = preview(ledger, "venues", loaded, layout_for(loaded, "venues"))
    assert [str(c) for c in plan.rows[0].changes] == ["建筑面积：850.50 → 280.00",
                                                      "功能室：会议室(60.00)、活动室(80.50)、图书室 → 会议室(60.00)"]
    assert [str(w) for w in plan.all_warnings()][0].startswith("第2行 建筑面积：社区党群服务中心未达标")
    import_file(ledger, "venues", again)
    assert VenueService(ledger).list()[0]["rooms"] == [("会议室", Decimal("60.00"))]


def test_budgets(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "预算.xlsx", [["年度", "社区", "经费类别", "预算金额"], ["2026年", "幸福社区", "社区工作经费", "200000"],
                                          [2026, "幸福社区", "网格经费", "50000"]])
    assert import_file(ledger, "budgets", path)[1].created == 2
    got = {b["category"]: b for b in BudgetService(ledger).list()}
    assert got["社区工作经费"]["amount"] == Decimal("200000.00") and got["社区工作经费"]["year"] == 2026
    assert got["网格化管理经费"]["amount"] == Decimal("50000.00")


def test_a_clerk_limited_to_one_community_imports_only_its_rows(ledger, tmp_path):
    ids = communities(ledger, "幸福社区", "和平社区")
    clerk = ledger.as_actor(Actor("小王", CLERK, ids["幸福社区"], "界面"))
    path = xlsx(tmp_path / "网格.xlsx", [["所属社区", "网格编号", "网格名称", "户数"],
                                          ["幸福社区", "01", "第一网格", 450], ["和平社区", "01", "第一网格", 450]])
    before = snapshot(clerk, Grid)
    with pytest.raises(ValidationError) as info:
        import_file(clerk, "grids", path)
    assert [str(p) for p in info.value.problems] == ["第3行 所属社区：您的账号只能录入幸福社区的记录"]
    assert snapshot(clerk, Grid) == before


def test_unknown_column_mapped_by_hand_is_remembered_for_the_same_layout(ledger, tmp_path):
    header = ["社区", "居民户数", "人口数"]
    first = xlsx(tmp_path / "a.xlsx", [header, ["幸福社区", 1200, 3000]])
    loaded = load(first, "communities")
    layout = layout_for(loaded, "communities")
    unknown = [c for c in layout.columns if c.field is None]
    assert [c.header for c in unknown] == ["居民户数", "人口数"]
    from ledger.importing import remember_layout, run_import
    layout = layout_for(loaded, "communities", mapping={1: "households", 2: "population"})
    run_import(ledger, "communities", loaded, layout)
    remember_layout("communities", layout)
    second = xlsx(tmp_path / "b.xlsx", [["另一个月的标题"], header, ["和平社区", 900, 2500]])
    again = layout_for(load(second, "communities"), "communities")
    assert again.remembered and again.mapping() == {0: "name", 1: "households", 2: "population"}
    import_file(ledger, "communities", second)
    assert by(CommunityService(ledger).list(), "name")["和平社区"]["population"] == 2500


def test_nothing_written_for_any_ledger_when_one_row_is_bad(ledger, tmp_path):
    communities(ledger, "幸福社区")
    path = xlsx(tmp_path / "阵地.xlsx", [["阵地名称", "所属社区", "建筑面积"], ["驿站一", "幸福社区", 100],
                                          ["驿站二", "幸福社区", "一百"]])
    before = [snapshot(ledger, m) for m in (Venue, Community, PartyOrg)]
    with pytest.raises(ValidationError) as info:
        import_file(ledger, "venues", path)
    assert [str(p) for p in info.value.problems] == ["第3行 建筑面积：“一百”不是数字"]
    assert [snapshot(ledger, m) for m in (Venue, Community, PartyOrg)] == before
