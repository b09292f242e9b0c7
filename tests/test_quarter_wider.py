"""季度统计汇总 with the wider ledgers: figures worked out by hand on a small street, in the xlsx and the PDF, frozen
on close; and quarters closed before these columns existed reprint exactly as they were closed."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import insert

from exports.quarterly_pdf import write_quarterly_pdf
from exports.quarterly_xlsx import write_quarterly_xlsx
from ledger import quarter
from ledger.idcard import make_id
from ledger.models import QuarterSnapshot
from ledger.services import LEDGERS
from tests.test_quarter import AFTER_Q3, Q3, build_street

FIRST_ROW = 9
# 共建单位, 项目实施中, 项目已完成, 报到党员, 志愿服务队, 活动次数, 服务人次, then (after 民生诉求's six, which
# tests/test_quarter_cases.py works out) 小区, 红色物业覆盖率
WIDER = slice(22, 29)
ESTATES = slice(35, 37)


def build_wider(ledger) -> None:
    """The wider ledgers of build_street's two communities; the figures below are worked out from these rows."""
    orgs = {o["name"]: o for o in LEDGERS["orgs"](ledger).list()}
    # 甲 keeps registrations, so its 党委's figure is not used; 乙 keeps none: its 党支部's 6 (the 小区党支部's 2
    # are inside them) are its 报到党员
    for name, reported in (("甲社区党委", 25), ("乙社区党支部", 6), ("乙社区小区党支部", 2)):
        LEDGERS["orgs"](ledger).update(orgs[name]["id"], {"members_reported": reported})
    partners = LEDGERS["partners"](ledger)
    for name, signed, expires in (("区税务局", "2025-01-01", "2027-12-31"), ("供电公司", "2026-08-01", None),
                                  ("华联超市", "2026-10-08", None),                 # signed after the quarter
                                  ("第一中学", "2022-09-01", "2025-08-31")):        # expired before it
        partners.create({"name": name, "community": "甲社区", "signed_on": signed, "expires_on": expires})
    projects = LEDGERS["projects"](ledger)
    for name, kind, status, start, end in (("加装电梯", "项目", "已完成", "2026-03-01", "2026-08-15"),
                                           ("四点半课堂", "项目", "实施中", "2026-05-01", None),
                                           ("广场改造", "项目", "实施中", "2026-10-01", None),   # starts in Q4
                                           ("停车规划", "项目", "征集中", None, None),
                                           ("老年助餐", "需求", "实施中", None, None)):          # a need, not a project
        projects.create({"name": name, "community": "甲社区", "list_type": kind, "status": status, "start_on": start,
                         "end_on": end})
    members = LEDGERS["registrations"](ledger)
    for n, (name, day, status) in enumerate((("张华", "2025-03-01", "在册"), ("李明", "2026-07-01", "在册"),
                                             ("王芳", "2024-01-01", "已转出"), ("赵敏", "2026-10-10", "在册"))):
        members.create({"name": name, "id_number": make_id("150206", date(1980 + n, 1, 1), 10 + n),
                        "employer": "区税务局", "community": "甲社区", "registered_on": day, "status": status})
    teams = LEDGERS["teams"](ledger)
    teams.create({"name": "红马甲", "community": "甲社区", "founded_on": "2020-01-01"})
    teams.create({"name": "夕阳红", "community": "甲社区", "founded_on": "2026-11-01"})      # founded after Q3
    teams.create({"name": "巡逻队", "community": "乙社区"})
    activities = LEDGERS["activities"](ledger)
    for day, served in (("2026-01-15", 100), ("2026-06-30", 50), ("2026-09-30", 30), ("2026-10-01", 999),
                        ("2025-12-31", 77)):
        activities.create({"held_on": day, "community": "甲社区", "team": "红马甲", "name": f"活动{day}",
                           "served": served})
    estates = LEDGERS["estates"](ledger)
    for name, community, red in (("幸福家园", "甲社区", "是"), ("阳光花园", "甲社区", "否"), ("和平苑", "甲社区", "是"),
                                 ("乙小区", "乙社区", "否")):
        estates.create({"name": name, "community": community, "red_property": red})


@pytest.fixture
def street(ledger):
    build_street(ledger)
    build_wider(ledger)
    return ledger


