"""经费 figures from hand-computed entries, and the warnings a clerk sees on the 首页."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.services import BudgetService, CommunityService, FundService, GridService, PartyOrgService, VenueService
from ledger.services.alerts import alerts
from ledger.services.funds import fund_summary


@pytest.fixture
def community(ledger):
    return CommunityService(ledger).create({"name": "幸福社区"})


def _entry(ledger, day, direction, amount, category="党组织服务群众专项经费"):
    FundService(ledger).create({"entry_date": day, "community": "幸福社区", "category": category,
                                "direction": direction, "amount": amount})


def test_summary_to_the_fen(ledger, community):
    BudgetService(ledger).create({"year": 2026, "community": "幸福社区", "category": "党组织服务群众专项经费",
                                  "amount": "150000"})
    _entry(ledger, "2026-03-10", "拨入", "75000.00")
    _entry(ledger, "2026-08-10", "拨入", "75000.00")
    _entry(ledger, "2026-04-02", "支出", "12345.67")
    _entry(ledger, "2026-05-20", "支出", "0.01")
    _entry(ledger, "2026-06-30", "支出", "33333.33")
    _entry(ledger, "2025-12-31", "支出", "999.99")     # other year: not counted
    _entry(ledger, "2026-07-01", "拨入", "500.00", "其他")
    with ledger.reading() as session:
        rows = {r.category: r for r in fund_summary(session, 2026)}
        until_may = {r.category: r for r in fund_summary(session, 2026, until=date(2026, 5, 31))}
    special = rows["党组织服务群众专项经费"]
    # spent 12,345.67 + 0.01 + 33,333.33 = 45,679.01; allocated 150,000.00; balance 104,320.99
    assert special.allocated == Decimal("150000.00") and special.spent == Decimal("45679.01")
    assert special.balance == Decimal("104320.99")
    # 执行率 45,679.01 / 150,000 = 30.4526…% → 30.5%
    assert special.execution_rate == Decimal("30.5")
    assert rows["其他"].budget == Decimal("0.00") and rows["其他"].execution_rate is None
    # to 31 May: 75,000.00 in, 12,345.68 out
    assert until_may["党组织服务群众专项经费"].allocated == Decimal("75000.00")
    assert until_may["党组织服务群众专项经费"].spent == Decimal("12345.68")


def test_overspent_fund_is_flagged(ledger, community):
    _entry(ledger, "2026-03-10", "拨入", "1000.00")
    _entry(ledger, "2026-04-10", "支出", "1000.01")
    texts = [a.text for a in alerts(ledger, today=date(2026, 5, 1)) if a.ledger == "funds"]
    assert texts == ["幸福社区党组织服务群众专项经费超支：累计支出1,000.01元，累计拨入1,000.00元"]


@pytest.mark.parametrize("term_start, severity", [
    ("2021-06-01", "逾期"),      # ended 2026-06-01, before 2026-11-23
    ("2021-12-10", "紧急"),      # ends 2026-12-10, within a month
    ("2022-02-01", "提醒"),      # ends 2027-02-01, within three months
])
def test_term_ending_party_org_is_listed(ledger, community, term_start, severity):
    org = PartyOrgService(ledger).create({"name": "幸福社区党委", "category": "党委", "community": "幸福社区",
                                          "term_start": term_start})
    found = [a for a in alerts(ledger, today=date(2026, 11, 23)) if a.ledger == "orgs"]
    assert [(a.severity, a.record_id) for a in found] == [(severity, org["id"])]


def test_term_far_away_is_not_listed(ledger, community):
    PartyOrgService(ledger).create({"name": "幸福社区党委", "category": "党委", "community": "幸福社区",
                                    "term_start": "2024-01-01"})
    assert not [a for a in alerts(ledger, today=date(2026, 11, 23)) if a.ledger == "orgs"]


def test_grid_outside_band_and_venue_below_standard(ledger, community):
    GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 450})
    big = GridService(ledger).create({"community": "幸福社区", "code": "02", "name": "第二网格", "households": 700})
    venue = VenueService(ledger).create({"name": "幸福社区党群服务中心", "community": "幸福社区", "tier": "社区级",
                                         "kind": "党群服务中心", "floor_area": "280", "households_served": 800})
    found = {(a.ledger, a.record_id) for a in alerts(ledger, today=date(2026, 11, 23))}
    assert found == {("grids", big["id"]), ("venues", venue["id"])}


def test_grid_warning_follows_the_offices_band(ledger, community):
    from ledger.services.street import put_setting
    grid = GridService(ledger).create({"community": "幸福社区", "code": "01", "name": "第一网格", "households": 650})
    assert GridService(ledger).list()[0]["household_warning"] == "户数650户，超过标准范围（300–600户）"
    put_setting(ledger, "grid_households_max", 700)   # an office whose standard grid is larger
    assert GridService(ledger).get(grid["id"])["household_warning"] is None
    assert not [a for a in alerts(ledger, today=date(2026, 11, 23)) if a.ledger == "grids"]


def test_warnings_name_their_community(ledger, community):
    """Twelve communities each have a 第10网格党支部: a warning that does not say whose is no use."""
    CommunityService(ledger).create({"name": "和平社区"})
    for name in ("幸福社区", "和平社区"):
        PartyOrgService(ledger).create({"name": f"{name}党委", "category": "党委", "community": name,
                                        "term_start": "2024-06-01"})
        PartyOrgService(ledger).create({"name": "第10网格党支部", "category": "网格党支部", "community": name,
                                        "parent": f"{name}党委", "term_start": "2020-06-01", "term_years": "3"})
    GridService(ledger).create({"community": "和平社区", "code": "01", "name": "第1网格", "households": 120})
    VenueService(ledger).create({"name": "和平社区党群服务中心", "community": "和平社区", "tier": "社区级",
                                 "kind": "党群服务中心", "floor_area": "280", "households_served": 500})
    texts = sorted(a.text for a in alerts(ledger, today=date(2026, 11, 23)))
    assert texts == ["和平社区 第10网格党支部任期已于2023年06月01日届满，尚未换届",
                     "和平社区 第1网格：户数120户，低于标准范围（300–600户）",
                     "和平社区党群服务中心未达标（建筑面积280.00平方米，每百户56.00平方米）",  # named already
                     "幸福社区 第10网格党支部任期已于2023年06月01日届满，尚未换届"]
