"""季度统计: figures worked out by hand on a small street, and a closed quarter that stays as it was closed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ledger import quarter
from ledger.access import LEADER, Actor
from ledger.errors import PermissionDenied
from ledger.models import AuditEntry
from ledger.quarter import Quarter, QuarterError
from ledger.services import (BudgetService, CommunityService, FundService, GridService, PartyOrgService, VenueService,
                             WorkerService)
from tests.helpers import worker

Q3 = Quarter(2026, 3)
AFTER_Q3 = date(2026, 10, 15)


def build_street(ledger) -> None:
    """Two communities whose figures are worked out by hand in the tests below."""
    communities, grids, orgs = CommunityService(ledger), GridService(ledger), PartyOrgService(ledger)
    communities.create({"name": "甲社区", "code": "001", "households": 1200})
    communities.create({"name": "乙社区", "code": "002"})                    # 户数 blank: not the grids' sum
    grids.create({"community": "甲社区", "code": "01", "name": "第一网格", "households": 450})
    grids.create({"community": "甲社区", "code": "02", "name": "第二网格", "households": 380})
    grids.create({"community": "乙社区", "code": "01", "name": "第一网格", "households": 520})

    orgs.create({"name": "测试街道党工委", "category": "党工委", "members_total": 500})   # street level: no community
    orgs.create({"name": "甲社区党委", "category": "党委", "parent": "测试街道党工委", "community": "甲社区",
                 "members_total": 30, "members_full": 28, "members_probation": 2, "founded_on": "2010-01-01"})
    orgs.create({"name": "第一网格党支部", "category": "网格党支部", "parent": "甲社区党委", "community": "甲社区",
                 "grid": "01", "members_total": 12, "founded_on": "2018-05-01"})      # its members are in the 党委's 30
    orgs.create({"name": "1号楼党小组", "category": "楼栋党小组", "parent": "第一网格党支部", "community": "甲社区",
                 "members_total": 5})
    orgs.create({"name": "甲社区老年党支部", "category": "党支部", "parent": "甲社区党委", "community": "甲社区",
                 "members_total": 9, "founded_on": "2026-11-01"})                    # founded after the quarter
    orgs.create({"name": "乙社区党支部", "category": "党支部", "parent": "测试街道党工委", "community": "乙社区",
                 "members_total": 8, "founded_on": "2015-03-01"})
    orgs.create({"name": "乙社区小区党支部", "category": "小区党支部", "parent": "乙社区党支部", "community": "乙社区",
                 "members_total": 3, "founded_on": "2026-08-01"})                    # new in the third quarter

    workers = WorkerService(ledger)
    workers.create(worker("甲社区", name="甲书记", title="书记", post="一岗", level="9", dual_role="是",
                          id_number=_id(1), started_on="2020-01-01"))
    workers.create(worker("甲社区", name="甲副主任", title="副主任", post="二岗", level="6", id_number=_id(2),
                          started_on="2021-04-01"))
    workers.create(worker("甲社区", name="甲网格员", title="专职网格员", post="三岗", level="3", id_number=_id(3),
                          started_on="2019-07-01"))
    workers.create(worker("甲社区", name="甲新人", title="专职网格员", post="三岗", level="1", id_number=_id(4),
                          started_on="2026-10-05"))                                  # started after the quarter
    workers.create(worker("甲社区", name="甲离职", title="社区工作者", post="三岗", level="2", id_number=_id(5),
                          started_on="2018-01-01", status="离职"))

    BudgetService(ledger).create({"year": 2026, "community": "甲社区", "category": "社区工作经费", "amount": "100000"})
    funds = FundService(ledger)
    for day, who, category, direction, amount in [
            ("2026-03-10", "甲社区", "社区工作经费", "拨入", "50000"),
            ("2026-06-30", "甲社区", "社区工作经费", "支出", "12345.67"),
            ("2026-09-30", "甲社区", "社区工作经费", "支出", "2000"),
            ("2026-10-01", "甲社区", "社区工作经费", "支出", "1000"),          # the fourth quarter
            ("2025-12-31", "甲社区", "社区工作经费", "支出", "500"),           # last year
            ("2026-08-15", "乙社区", "其他", "拨入", "20000")]:                # no budget: no 执行率
        funds.create({"entry_date": day, "community": who, "category": category, "direction": direction,
                      "amount": amount})

    venues = VenueService(ledger)
    venues.create({"name": "甲社区党群服务中心", "community": "甲社区", "tier": "社区级", "kind": "党群服务中心",
                   "floor_area": "400", "households_served": 1000})              # 40 m² per 100 households: meets
    venues.create({"name": "甲社区邻里驿站", "community": "甲社区", "tier": "小区", "kind": "社区服务驿站",
                   "floor_area": "60"})
    venues.create({"name": "乙社区党群服务中心", "community": "乙社区", "tier": "社区级", "kind": "党群服务中心",
                   "floor_area": "250", "households_served": 600})               # under 300 m²: fails


def _id(n: int) -> str:
    from ledger.idcard import make_id
    return make_id("110105", date(1980 + n, 3, 1), 100 + n)


@pytest.fixture
def street(ledger):
    build_street(ledger)
    return ledger


def test_quarter_parsing_and_dates():
    assert Quarter.parse("2026-Q3") == Quarter(2026, 3) == Quarter.parse("2026q3") == Quarter.parse("2026年第三季度")
    assert Quarter.parse("2026年第3季度") == Quarter(2026, 3)
    assert Quarter(2026, 3).last_day == date(2026, 9, 30) and Quarter(2026, 4).last_day == date(2026, 12, 31)
    assert Quarter(2026, 1).previous == Quarter(2025, 4)
    assert Quarter(2026, 3).label == "2026年第三季度" and Quarter(2026, 3).months_label == "1—9月"
    for bad in ("2026-Q5", "26-Q1", "第三季度", ""):
        with pytest.raises(QuarterError, match="不是有效的季度"):
            Quarter.parse(bad)


def test_figures_by_hand(street):
    f = quarter.figures(street, "2026-Q3")
    assert f.is_open and f.street == "测试街道" and f.posts == ("一岗", "二岗", "三岗")
    a, b = f.rows
    assert (a.name, b.name) == ("甲社区", "乙社区")
    # 甲: 党委 + 网格党支部 + 党小组; the 老年党支部 was founded in November
    assert a.orgs == {"党委": 1, "网格党支部": 1, "楼栋党小组": 1}
    assert (a.org_total, a.party_groups) == (2, 1)   # a 党小组 is part of its 支部, not a 党组织
    assert a.members == 30            # the branch's 12 and the group's 5 are inside the 党委's 30
    assert (a.grids, a.households, a.grid_households) == (2, 1200, 830)   # 户数 is the 社区 ledger's own
    assert a.workers == {"一岗": 1, "二岗": 1, "三岗": 1} and a.grid_workers == 1
    assert a.fund.budget == Decimal("100000.00")
    assert a.fund.allocated == Decimal("50000.00")
    assert a.fund.spent == Decimal("14345.67")        # 12,345.67 + 2,000.00, not October's nor last year's
    assert a.fund.balance == Decimal("35654.33")
    assert a.fund.execution_rate == Decimal("14.3")
    assert (a.venue_area, a.venues, a.venues_judged, a.venues_met) == (Decimal("460.00"), 2, 1, 1)
    assert a.meets_standard is True
    # 乙: its 党支部 hangs under the street's 党工委, so its 8 members are its own
    assert b.orgs == {"党支部": 1, "小区党支部": 1} and b.members == 8
    assert (b.grids, b.households, b.grid_households) == (1, None, 520)   # left blank: unknown, not 520
    assert b.workers_total == 0
    assert (b.fund.allocated, b.fund.spent, b.fund.execution_rate) == (Decimal("20000.00"), 0, None)
    assert b.meets_standard is False

    t = f.total
    assert (t.org_total, t.party_groups, t.members, t.grids) == (4, 1, 38, 3)
    assert (t.households, t.grid_households) == (1200, 1350)
    assert t.org_column("党支部") == 2 and t.org_column("党委") == 1
    assert (t.workers_total, t.grid_workers) == (3, 1)
    assert (t.fund.budget, t.fund.allocated, t.fund.spent) == (Decimal("100000.00"), Decimal("70000.00"),
                                                                Decimal("14345.67"))
    assert t.fund.execution_rate == Decimal("14.3")   # recomputed from the sums, not added up
    assert (t.venue_area, t.venues_met, t.venues_judged) == (Decimal("710.00"), 1, 2)
    values = quarter.indicator_values(f)
    assert values["venue_avg"] == Decimal("355.00") and values["large_share"] == Decimal("0.0")


def test_change_against_the_previous_quarter(street):
    report = quarter.report(street, Q3)
    assert report.previous is not None and not report.previous_was_closed
    assert report.change("orgs") == 1                 # the 小区党支部 founded in August
    assert report.change("members") == 0
    assert report.change("spent") == Decimal("2000.00")
    assert report.change("workers") == 0
    first = quarter.report(street, "2026-Q1")
    assert first.change("spent") is None               # year to date: a first quarter is not compared
    assert first.change("orgs") == 0


def test_a_closed_quarter_stays_as_it_was_closed(street):
    before = quarter.report(street, Q3)
    closed = quarter.close_quarter(street, Q3, today=AFTER_Q3)
    assert not closed.is_open and closed.closed_at is not None
    assert closed.rows == before.figures.rows

    # the ledgers change afterwards, inside the quarter and before it
    workers = WorkerService(street)
    workers.create(worker("甲社区", name="补录人员", title="社区工作者", post="三岗", level="4", id_number=_id(6),
                          started_on="2026-02-01"))
    FundService(street).create({"entry_date": "2026-08-08", "community": "乙社区", "category": "其他",
                                "direction": "支出", "amount": "777.77"})
    FundService(street).create({"entry_date": "2026-05-05", "community": "甲社区", "category": "社区工作经费",
                                "direction": "支出", "amount": "100"})
    venue = next(v for v in VenueService(street).list() if v["name"] == "乙社区党群服务中心")
    VenueService(street).update(venue["id"], {"floor_area": "900"})
    CommunityService(street).create({"name": "丙社区"})

    after = quarter.report(street, Q3)
    assert not after.figures.is_open
    assert after.figures.rows == closed.rows
    assert after.figures.total == closed.total
    assert after.values == before.values
    assert {k: after.change(k) for k in after.values} == {k: before.change(k) for k in before.values}
    assert after.figures.to_json() == closed.to_json()
    # the open view of the same quarter does see the changes
    with street.reading() as session:
        live = quarter.compute(session, Q3)
    assert live.total.workers_total == 4 and len(live.rows) == 3


def test_closing_twice_early_or_without_the_right_is_refused(street):
    with pytest.raises(QuarterError, match="到2026年9月30日才结束"):
        quarter.close_quarter(street, Q3, today=date(2026, 9, 30))
    quarter.close_quarter(street, Q3, today=AFTER_Q3)
    with pytest.raises(QuarterError, match="2026年第三季度已于.*关账，不能重复关账"):
        quarter.close_quarter(street, Q3, today=AFTER_Q3)
    leader = street.as_actor(Actor("王领导", LEADER))
    with pytest.raises(PermissionDenied, match="关闭季度"):
        quarter.close_quarter(leader, Quarter(2026, 2), today=AFTER_Q3)
    with pytest.raises(PermissionDenied):
        quarter.reopen_quarter(leader, Q3, "数据有误")
    assert [c.quarter for c in quarter.closed_quarters(street)] == [Q3]


def test_reopen_needs_a_reason_and_is_audited(street):
    quarter.close_quarter(street, Q3, today=AFTER_Q3)
    with pytest.raises(QuarterError, match="必须填写原因"):
        quarter.reopen_quarter(street, Q3, "  ")
    quarter.reopen_quarter(street, Q3, "九月经费漏录")
    assert quarter.figures(street, Q3).is_open
    with pytest.raises(QuarterError, match="尚未关账"):
        quarter.reopen_quarter(street, Q3, "再次")
    with street.reading() as session:
        entries = session.execute(select(AuditEntry.action, AuditEntry.record_label, AuditEntry.changes)
                                  .where(AuditEntry.ledger == "季度关账").order_by(AuditEntry.id)).all()
    assert [(a, label) for a, label, _ in entries] == [("关账", "2026年第三季度"), ("重新打开", "2026年第三季度")]
    reopened = {c["field"]: c["new"] for c in entries[1][2]}
    assert reopened["原因"] == "九月经费漏录" and reopened["党员"] == "38"


def test_an_empty_street_cannot_be_closed(ledger):
    with pytest.raises(QuarterError, match="还没有社区台账"):
        quarter.close_quarter(ledger, Q3, today=AFTER_Q3)


def test_a_community_account_sees_its_own_row(street):
    own = CommunityService(street).id_by_name("乙社区")
    clerk = street.as_actor(Actor("乙社区录入员", "台账录入员", own))
    f = quarter.figures(clerk, Q3)
    assert [r.name for r in f.rows] == ["乙社区"] and f.total.members == 8
    other = CommunityService(street).id_by_name("甲社区")
    with pytest.raises(PermissionDenied):
        quarter.figures(clerk, Q3, other)
    with pytest.raises(PermissionDenied, match="不限定社区"):
        quarter.close_quarter(street.as_actor(Actor("乙管理员", "管理员", own)), Q3, today=AFTER_Q3)


def test_snapshot_json_keeps_decimals_exact(street):
    closed = quarter.close_quarter(street, Q3, today=AFTER_Q3)
    data = closed.to_json()
    a = data["rows"][0]
    assert a["funds"]["社区工作经费"] == ["100000.00", "50000.00", "14345.67"]
    assert quarter.QuarterFigures.from_json(data).rows == closed.rows