def test_the_wider_figures_by_hand(street):
    f = quarter.figures(street, Q3)
    a, b = f.rows
    # 甲: 区税务局 and 供电公司 in force; 课堂 under way, 电梯 finished on 15 August; 张华 and 李明 在册 (王芳 left,
    # 赵敏 came in October); 红马甲 (夕阳红 founded in November); three activities this year to September (not
    # October's, not last December's), 100 + 50 + 30 人次; three estates, two of them 红色物业
    assert (a.partners, a.projects_active, a.projects_done) == (2, 1, 1)
    assert (a.reported, a.reported_by_orgs) == (2, 0)
    assert (a.teams, a.activities, a.service_visits) == (1, 3, 180)
    assert (a.estates, a.red_estates, a.red_coverage) == (3, 2, Decimal("66.7"))
    # 乙: no registrations, so its 党支部's 6; its team, no activities; one estate, not red
    assert (b.reported, b.reported_by_orgs, b.teams, b.activities, b.estates, b.red_coverage) == (6, 1, 1, 0, 1,
                                                                                               Decimal("0.0"))
    t = f.total
    assert (t.partners, t.projects_active, t.projects_done, t.reported, t.teams) == (2, 1, 1, 8, 2)
    assert (t.activities, t.service_visits, t.estates, t.red_estates) == (3, 180, 4, 2)
    assert t.red_coverage == Decimal("50.0")          # 2 of 4, from the sums, not the rows' rates added up
    before = quarter.figures(street, "2026-Q2").rows[0]
    assert (before.partners, before.projects_active, before.projects_done, before.reported) == (1, 2, 0, 1)
    assert (before.activities, before.service_visits) == (2, 150)


def test_change_against_the_previous_quarter(street):
    report = quarter.report(street, Q3)
    assert [report.change(k) for k in ("partners", "projects_active", "reported", "activities", "service_visits",
                                       "red_coverage")] == [1, -1, 1, 1, 30, 0]
    assert quarter.report(street, "2026-Q1").change("activities") is None   # counted from January


def _table(ws) -> list[tuple]:
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        rows.append(row)
        if row[0] == "合计":
            return rows
    return rows


def test_the_workbook_has_the_wider_columns(street, tmp_path):
    out = tmp_path / "季度.xlsx"
    write_quarterly_xlsx(quarter.report(street, Q3), out)
    ws = openpyxl.load_workbook(out).active
    assert [ws.cell(7, c).value for c in (23, 26, 27, 36)] == ["共建单位和项目", "报到\n党员\n（人）", "志愿服务", "小区"]
    assert ws.cell(8, 28).value == "活动次数\n（1—9月）" and ws.cell(8, 29).value == "服务人次\n（1—9月）"
    a, b, total = _table(ws)
    assert a[WIDER] + a[ESTATES] == (2, 1, 1, 2, 1, 3, 180, 3, 66.7)
    assert b[WIDER] + b[ESTATES] == (0, 0, 0, 6, 1, 0, 0, 1, 0)
    assert total[WIDER] + total[ESTATES] == (2, 1, 1, 8, 2, 3, 180, 4, 50)
    assert ws.cell(FIRST_ROW, 37).number_format == "0.0"
    changes, notes = ws["A12"].value, ws["A13"].value
    assert "共建单位+1家，实施中共建项目−1项，报到在职党员+1人，志愿服务活动+1次，志愿服务人次+30人次，红色物业覆盖率持平" in changes
    assert "乙社区尚未建立报到台账，按党组织台账填报的在职党员报到数统计" in notes
    assert "志愿服务活动次数和服务人次为2026年1—9月累计数" in notes


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "").replace("\n", "")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_pdf_has_the_wider_table_and_says_whose_figure_stands_in(street, tmp_path):
    text = _text(write_quarterly_pdf(quarter.report(street, Q3), tmp_path / "季度.pdf"))
    assert ("共建单位2家，共建项目实施中1项、已完成1项；报到在职党员8名；志愿服务队2支，1—9月开展活动3次、服务群众180人次；"
            "小区4个，红色物业覆盖率50.0%。") in text
    assert "测试街道各社区共建、报到、志愿服务与民生诉求情况统计表" in text
    #  序号 社区 共建单位 实施中 已完成 报到党员 队伍 活动 人次 | 受理 办结 办结率 按期办结率 满意率 超期未结 | 小区 覆盖率
    assert "1甲社区211213180" "00———0" "366.7" in text
    assert "2乙社区0006*100" "00———0" "10.0" in text             # the 党组织's figure, marked
    assert "合计211823180" "00———0" "450.0" in text
    assert "标*的为按党组织填报的在职党员报到数" in text and "较上季度+1家" in text


