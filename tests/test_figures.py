"""One street, every screen and report: the 首页, the ledger pages' footers, the quarterly xlsx and PDF state the
same figures, worked out by hand below; and `check` names a community whose 户数 and grids disagree."""
from __future__ import annotations

import re
import subprocess
from datetime import date

import openpyxl
import pytest

from exports.quarterly_pdf import write_quarterly_pdf
from exports.quarterly_xlsx import write_quarterly_xlsx
from ledger import quarter
from ledger.figures import households_gap
from ledger.quarter import Quarter
from ledger.services import (BudgetService, CommunityService, FundService, GridService, PartyOrgService, VenueService,
                             WorkerService)
from ledger.services.checks import run_checks
from tests.helpers import shown_window, worker
from ui import messages, tasks

TODAY = date.today()
THIS_YEAR = date(TODAY.year, 1, 1)     # on or before today, inside this year and its current quarter's span


def build_street(ledger) -> None:
    """Two communities: nested party organisations, grids whose 户数 differ from the community's, funds, venues."""
    communities, grids, orgs = CommunityService(ledger), GridService(ledger), PartyOrgService(ledger)
    communities.create({"name": "东风社区", "code": "001", "households": 1000})
    communities.create({"name": "西湖社区", "code": "002", "households": 2000})
    for community, code, households in [("东风社区", "01", 450), ("东风社区", "02", 500),       # 950: 5.0% off
                                        ("西湖社区", "01", 600), ("西湖社区", "02", 580),
                                        ("西湖社区", "03", 560)]:                            # 1,740: 13.0% off
        grids.create({"community": community, "code": code, "name": f"第{code}网格", "households": households})

    def org(name, category, parent=None, community=None, members=None):
        orgs.create({"name": name, "category": category, "parent": parent, "community": community,
                     "members_total": members})

    org("测试街道党工委", "党工委", members=400)                                     # the street's: no community
    org("东风社区党委", "党委", "测试街道党工委", "东风社区", 60)                        # states its branches' total
    org("东风第一网格党支部", "网格党支部", "东风社区党委", "东风社区", 25)
    org("1号楼党小组", "楼栋党小组", "东风第一网格党支部", "东风社区", 6)
    org("2号楼党小组", "楼栋党小组", "东风第一网格党支部", "东风社区", 5)
    org("东风老年党支部", "党支部", "东风社区党委", "东风社区", 20)
    org("西湖社区党总支", "党总支", "测试街道党工委", "西湖社区")                        # leaves 党员总数 blank
    org("西湖第一网格党支部", "网格党支部", "西湖社区党总支", "西湖社区", 18)
    org("3号楼党小组", "楼栋党小组", "西湖第一网格党支部", "西湖社区", 7)             # inside the branch's 18
    org("西湖联合党支部", "联合党支部", "西湖社区党总支", "西湖社区", 12)
    org("西湖小区党支部", "小区党支部", "西湖社区党总支", "西湖社区")                    # blank too …
    org("5号楼党小组", "楼栋党小组", "西湖小区党支部", "西湖社区", 4)                 # … so its group's 4 count

    workers = WorkerService(ledger)
    workers.create(worker("东风社区", name="东书记", title="书记", post="一岗", level="9", id_number=_id(1)))
    workers.create(worker("东风社区", name="东网格员", title="专职网格员", post="三岗", level="3", id_number=_id(2)))
    workers.create(worker("西湖社区", name="西主任", title="主任", post="一岗", level="8", id_number=_id(3)))
    workers.create(worker("西湖社区", name="西离职", post="三岗", level="2", id_number=_id(4), status="离职"))

    BudgetService(ledger).create({"year": TODAY.year, "community": "东风社区", "category": "社区工作经费",
                                  "amount": "100000"})
    BudgetService(ledger).create({"year": TODAY.year, "community": "西湖社区", "category": "党组织服务群众专项经费",
                                  "amount": "150000"})
    funds = FundService(ledger)
    for day, community, category, direction, amount in [
            (THIS_YEAR, "东风社区", "社区工作经费", "拨入", "60000"),
            (THIS_YEAR, "东风社区", "社区工作经费", "支出", "12345.67"),
            (THIS_YEAR, "西湖社区", "党组织服务群众专项经费", "拨入", "100000"),
            (THIS_YEAR, "西湖社区", "党组织服务群众专项经费", "支出", "45678.90"),
            (date(TODAY.year - 1, 12, 31), "西湖社区", "党组织服务群众专项经费", "支出", "999.99")]:  # last year
        funds.create({"entry_date": day.isoformat(), "community": community, "category": category,
                      "direction": direction, "amount": amount})

    venues = VenueService(ledger)
    venues.create({"name": "东风社区党群服务中心", "community": "东风社区", "tier": "社区级", "kind": "党群服务中心",
                   "floor_area": "420", "households_served": 1000})       # 42 m² per 100 households: 达标
    venues.create({"name": "东风邻里驿站", "community": "东风社区", "tier": "小区", "kind": "社区服务驿站",
                   "floor_area": "80.50"})
    venues.create({"name": "西湖社区党群服务中心", "community": "西湖社区", "tier": "社区级", "kind": "党群服务中心",
                   "floor_area": "350", "households_served": 2000})       # 17.5 m² per 100: 未达标


