"""共建单位台账: units in joint building with a community, their agreement and whether their leader sits on its 大党委."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Partner
from ..shared_reads import count_if, shared_by_day, split_by_day
from .base import LedgerService
from .facts import facts_for

KINDS = ("机关", "事业单位", "国有企业", "非公企业", "社会组织", "物业企业", "其他")
# Joint building with communities began with the 区域化党建 of the 1990s; an agreement runs a few years ahead.
SINCE = date(1990, 1, 1)

FIELDS = (
    Field("name", "单位名称", required=True, aliases=("共建单位", "共建单位名称", "单位")),
    Field("kind", "单位类型", "choice", choices=KINDS, aliases=("类型", "单位性质"),
          value_aliases={"机关单位": "机关", "党政机关": "机关", "行政机关": "机关", "事业": "事业单位", "国企": "国有企业",
                         "央企": "国有企业", "民营企业": "非公企业", "私营企业": "非公企业", "非公有制企业": "非公企业",
                         "社团": "社会组织", "物业公司": "物业企业", "物业": "物业企业"}),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "共建社区", "签约社区")),
    Field("party_org", "单位党组织", aliases=("党组织", "单位党组织名称")),
    Field("party_secretary", "党组织书记", max_length=30, person=True, aliases=("书记", "单位党组织书记")),
    Field("contact", "联系人", max_length=30, person=True),
    Field("phone", "联系电话", max_length=32, personal=True, aliases=("电话", "手机", "联系方式")),
    Field("signed_on", "签约日期", "date", earliest=SINCE, months_ahead=0, aliases=("签约时间", "共建时间")),
    Field("expires_on", "协议到期日", "date", earliest=SINCE, months_ahead=120,
          aliases=("到期日期", "协议到期时间", "协议期限")),
    Field("alliance", "所属党建联盟", aliases=("党建联盟", "联盟")),
    Field("part_time_member", "是否兼职委员", "bool", default=False, aliases=("兼职委员", "是否大党委兼职委员"),
          help="单位党组织负责人是否担任社区大党委兼职委员"),
    Field("note", "备注", max_length=500, multiline=True),
)


class PartnerService(LedgerService):
    match_on = ("community_id", "name")

    def _check(self, session, attrs, problems, existing, row):
        found = facts_for(session).find(Partner, community_id=attrs["community_id"], name=attrs["name"])
        if self._taken(found, existing):
            problems.append(Problem("单位名称", f"本社区已有共建单位“{attrs['name']}”", row))
        signed, expires = attrs.get("signed_on"), attrs.get("expires_on")
        if signed and expires and expires < signed:
            problems.append(Problem("协议到期日", f"早于签约日期{signed.isoformat()}", row))


def in_force(on: date):
    """The condition 'the unit is in joint building on `on`': signed by then (or no date), not yet expired."""
    return (or_(Partner.signed_on.is_(None), Partner.signed_on <= on),
            or_(Partner.expires_on.is_(None), Partner.expires_on >= on))


def partners_by_community(session: Session, on: date, community_id: int | None = None) -> dict[int, int]:
    """共建单位数 per community: the units whose agreement is in force on `on`."""
    return shared_by_day(session, ("partners", community_id), on,
                         lambda days: _partners_on(session, days, community_id))


def _partners_on(session: Session, days: tuple[date, ...], community_id: int | None) -> dict[date, dict[int, int]]:
    """共建单位数 per community on each day, in one statement."""
    on_days = [and_(*in_force(day)) for day in days]
    stmt = (select(Partner.community_id, *(count_if(c) for c in on_days)).where(or_(*on_days))
            .group_by(Partner.community_id))
    if community_id is not None:
        stmt = stmt.where(Partner.community_id == community_id)
    return {day: dict(rows) for day, rows in split_by_day(session.execute(stmt), days).items()}


PARTNERS = LedgerDef(
    "partners", "共建单位", Partner, FIELDS, PartnerService,
    page=PageHint("共", 70, unit="家", facets=("community", "kind", "part_time_member"),
                  hidden=("party_secretary", "contact", "alliance", "note")))
