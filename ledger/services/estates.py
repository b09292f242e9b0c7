"""小区台账: a community's residential estates, their property company, owners' committee and 红色物业."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Estate
from ..money import round_half_up
from ..shared_reads import shared
from .base import LedgerService
from .facts import facts_for

COMMITTEE = ("有", "无")

FIELDS = (
    Field("name", "小区名称", required=True, aliases=("小区", "名称", "小区(院落)名称")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称")),
    Field("grid", "所属网格", "ref", aliases=("网格",), help="网格编号或网格名称", refers="grids"),
    Field("buildings", "楼栋数", "int", minimum=0, maximum=10000, unit="栋", aliases=("楼栋", "楼栋数量", "楼数")),
    Field("households", "户数", "int", minimum=0, unit="户", aliases=("总户数", "住户数", "户数(户)")),
    Field("property_company", "物业企业", aliases=("物业公司", "物业服务企业", "物业")),
    Field("property_party", "物业企业党组织", aliases=("物业党组织", "党建指导员", "物业企业党组织(或党建指导员)"),
          help="物业企业党组织名称，或选派的党建指导员"),
    Field("owners_committee", "业委会", "choice", choices=COMMITTEE, aliases=("业主委员会", "是否成立业委会"),
          value_aliases={"是": "有", "已成立": "有", "成立": "有", "√": "有", "否": "无", "未成立": "无", "没有": "无"}),
    Field("committee_founded_on", "业委会成立日期", "date", earliest=date(1990, 1, 1), months_ahead=0,
          aliases=("业委会成立时间", "成立日期")),
    Field("red_property", "红色物业", "bool", default=False, aliases=("是否红色物业", "是否\"红色物业\"", "红色物业小区")),
    Field("fee_rate", "物业费收缴率", "decimal", minimum=0, maximum=100, unit="%",
          aliases=("物业费收缴率(%)", "收缴率", "物业费收缴率（%）"), help="百分数，如 85.5"),
    Field("note", "备注", max_length=500, multiline=True),
)


class EstateService(LedgerService):
    match_on = ("community_id", "name")

    def _check(self, session, attrs, problems, existing, row):
        if self._taken(facts_for(session).find(Estate, community_id=attrs["community_id"], name=attrs["name"]), existing):
            problems.append(Problem("小区名称", f"本社区已有小区“{attrs['name']}”", row))
        if attrs.get("committee_founded_on") and attrs.get("owners_committee") != "有":
            problems.append(Problem("业委会成立日期", "业委会填“有”时才填写成立日期", row))


def red_coverage(red: int, estates: int) -> Decimal | None:
    """红色物业覆盖率: 红色物业 estates over all estates, per cent to one decimal (half up); None without estates."""
    if not estates:
        return None
    return round_half_up(Decimal(red) * 100 / estates, Decimal("0.1"))


def estates_by_community(session: Session, community_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Per community: its estates and how many of them are 红色物业 (the ledger keeps no history: today's)."""
    red = func.sum(case((Estate.red_property.is_(True), 1), else_=0))
    stmt = select(Estate.community_id, func.count(), red).group_by(Estate.community_id)
    counted = shared(session, "estates", lambda: {cid: (n, int(r or 0)) for cid, n, r in session.execute(stmt)})
    return {cid: n for cid, n in counted.items() if community_id in (None, cid)}


ESTATES = LedgerDef(
    "estates", "小区", Estate, FIELDS, EstateService,
    page=PageHint("区", 76, unit="个", facets=("community", "red_property", "owners_committee"),
                  totals=("buildings", "households"), hidden=("committee_founded_on", "note")))
