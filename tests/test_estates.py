"""小区: the owners' committee and its date, and 红色物业覆盖率 per community."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.services import LEDGERS
from ledger.services.estates import estates_by_community, red_coverage
from tests.helpers import refusals
from tests.workbooks import communities


@pytest.fixture
def street(ledger):
    communities(ledger, "幸福社区", "和平社区")
    return ledger


def test_an_estate_is_named_once_and_a_committee_date_needs_a_committee(street):
    estates = LEDGERS["estates"](street)
    made = estates.create({"name": "幸福家园", "community": "幸福社区", "owners_committee": "已成立",
                           "committee_founded_on": "2019.6", "red_property": "√", "fee_rate": "92.5"})
    assert (made["owners_committee"], made["red_property"], made["fee_rate"]) == ("有", True, Decimal("92.50"))
    assert refusals(estates, {"name": "幸福家园", "community": "幸福社区"}) == ["小区名称：本社区已有小区“幸福家园”"]
    assert refusals(estates, {"name": "阳光花园", "community": "幸福社区", "owners_committee": "无",
                              "committee_founded_on": "2020-01-01"}) == ["业委会成立日期：业委会填“有”时才填写成立日期"]
    assert refusals(estates, {"name": "阳光花园", "community": "幸福社区", "fee_rate": "100.5"}) == [
        "物业费收缴率：不能大于100"]
    assert estates.create({"name": "阳光花园", "community": "幸福社区"})["red_property"] is False


@pytest.mark.parametrize("red, estates, coverage", [(1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")),
                                                     (1, 8, Decimal("12.5")), (0, 4, Decimal("0.0")), (0, 0, None)])
def test_red_coverage_is_a_share_in_per_cent_rounded_half_up(red, estates, coverage):
    assert red_coverage(red, estates) == coverage


def test_estates_and_red_ones_per_community(street):
    estates = LEDGERS["estates"](street)
    for name, community, red in (("甲", "幸福社区", "是"), ("乙", "幸福社区", "否"), ("丙", "幸福社区", "是"),
                                 ("丁", "和平社区", None)):
        estates.create({"name": name, "community": community, "red_property": red})
    own = {r["name"]: r["id"] for r in LEDGERS["communities"](street).list()}
    with street.reading() as session:
        assert estates_by_community(session) == {own["幸福社区"]: (3, 2), own["和平社区"]: (1, 0)}
