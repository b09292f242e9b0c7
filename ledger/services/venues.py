"""阵地台账: venues with their function rooms, 每百户面积 and whether they meet the standard."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select

from ..catalog import Child, LedgerDef, PageHint
from ..errors import Problem
from ..fields import Field
from ..models import Venue, VenueRoom
from .. import settings
from ..money import round_half_up
from .base import LedgerService, bulk_insert
from .facts import facts_for

TIERS = ("区级", "街道级", "社区级", "小区", "楼宇", "网格站点")
KINDS = ("党群服务中心", "党建长廊", "社区服务驿站", "共享家园", "其他")
OWNERSHIPS = ("自有", "租赁", "配建")

FIELDS = (
    Field("name", "阵地名称", required=True, aliases=("名称", "场所名称")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区",)),
    Field("tier", "层级", "choice", choices=TIERS, aliases=("阵地层级",),
          value_aliases={"区": "区级", "街道": "街道级", "社区": "社区级", "小区级": "小区", "楼宇级": "楼宇"}),
    Field("kind", "类型", "choice", choices=KINDS, aliases=("阵地类型",)),
    Field("address", "地址", max_length=200),
    Field("ownership", "产权", "choice", choices=OWNERSHIPS, aliases=("产权性质",)),
    Field("floor_area", "建筑面积", "decimal", required=True, minimum=0, unit="平方米",
          aliases=("面积", "建筑面积(m²)", "建筑面积(平方米)", "建筑面积（㎡）"), help="单位：平方米"),
    Field("households_served", "服务户数", "int", minimum=0),
    Field("rooms", "功能室", "rooms", max_length=500, help="名称(面积)，多个用顿号分隔，如：会议室(60)、活动室(80)"),
    Field("opening_hours", "开放时间", max_length=100),
    Field("manager", "负责人", max_length=30, person=True),
    Field("built_year", "建成/改造年份", "int", minimum=1949, maximum=2100, aliases=("建成年份", "改造年份", "建成时间")),
    Field("note", "备注", max_length=500, multiline=True),
)


def per_100_households(area: Decimal | None, households: int | None) -> Decimal | None:
    if area is None or not households:
        return None
    return round_half_up(area * 100 / households)


def meets_standard(kind: str | None, tier: str | None, area: Decimal, households: int | None,
                   min_area: int = 300, min_per_100: int = 30) -> bool | None:
    """Only a community-level 党群服务中心 is judged (≥300 m² and ≥30 m² per 100 households by default)."""
    if kind != "党群服务中心" or tier not in (None, "社区级"):
        return None
    per100 = per_100_households(area, households)
    return area >= min_area and (per100 is None or per100 >= min_per_100)


class VenueService(LedgerService):
    match_on = ("community_id", "name")

    def _enrich(self, session, records):
        wanted = {r["id"] for r in records}
        rooms: dict[int, list] = {}
        for venue_id, name, area in session.execute(select(VenueRoom.venue_id, VenueRoom.name, VenueRoom.area)
                                                    .order_by(VenueRoom.id)):
            if venue_id in wanted:
                rooms.setdefault(venue_id, []).append((name, area))
        cfg = settings.get_all(session)
        for record in records:
            record["rooms"] = rooms.get(record["id"], [])
            self._derive(record, cfg)

    @staticmethod
    def _derive(record, cfg):
        record["per_100"] = per_100_households(record["floor_area"], record.get("households_served"))
        record["meets_standard"] = meets_standard(record.get("kind"), record.get("tier"), record["floor_area"],
                                                  record.get("households_served"), cfg["venue_min_area"],
                                                  cfg["venue_min_area_per_100"])

    def _current(self, obj):
        out = super()._current(obj)
        out.pop("rooms", None)
        return out

    def _check(self, session, attrs, problems, existing, row):
        found = facts_for(session).find(Venue, community_id=attrs["community_id"], name=attrs["name"])
        if self._taken(found, existing):
            problems.append(Problem("阵地名称", f"本社区已有“{attrs['name']}”", row))
        if attrs.get("built_year") and attrs["built_year"] > date.today().year + 1:
            problems.append(Problem("建成/改造年份", "晚于明年，请核对", row))
        rooms = attrs.get("rooms") or []
        total = sum((a for _, a in rooms if a is not None), Decimal(0))
        if rooms and total > attrs["floor_area"]:
            problems.append(Problem("功能室", f"功能室面积合计{total}平方米，超过建筑面积{attrs['floor_area']}平方米", row))

    def _apply(self, session, obj, attrs):
        rooms = attrs.pop("rooms", None)
        super()._apply(session, obj, attrs)
        if rooms is None:
            return None

        def replace_rooms(saved: Venue) -> None:
            session.execute(delete(VenueRoom).where(VenueRoom.venue_id == saved.id))
            for values in room_rows(saved.id, rooms):
                session.add(VenueRoom(**values))
        return replace_rooms

    def write_children(self, session, written):
        """An imported 功能室 cell replaces the venue's rooms, as the form does; the old rooms are kept for undo."""
        replaced = [(venue_id, attrs["rooms"]) for venue_id, _before, attrs in written if attrs.get("rooms") is not None]
        if not replaced:
            return {}
        ids = [venue_id for venue_id, _ in replaced]
        table = VenueRoom.__table__
        old = []
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            old += [dict(r._mapping) for r in session.execute(select(table).where(table.c.venue_id.in_(chunk)))]
            session.execute(delete(table).where(table.c.venue_id.in_(chunk)))
        values = [v for venue_id, rooms in replaced for v in room_rows(venue_id, rooms)]
        return {"venue_room": {"inserted": bulk_insert(session, VenueRoom, values), "values": values, "deleted": old}}

    def warnings(self, session, attrs, row=None):
        cfg = facts_for(session).memo("settings", lambda: settings.get_all(session))
        if attrs.get("floor_area") is None:
            return []
        ok = meets_standard(attrs.get("kind"), attrs.get("tier"), attrs["floor_area"], attrs.get("households_served"),
                            cfg["venue_min_area"], cfg["venue_min_area_per_100"])
        if ok is False:
            return [Problem("建筑面积", f"社区党群服务中心未达标（标准：不少于{cfg['venue_min_area']}平方米，"
                                    f"且每百户不少于{cfg['venue_min_area_per_100']}平方米）", row)]
        return []


def room_rows(venue_id: int, rooms: list[tuple[str, Decimal | None]]) -> list[dict]:
    return [{"venue_id": venue_id, "name": name, "area": area} for name, area in rooms]


VENUES = LedgerDef(
    "venues", "阵地", Venue, FIELDS, VenueService,
    page=PageHint("阵", 60, unit="个", facets=("community", "kind", "tier", "standard_state"),
                  totals=("floor_area",), hidden=("address", "opening_hours", "note")),
    children=(Child(VenueRoom, "功能室", "venue_id"),))
