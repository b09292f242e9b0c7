"""社区台账: communities with their residents' figures and leaders."""
from __future__ import annotations

from ..catalog import LedgerDef, Owner, PageHint
from ..errors import Problem, ValidationError
from ..fields import Field
from ..models import Community
from .base import LedgerService
from .facts import facts_for

FIELDS = (
    Field("name", "社区名称", required=True, max_length=64, aliases=("社区", "名称", "社区名")),
    Field("code", "社区编码", max_length=32, aliases=("编码", "社区代码")),
    Field("households", "户数", "int", minimum=0, unit="户", aliases=("总户数", "户数(户)")),
    Field("population", "常住人口", "int", minimum=0, unit="人", aliases=("人口", "常住人口数", "常住人口(人)")),
    Field("area_km2", "辖区面积", "decimal", minimum=0, unit="平方公里", aliases=("面积", "辖区面积(km²)", "辖区面积(平方公里)"),
          help="单位：平方公里"),
    Field("party_secretary", "党组织书记", max_length=30, person=True, aliases=("书记", "社区党组织书记")),
    Field("director", "居委会主任", max_length=30, person=True, aliases=("主任",)),
    Field("phone", "联系电话", max_length=32, personal=True, aliases=("电话",)),
    Field("address", "地址", max_length=200, aliases=("办公地址",)),
    Field("note", "备注", max_length=500, multiline=True),
)


class CommunityService(LedgerService):
    match_on = ("name",)

    def _check(self, session, attrs, problems, existing, row):
        facts = facts_for(session)
        street_id = facts.street_id()
        if street_id is None:
            problems.append(Problem("社区名称", "还没有建立街道，请先执行“新建街道”", row))
            return
        attrs["street_id"] = street_id
        if self._taken(facts.find(Community, name=attrs["name"], street_id=street_id), existing):
            problems.append(Problem("社区名称", f"“{attrs['name']}”已存在", row))

    def id_by_name(self, name: str) -> int:
        for record in self.list():
            if record["name"] == name:
                return record["id"]
        raise ValidationError.single("社区", f"社区“{name}”不存在")


COMMUNITIES = LedgerDef(
    "communities", "社区", Community, FIELDS, CommunityService, owner=Owner("id"), community_field=None,
    page=PageHint("社", 10, unit="个", totals=("households", "population", "area_km2"), hidden=("note",)))
