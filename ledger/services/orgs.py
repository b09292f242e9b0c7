"""党组织台账: party organisations, their terms (换届) and their place in the party tree."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..catalog import LedgerDef, PageHint
from .. import settings
from ..errors import Problem
from ..fields import Field
from ..models import PartyOrg
from ..party import CATEGORIES, counted_as, default_term_years, term_end, term_state
from .base import LedgerService
from .facts import facts_for

FIELDS = (
    Field("name", "组织名称", required=True, aliases=("党组织名称", "名称")),
    Field("category", "组织类别", "choice", required=True, choices=CATEGORIES, aliases=("类别", "组织类型"),
          value_aliases={"街道党工委": "党工委", "社区党委": "党委", "党小组": "楼栋党小组"}),
    Field("parent", "上级组织", "ref", aliases=("上级党组织",)),
    Field("community", "所属社区", "ref", aliases=("社区",)),
    Field("grid", "所属网格", "ref", aliases=("网格",), help="网格编号或网格名称", refers="grids"),
    Field("secretary", "书记", max_length=30, person=True, aliases=("党组织书记",)),
    Field("deputy_secretary", "副书记", max_length=30, person=True),
    Field("committee_size", "委员人数", "int", minimum=0, maximum=15, aliases=("委员数",)),
    Field("members_total", "党员总数", "int", minimum=0, aliases=("党员数", "党员人数")),
    Field("members_full", "正式党员", "int", minimum=0, aliases=("正式党员数",)),
    Field("members_probation", "预备党员", "int", minimum=0, aliases=("预备党员数",)),
    Field("members_reported", "在职党员报到数", "int", minimum=0, aliases=("在职党员报到",)),
    Field("founded_on", "成立日期", "date", aliases=("成立时间",)),
    Field("term_start", "本届任期开始", "date", aliases=("任期开始", "本届任期开始时间", "换届时间")),
    Field("term_years", "任期年限", "int", minimum=1, maximum=10, aliases=("任期",),
          help="不填时按类别默认：社区党组织5年，其他党总支、党支部3年"),
    Field("phone", "联系电话", max_length=32, aliases=("电话",)),
    Field("venue", "活动场所", max_length=100),
    Field("note", "备注", max_length=500, multiline=True),
)


class PartyOrgService(LedgerService):
    match_on = ("name", "parent_id")
    match_nullable = ("parent_id",)

    def _to_record(self, row, names):
        record = super()._to_record(row, names)
        record["term_end"] = term_end(row["term_start"], row["term_years"])
        return record

    def _enrich(self, session, records):
        """Names of references, the term's 换届 state by the office's warning window, and how the community's
        figures count the organisation today (the page's 党组织 and 党小组 totals)."""
        names = dict(session.execute(select(PartyOrg.id, PartyOrg.name)).all())
        cfg = settings.get_all(session)
        today = date.today()
        for record in records:
            record["parent"] = names.get(record["parent_id"], "")
            state = term_state(record["term_end"], today, cfg["term_warn_months"], cfg["term_urgent_months"])
            record["term_state"] = state.label if state else ""
            record["term_alert"] = state.severity if state else None
            counted = counted_as(record["category"], record["community_id"], record["founded_on"], today)
            record["party_org"], record["party_group"] = int(counted == "党组织"), int(counted == "党小组")

    def _details(self, session, record):
        chain, parent_id = [], record["parent_id"]
        while parent_id is not None and len(chain) < 20:
            parent = session.get(PartyOrg, parent_id)
            if parent is None:  # a street-level organisation, outside a community-limited account's view
                break
            chain.append(parent.name)
            parent_id = parent.parent_id
        children = session.scalars(select(PartyOrg.name).where(PartyOrg.parent_id == record["id"])).all()
        return {"ancestors": list(reversed(chain)), "children": list(children)}

    def _current(self, obj):
        out = super()._current(obj)
        out["parent_id"] = obj.parent_id
        out.pop("parent", None)
        return out

    def _resolve(self, session, attrs, problems, row, bad):
        super()._resolve(session, attrs, problems, row, bad)
        if "parent" in attrs:
            name = attrs.pop("parent")
            attrs["parent_id"] = None
            if name:
                found = facts_for(session).find(PartyOrg, name=name)
                if not found:
                    problems.append(Problem("上级组织", f"“{name}”不存在，请先录入上级组织", row))
                elif len(found) > 1:
                    same = [o.id for o in found if o.community_id == attrs.get("community_id")]
                    if len(same) == 1:
                        attrs["parent_id"] = same[0]
                    else:
                        problems.append(Problem("上级组织", f"名为“{name}”的组织有{len(found)}个，无法确定是哪一个", row))
                else:
                    attrs["parent_id"] = found[0].id

    def _check(self, session, attrs, problems, existing, row):
        total, full, probation = attrs.get("members_total"), attrs.get("members_full"), attrs.get("members_probation")
        if total is not None and (full or 0) + (probation or 0) > total:
            problems.append(Problem("党员总数", f"正式党员{full or 0}人加预备党员{probation or 0}人超过党员总数{total}人", row))
        facts = facts_for(session)
        parent_id = attrs.get("parent_id")
        if existing is not None and parent_id is not None:
            seen, cursor = set(), parent_id
            while cursor is not None and cursor not in seen:
                if cursor == existing.id:
                    problems.append(Problem("上级组织", "不能把本组织或它的下级组织设为上级（会形成循环）", row))
                    break
                seen.add(cursor)
                above = facts.first(PartyOrg, id=cursor)
                cursor = above.parent_id if above is not None else None
        if self._taken(facts.find(PartyOrg, name=attrs["name"], parent_id=parent_id), existing):
            problems.append(Problem("组织名称", f"同一上级下已有“{attrs['name']}”", row))
        if attrs.get("term_start") and attrs.get("founded_on") and attrs["term_start"] < attrs["founded_on"]:
            problems.append(Problem("本届任期开始", "早于成立日期", row))
        if attrs.get("term_years") is None:
            parent = facts.first(PartyOrg, id=parent_id) if parent_id else None
            parent_category = parent.category if parent is not None else None
            attrs["term_years"] = default_term_years(attrs["category"], parent_category, attrs.get("community_id") is not None)


ORGS = LedgerDef(
    "orgs", "党组织", PartyOrg, FIELDS, PartyOrgService,
    page=PageHint("党", 20, unit="条", facets=("community", "category", "term_state"),
                  hidden=("deputy_secretary", "members_reported", "founded_on", "phone", "venue", "note")))