def _id(n: int) -> str:
    from ledger.idcard import make_id
    return make_id("110105", date(1980 + n, 5, 1), 300 + n)


# By hand:
#   户数 1,000 + 2,000 = 3,000 (the 社区 ledger's); 网格户数合计 950 + 1,740 = 2,690; 网格 5
#   党组织 东风 党委 + 网格党支部 + 党支部 = 3, 西湖 党总支 + 网格党支部 + 联合党支部 + 小区党支部 = 4: 7;
#     by column 党委 1, 党总支 1, 党支部 (党支部, 联合, 小区) 3, 网格党支部 2; 党小组 2 + 2 = 4, apart;
#     党支部 of every kind 5; the street's 党工委 belongs to no community
#   党员 东风 60 (its branches inside); 西湖 left blank: 18 + 12 + the 小区党支部's blank made up by its group's 4
#     = 34; together 94 (the old 首页 summed the 党委/党总支 figures: 60)
#   经费 预算 250,000.00, 拨入 160,000.00, 支出 12,345.67 + 45,678.90 = 58,024.57 (not last year's 999.99),
#     执行率 58,024.57 ÷ 250,000 = 23.2098…% → 23.2%
#   阵地 3, 建筑面积 420 + 80.50 + 350 = 850.50 m², 达标 1 of 2 judged; 在岗社区工作者 3
HOUSEHOLDS, GRID_HOUSEHOLDS, GRIDS = 3000, 2690, 5
ORGS, GROUPS, BRANCHES, MEMBERS = 7, 4, 5, 94
BUDGET, ALLOCATED, SPENT, RATE = "250,000.00", "160,000.00", "58,024.57", "23.2"
VENUES, AREA, WORKERS = 3, "850.50", 3


@pytest.fixture
def window(qtbot, ledger, monkeypatch):
    monkeypatch.setattr(messages, "warn", lambda *a, **k: pytest.fail(f"unexpected warning {a}"))
    build_street(ledger)
    with shown_window(qtbot, ledger) as win:
        yield win


def _page(qtbot, window, key):
    page = window.show_page(key)
    page = getattr(page, "entries", page)
    qtbot.waitUntil(lambda: page.table is not None and page.loading is None and not tasks.running_tasks())
    return page


def _footer(page) -> dict[str, str]:
    """The footer as {label: figure}: '共 5 个　　户数：2,690户' -> {'共': '5 个', '户数': '2,690户'}."""
    parts = page.footer.text().split("　　")
    out = {"共": parts[0].removeprefix("共 ")}
    out.update(part.split("：", 1) for part in parts[1:])
    return out