def test_the_wider_figures_are_frozen_with_the_quarter(street, tmp_path):
    quarter.close_quarter(street, Q3, today=AFTER_Q3)
    write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "before.xlsx")
    LEDGERS["partners"](street).create({"name": "燃气公司", "community": "甲社区", "signed_on": "2026-05-01"})
    LEDGERS["activities"](street).create({"held_on": "2026-08-01", "community": "甲社区", "team": "红马甲",
                                          "name": "补录活动", "served": 500})
    estate = next(e for e in LEDGERS["estates"](street).list() if e["name"] == "阳光花园")
    LEDGERS["estates"](street).update(estate["id"], {"red_property": "是"})
    LEDGERS["registrations"](street).create({"name": "孙丽", "employer": "燃气公司", "community": "乙社区",
                                             "registered_on": "2026-02-01"})
    frozen = quarter.report(street, Q3).figures
    assert (frozen.total.partners, frozen.total.service_visits, frozen.total.red_coverage) == (2, 180, Decimal("50.0"))
    assert (frozen.rows[1].reported, frozen.rows[1].reported_by_orgs) == (6, 1)
    write_quarterly_xlsx(quarter.report(street, Q3), tmp_path / "after.xlsx")
    before = openpyxl.load_workbook(tmp_path / "before.xlsx").active
    after = openpyxl.load_workbook(tmp_path / "after.xlsx").active
    assert _table(after) == _table(before) and after["A13"].value == before["A13"].value
    with street.reading() as session:
        live = quarter.compute(session, Q3).total
    # the ledgers now say: 3 units, 680 人次, 3 of 4 estates red, 乙's one registered member
    assert (live.partners, live.service_visits, live.red_coverage, live.reported) == (3, 680, Decimal("75.0"), 3)


# --- quarters closed by the release before the wider ledgers (snapshot version 2) ---------------------------------
V2 = Path(__file__).parent / "data" / "quarter_v2"


def _store_as_the_previous_release_did(ledger) -> None:
    """2026-Q2 and Q3 of build_street as the version-2 release closed them (tests/data/quarter_v2, with the Q3
    workbook it printed)."""
    stored = json.loads((V2 / "snapshots.json").read_text(encoding="utf-8"))
    with ledger.unit("quarter.close") as session:
        for code, snap in stored.items():
            session.execute(insert(QuarterSnapshot).values(
                quarter=code, closed_at=datetime.fromisoformat(snap["closed_at"]), closed_by=snap["closed_by"],
                figures=snap["figures"]))


def _cells(ws) -> list[list]:
    """Every cell's value but the 报出日期 (the day of printing)."""
    return [[None if isinstance(c.value, str) and c.value.startswith("报出日期：") else c.value for c in row]
            for row in ws.iter_rows()]


def test_a_quarter_closed_before_the_wider_ledgers_reprints_as_it_was_closed(street, tmp_path, writes_around):
    _store_as_the_previous_release_did(street)      # today's ledgers have the wider records; Q3 was closed without
    report = quarter.report(street, Q3)
    assert report.figures.version == 2 and not report.figures.wider
    assert [i.key for i in report.indicators][-1] == "large_share" and "partners" not in report.values
    write_quarterly_xlsx(report, tmp_path / "reprint.xlsx")
    printed = openpyxl.load_workbook(V2 / "2026-Q3.xlsx").active
    reprint = openpyxl.load_workbook(tmp_path / "reprint.xlsx").active
    assert _cells(reprint) == _cells(printed)
    assert {str(r) for r in reprint.merged_cells.ranges} == {str(r) for r in printed.merged_cells.ranges}
    assert reprint.max_column == 22
    if shutil.which("pdftotext"):
        text = _text(write_quarterly_pdf(report, tmp_path / "reprint.pdf"))
        assert "共建、报到与志愿服务" not in text and "共建单位" not in text and "红色物业" not in text
        assert "户数1,200户；党组织4个（另有党小组1个），党员38名。" in text


def test_the_next_close_after_them_states_the_wider_figures_without_comparing_them(street, tmp_path, writes_around):
    _store_as_the_previous_release_did(street)
    quarter.close_quarter(street, "2026-Q4", today=date(2027, 1, 5))
    report = quarter.report(street, "2026-Q4")
    assert report.figures.version == quarter.SNAPSHOT_VERSION == 3
    assert report.values["partners"] == 3 and report.change("partners") is None    # Q3 kept no 共建单位
    assert report.change("orgs") == 1
    write_quarterly_xlsx(report, tmp_path / "q4.xlsx")
    changes = openpyxl.load_workbook(tmp_path / "q4.xlsx").active["A12"].value
    assert changes.startswith("补充资料：与2026年第三季度（已关账数据）相比：党组织+1个") and "共建单位" not in changes
