"""在职党员双报到台账: members registered with the community where they live, and the service each one did there.

The service records are a ledger of their own (`registration-services`), a child of the registrations: a row
names its member by 姓名 and 身份证号, or by 姓名 and 报到社区, and belongs to that member's community.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.orm import Session

from .. import scope
from ..catalog import LedgerDef, Owner, PageHint
from ..errors import Problem
from ..fields import Field
from ..idcard import parse_id
from ..models import Registration, ServiceRecord
from ..shared_reads import count_if, shared_by_day, split_by_day
from .base import LedgerService
from .facts import facts_for
from .workers import age_on

STATUSES = ("在册", "已转出")
REGISTERED = "在册"
# 双报到 began in the 2010s; nothing of it is older than this.
SINCE = date(2000, 1, 1)

FIELDS = (
    Field("name", "姓名", required=True, max_length=30, person=True, aliases=("党员姓名", "报到党员")),
    Field("id_number", "身份证号", "idcard", personal=True, aliases=("身份证号码", "公民身份号码", "身份证")),
    Field("employer", "工作单位", required=True, aliases=("单位", "所在单位", "工作单位名称", "单位名称")),
    Field("employer_party_org", "单位党组织", aliases=("所在党组织", "单位党组织名称", "所在党支部")),
    Field("community", "报到社区", "ref", required=True, aliases=("社区", "所属社区", "报到社区名称", "居住社区")),
    Field("grid", "报到网格", "ref", aliases=("网格", "所属网格"), help="网格编号或网格名称", refers="grids"),
    Field("registered_on", "报到日期", "date", required=True, earliest=SINCE, months_ahead=0,
          aliases=("报到时间", "报到日期(年月日)")),
    Field("post", "服务岗位", max_length=64, aliases=("岗位", "认领岗位", "服务岗"), help="如：党员先锋岗"),
    Field("phone", "联系电话", max_length=32, personal=True, aliases=("电话", "手机", "手机号码")),
    Field("status", "状态", "choice", choices=STATUSES, default=REGISTERED, aliases=("报到状态",),
          value_aliases={"在职": "在册", "正常": "在册", "在岗": "在册", "转出": "已转出", "调出": "已转出"}),
    Field("note", "备注", max_length=500, multiline=True),
    Field("service_count", "服务次数", "int", derived=True, unit="次"),
    Field("service_hours", "服务时长", "decimal", derived=True, unit="小时"),
)

SERVICE_FIELDS = (
    Field("name", "姓名", required=True, max_length=30, person=True, aliases=("党员姓名", "报到党员")),
    Field("id_number", "身份证号", "idcard", personal=True, aliases=("身份证号码", "公民身份号码", "身份证"),
          help="填写身份证号，或填写报到社区，以确定是哪一名报到党员"),
    Field("community", "报到社区", "ref", aliases=("社区", "所属社区")),
    Field("served_on", "服务日期", "date", required=True, earliest=SINCE, months_ahead=0,
          aliases=("日期", "服务时间", "活动日期")),
    Field("content", "服务内容", required=True, max_length=200, aliases=("内容", "服务事项", "服务项目")),
    Field("hours", "时长", "decimal", minimum=0, maximum=24, unit="小时",
          aliases=("时长(小时)", "服务时长", "服务时长(小时)", "小时数")),
)


class RegistrationService(LedgerService):
    # the same member: the same 身份证号; without one, the same 报到社区, 姓名 and 工作单位
    match_on = ("id_number", "community_id", "name", "employer")

    def match_key(self, attrs):
        if attrs.get("id_number"):
            return {"id_number": attrs["id_number"]}
        where = {k: attrs.get(k) for k in ("community_id", "name", "employer")}
        return None if None in where.values() else {**where, "id_number": None}

    def _check(self, session, attrs, problems, existing, row):
        facts = facts_for(session)
        number = attrs.get("id_number")
        if number:
            other = facts.first(Registration, id_number=number)
            if other is not None and (existing is None or other.id != existing.id):
                where = _community_name(session, other.community_id)
                problems.append(Problem("身份证号", f"已登记为{where}的报到党员“{other.name}”，同一人不能重复报到", row))
            try:
                birth = parse_id(number).birth_date
            except ValueError as exc:   # the stored number of a record being edited no longer verifies
                problems.append(Problem("身份证号", f"已登记的号码未通过校验（{exc}），请先更正", row))
            else:
                if age_on(birth, attrs["registered_on"]) < 18:
                    problems.append(Problem("报到日期", "早于本人年满18周岁的日期，请核对", row))
        else:
            same = facts.find(Registration, community_id=attrs["community_id"], name=attrs["name"],
                              employer=attrs["employer"])
            if self._taken(same, existing):
                problems.append(Problem("姓名", f"本社区已有工作单位为“{attrs['employer']}”的报到党员“{attrs['name']}”；"
                                              f"如确为两人，请填写身份证号", row))

    def _enrich(self, session, records):
        """Each member's service: how many times and how many hours in all."""
        hours = type_coerce(func.sum(type_coerce(ServiceRecord.hours, BigInteger)), BigInteger)
        stmt = select(ServiceRecord.registration_id, func.count(), hours).group_by(ServiceRecord.registration_id)
        if len(records) <= 500:   # a record's page, a community's few: not the whole street's services
            stmt = stmt.where(ServiceRecord.registration_id.in_([r["id"] for r in records]))
        done = {rid: (n, total) for rid, n, total in session.execute(stmt)}
        for record in records:
            n, total = done.get(record["id"], (0, 0))
            record["service_count"] = n
            record["service_hours"] = (Decimal(total or 0) / 100).quantize(Decimal("0.01"))

    def _details(self, session, record):
        rows = session.execute(select(ServiceRecord.served_on, ServiceRecord.content, ServiceRecord.hours)
                               .where(ServiceRecord.registration_id == record["id"])
                               .order_by(ServiceRecord.served_on, ServiceRecord.id)).all()
        return {"services": [{"served_on": d, "content": c, "hours": h} for d, c, h in rows]}


