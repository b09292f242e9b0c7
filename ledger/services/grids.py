"""网格台账: grids of about 450 households within a community."""
from __future__ import annotations

from .. import settings
from ..catalog import LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Grid
from .base import LedgerService
from .facts import facts_for

GRID_KINDS = ("片区型", "单位型", "楼院型", "单元型", "功能型")

FIELDS = (
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称")),
    Field("code", "网格编号", required=True, max_length=32, aliases=("编号", "网格编码", "网格代码")),
    Field("name", "网格名称", required=True, max_length=64, aliases=("网格",)),
    Field("kind", "网格类型", "choice", choices=GRID_KINDS, aliases=("类型",),
          value_aliases={k.removesuffix("型"): k for k in GRID_KINDS}),
    Field("bounds", "四至范围", max_length=200, aliases=("四至", "网格范围")),
    Field("estates", "小区数", "int", minimum=0, aliases=("小区数量",)),
    Field("buildings", "楼栋数", "int", minimum=0, aliases=("楼栋数量",)),
    Field("units", "单元数", "int", minimum=0, aliases=("单元数量",)),
    Field("households", "户数", "int", required=True, minimum=0, unit="户", aliases=("总户数", "户数(户)")),
    Field("population", "常住人口", "int", minimum=0, unit="人", aliases=("人口",)),
    Field("floating_population", "流动人口", "int", minimum=0, unit="人"),
    Field("leader", "网格长", max_length=30, person=True),
    Field("fulltime_worker", "专职网格员", max_length=30, person=True),
    Field("parttime_count", "兼职网格员人数", "int", minimum=0, aliases=("兼职网格员",)),
    Field("department_count", "部门网格员人数", "int", minimum=0, aliases=("部门网格员",)),
    Field("building_leader_count", "楼栋长人数", "int", minimum=0, aliases=("楼栋长",)),
    Field("unit_leader_count", "单元长人数", "int", minimum=0, aliases=("单元长",)),
    Field("party_org", "网格党组织", max_length=64, aliases=("网格党支部",)),
    Field("note", "备注", max_length=500, multiline=True),
)

# The standard grid is about 450 households; far outside this band is flagged, never refused.
DEFAULT_BAND = (300, 600)


class GridService(LedgerService):
    match_on = ("community_id", "code")

    def _check(self, session, attrs, problems, existing, row):
        found = facts_for(session).find(Grid, community_id=attrs["community_id"], code=attrs["code"])
        if self._taken(found, existing):
            problems.append(Problem("网格编号", f"“{attrs['code']}”在本社区已存在", row))

    def _enrich(self, session, records):
        """Each grid's household warning by the office's configured band (the table colours it)."""
        band = (settings.get(session, "grid_households_min"), settings.get(session, "grid_households_max"))
        for record in records:
            record["household_warning"] = household_warning(record.get("households"), band)

    def warnings(self, session, attrs, row=None):
        low, high = (facts_for(session).memo("grid_band", lambda: (settings.get(session, "grid_households_min"),
                                                                  settings.get(session, "grid_households_max"))))
        text = household_warning(attrs.get("households"), (low, high))
        return [Problem("户数", text, row)] if text else []



def household_warning(households: int | None, band: tuple[int, int] = DEFAULT_BAND) -> str | None:
    if households is None:
        return None
    low, high = band
    if households < low:
        return f"户数{households}户，低于标准范围（{low}–{high}户）"
    if households > high:
        return f"户数{households}户，超过标准范围（{low}–{high}户）"
    return None


GRIDS = LedgerDef(
    "grids", "网格", Grid, FIELDS, GridService,
    page=PageHint("网", 30, unit="个", facets=("community", "kind"),
                  totals=("households", "population", "floating_population"),
                  hidden=("bounds", "parttime_count", "department_count", "building_leader_count",
                          "unit_leader_count", "note")))