def test_every_screen_and_report_states_the_same_figures(qtbot, ledger, window, tmp_path):
    # the 首页
    home = window.show_page("home")
    qtbot.waitUntil(lambda: not home.stale and not tasks.running_tasks())
    cards = {key: (card.figure.text(), card.detail.text()) for key, card in home.cards.items()}
    assert cards["communities"] == ("2 个", f"户数 {HOUSEHOLDS:,} 户")
    assert cards["grids"] == (f"{GRIDS} 个", f"网格户数合计 {GRID_HOUSEHOLDS:,} 户，平均每个网格 538 户")
    assert cards["orgs"] == (f"{ORGS} 个", f"其中党支部 {BRANCHES} 个；另有党小组 {GROUPS} 个；党员 {MEMBERS} 人")
    assert cards["workers"][0] == f"{WORKERS} 人"
    assert cards["funds"] == (f"{RATE}%", f"预算 {BUDGET} 元，拨入 {ALLOCATED} 元，支出 {SPENT} 元")
    assert cards["venues"] == (f"{VENUES} 个", f"建筑面积合计 {AREA} 平方米")

    # the ledger pages' footers
    assert _footer(_page(qtbot, window, "communities")) == {
        "共": "2 个", "户数": f"{HOUSEHOLDS:,}户", "常住人口": "0人", "辖区面积": "0.00平方公里"}
    grids = _footer(_page(qtbot, window, "grids"))
    assert (grids["共"], grids["户数"]) == (f"{GRIDS} 个", f"{GRID_HOUSEHOLDS:,}户")
    assert _footer(_page(qtbot, window, "orgs")) == {"共": "12 条", "社区党组织": f"{ORGS}个", "党小组": f"{GROUPS}个"}
    funds = _page(qtbot, window, "funds")
    funds.facet_boxes["年度"].setCurrentText(f"{TODAY.year}年")
    assert _footer(funds) == {"共": "4 条（全部 5 条）", "拨入合计": f"{ALLOCATED}元", "支出合计": f"{SPENT}元"}
    assert _footer(_page(qtbot, window, "venues")) == {"共": f"{VENUES} 个", "建筑面积": f"{AREA}平方米"}

    # the quarterly workbook: the 合计 row
    report = quarter.report(ledger, Quarter.containing(TODAY))
    write_quarterly_xlsx(report, tmp_path / "季度.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "季度.xlsx").active
    header = [ws.cell(8, c).value or ws.cell(7, c).value for c in range(1, ws.max_column + 1)]
    total = next(dict(zip(header, row)) for row in ws.iter_rows(min_row=9, values_only=True) if row[0] == "合计")
    assert [total[k] for k in ("党委", "党总支", "党支部", "网格\n党支部")] == [1, 1, 3, 2]   # 7 党组织
    assert total["党小组\n（个）"] == GROUPS
    assert (total["党员数\n（人）"], total["网格数\n（个）"], total["户数\n（户）"]) == (MEMBERS, GRIDS, HOUSEHOLDS)
    assert total["小计"] == WORKERS
    assert [f"{total[k]:,.2f}" for k in ("年度预算", "拨入", "支出")] == [BUDGET, ALLOCATED, SPENT]
    assert str(total["执行率\n（%）"]) == RATE
    area = total["面积\n（平方米）"]
    assert (f"{area:,.2f}", total["达标"]) == (AREA, "1/2")

    # the quarterly PDF
    out = write_quarterly_pdf(report, tmp_path / "季度.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert (f"全街道共有社区2个、网格{GRIDS}个、户数{HOUSEHOLDS:,}户；党组织{ORGS}个（另有党小组{GROUPS}个），"
            f"党员{MEMBERS}名。在岗社区工作者{WORKERS}名") in flat
    assert f"预算执行率{RATE}%" in flat
    #        党委 党总支 党支部 网格党支部 党小组 党员 网格 户数 网格员 一岗 二岗 三岗 小计
    assert f"合计1132{GROUPS}{MEMBERS}{GRIDS}{HOUSEHOLDS}1201{WORKERS}{BUDGET}{ALLOCATED}{SPENT}" in flat
    assert f"{RATE}{AREA}1/2" in flat


def test_check_names_the_community_whose_grids_disagree(ledger):
    build_street(ledger)
    found = [(f.severity, f.label, f.message) for f in run_checks(ledger).findings if f.ledger == "communities"]
    assert found == [("警告", "西湖社区",
                      "社区台账户数2,000户，网格户数合计1,740户，相差260户（13.0%），超过5%")]   # 东风's 5.0% is within


def test_households_gap_against_the_tolerance():
    assert households_gap(1000, 950, 5) is None                  # exactly 5%: within
    assert households_gap(1000, 949, 5) == "社区台账户数1,000户，网格户数合计949户，相差51户（5.1%），超过5%"
    assert households_gap(1000, 1051, 5) is not None             # more households in the grids than stated
    assert households_gap(None, 520, 5) == "社区台账未填户数，网格户数合计520户"
    assert households_gap(800, 0, 5) is None                      # no grids yet: nothing to compare
    assert households_gap(1000, 1080, 10) is None                 # an office's own tolerance