class ServiceRecordService(LedgerService):
    match_on = ("registration_id", "served_on", "content")

    def _select(self, session):
        """A record with its member's 姓名, 身份证号 and 报到社区 (the member's community is the record's)."""
        return (select(ServiceRecord.id, ServiceRecord.version, ServiceRecord.registration_id, ServiceRecord.served_on,
                       ServiceRecord.content, ServiceRecord.hours, Registration.name, Registration.id_number,
                       Registration.community_id)
                .join(Registration, ServiceRecord.registration_id == Registration.id))

    def _to_record(self, row, names):
        record = super()._to_record(row, names)
        record.update(name=row["name"], id_number=row["id_number"])
        return record

    def _community_column(self):
        return Registration.community_id

    def _current(self, obj):
        return {"registration_id": obj.registration_id, "served_on": obj.served_on, "content": obj.content,
                "hours": obj.hours}

    def _resolve(self, session, attrs, problems, row, bad):
        """The member a row names, by 姓名 and 身份证号 or by 姓名 and 报到社区 (an edit keeps what it does not name)."""
        named = {k: attrs.pop(k) for k in ("name", "id_number") if k in attrs}
        before = len(problems)
        if "community" in attrs:
            super()._resolve(session, attrs, problems, row, bad)
        if (not named and "community_id" not in attrs) or len(problems) > before or bad & {"姓名", "身份证号"}:
            return
        current = facts_for(session).first(Registration, id=attrs["registration_id"]) if attrs.get("registration_id") \
            else None
        name = named["name"] if "name" in named else getattr(current, "name", None)
        number = named["id_number"] if "id_number" in named else getattr(current, "id_number", None)
        cid = attrs.get("community_id", getattr(current, "community_id", None))
        member = self._member(session, name, number, cid, problems, row)
        if member is None:
            return
        if not scope.allows(session, member.community_id):
            problems.append(Problem("报到社区", f"您的账号只能录入{scope.own_name(session)}的记录", row))
            return
        attrs["registration_id"] = member.id
        attrs["community_id"] = member.community_id

    def _member(self, session, name, number, cid, problems, row):
        """The one registration a row means, or None with the reason among the problems."""
        facts = facts_for(session)
        places = {v: k for k, v in facts.community_ids().items()}
        if number:
            found = facts.first(Registration, id_number=number)
            if found is None:
                problems.append(Problem("身份证号", "在职党员报到台账中没有这个身份证号，请先登记报到", row))
                return None
            if found.name != name:
                problems.append(Problem("姓名", f"这个身份证号登记的报到党员是“{found.name}”，与“{name}”不符", row))
                return None
            if cid is not None and found.community_id != cid:
                problems.append(Problem("报到社区", f"“{name}”报到在{places.get(found.community_id, '其他社区')}，"
                                                  f"不是{places.get(cid, '所填社区')}", row))
                return None
            return found
        if cid is None:
            problems.append(Problem("报到社区", "请填写身份证号或报到社区，以确定是哪一名报到党员", row))
            return None
        found = facts.find(Registration, community_id=cid, name=name)
        if not found:
            problems.append(Problem("姓名", f"{places.get(cid, '该社区')}没有名为“{name}”的在职党员报到记录，请先登记报到", row))
            return None
        if len(found) > 1:
            problems.append(Problem("身份证号", f"{places.get(cid, '该社区')}有{len(found)}名报到党员叫“{name}”，"
                                              f"请填写身份证号以区分", row))
            return None
        return found[0]

    def _check(self, session, attrs, problems, existing, row):
        facts = facts_for(session)
        member = facts.first(Registration, id=attrs["registration_id"])
        if member is not None and attrs["served_on"] < member.registered_on:
            problems.append(Problem("服务日期", f"早于该党员的报到日期{member.registered_on.isoformat()}", row))
        found = facts.find(ServiceRecord, registration_id=attrs["registration_id"], served_on=attrs["served_on"],
                           content=attrs["content"])
        if self._taken(found, existing):
            problems.append(Problem("服务内容", f"该党员{attrs['served_on'].isoformat()}已有服务记录“{attrs['content']}”", row))


