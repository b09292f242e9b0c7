"""共建单位: its own rules, and which units the figures count on a day."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.services import LEDGERS
from ledger.services.partners import partners_by_community
from tests.helpers import refusals
from tests.workbooks import communities


@pytest.fixture
def street(ledger):
    communities(ledger, "幸福社区", "和平社区")
    return ledger


def test_a_unit_signs_once_with_a_community_and_its_agreement_ends_after_it_began(street):
    partners = LEDGERS["partners"](street)
    partners.create({"name": "区税务局", "community": "幸福社区", "kind": "国企", "signed_on": "2024.3"})
    assert refusals(partners, {"name": "区税务局", "community": "幸福社区"}) == ["单位名称：本社区已有共建单位“区税务局”"]
    partners.create({"name": "区税务局", "community": "和平社区"})           # another community may sign it too
    assert refusals(partners, {"name": "华联超市", "community": "幸福社区", "signed_on": "2025-05-01",
                               "expires_on": "2025-04-30"}) == ["协议到期日：早于签约日期2025-05-01"]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert refusals(partners, {"name": "华联超市", "community": "幸福社区", "signed_on": tomorrow})[0].startswith(
        "签约日期：")                                                    # not signed yet: not a 共建单位
    assert refusals(partners, {"name": "华联超市", "community": "幸福社区", "kind": "个体户"}) == [
        "单位类型：“个体户”不在可选值中（机关/事业单位/国有企业/非公企业/社会组织/物业企业/其他）"]


def test_units_count_while_their_agreement_is_in_force(street):
    partners = LEDGERS["partners"](street)
    for name, signed, expires in (("甲", "2024-01-01", "2026-12-31"), ("乙", "2025-07-01", None),
                                  ("丙", None, "2025-06-30"), ("丁", None, None)):
        partners.create({"name": name, "community": "幸福社区", "signed_on": signed, "expires_on": expires})
    partners.create({"name": "戊", "community": "和平社区", "signed_on": "2023-01-01"})
    cid = {r["name"]: r["community_id"] for r in partners.list()}
    with street.reading() as session:
        # 30 June 2025: 甲 (in force), 丙 (its last day), 丁 (no dates); 乙 signs a day later
        assert partners_by_community(session, date(2025, 6, 30)) == {cid["甲"]: 3, cid["戊"]: 1}
        assert partners_by_community(session, date(2025, 7, 1)) == {cid["甲"]: 3, cid["戊"]: 1}   # 乙 in, 丙 out
        assert partners_by_community(session, date(2027, 1, 1), cid["甲"]) == {cid["甲"]: 2}       # 乙, 丁