def _community_name(session: Session, community_id: int) -> str:
    return {cid: name for name, cid in facts_for(session).community_ids().items()}.get(community_id, "其他社区")


def registered_by_community(session: Session, on: date, community_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Per community that has registrations by `on`: (members 在册 and registered by then, registrations by then)."""
    return shared_by_day(session, ("registrations", community_id), on,
                         lambda days: _registered_on(session, days, community_id))


def _registered_on(session: Session, days: tuple[date, ...],
                   community_id: int | None) -> dict[date, dict[int, tuple[int, int]]]:
    """registered_by_community on each day, in one statement."""
    columns = []
    for day in days:
        by_then = Registration.registered_on <= day
        columns += [count_if(by_then), count_if(by_then & (Registration.status == REGISTERED))]
    stmt = (select(Registration.community_id, *columns).where(Registration.registered_on <= max(days))
            .group_by(Registration.community_id))
    if community_id is not None:
        stmt = stmt.where(Registration.community_id == community_id)
    return {day: {cid: (int(n or 0), total) for cid, total, n in rows}
            for day, rows in split_by_day(session.execute(stmt), days).items()}


REGISTRATIONS = LedgerDef(
    "registrations", "在职党员双报到", Registration, FIELDS, RegistrationService,
    page=PageHint("报", 72, unit="人", facets=("community", "status", "registered_on"),
                  totals=("service_count", "service_hours"),
                  hidden=("id_number", "employer_party_org", "post", "phone", "note")))
SERVICES = LedgerDef(
    "registration-services", "在职党员服务记录", ServiceRecord, SERVICE_FIELDS, ServiceRecordService,
    owner=Owner(None, via="registration_id"), label="content",
    page=PageHint("服", 73, unit="次", facets=("community", "served_on"), totals=("hours",)))
