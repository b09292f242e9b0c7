"""A record's 网格 (所属网格, 报到网格): typed as the grid's 编号 or 名称 within the record's 社区, stored as grid_id,
listed by name. Every ledger with a field that refers to "grids" gets this from LedgerService; nothing else
resolves or names a grid."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Problem
from ..models import Grid
from .facts import facts_for


def resolve_grid(session: Session, attrs: dict[str, Any], problems: list[Problem], row: int | None,
                 label: str = "所属网格") -> None:
    """A record's 网格 as typed (its 编号 or 名称, attrs['grid']) to the grid_id of that grid of the record's 社区;
    a stored grid of a record moved to another 社区 is refused."""
    if "grid" not in attrs:
        grid_id = attrs.get("grid_id")
        if grid_id is not None and attrs.get("community_id") is not None:
            grid = facts_for(session).first(Grid, id=grid_id)
            if grid is not None and grid.community_id != attrs["community_id"]:
                problems.append(Problem(label, f"“{grid.name}”不属于所选社区，请重新选择{label}", row))
        return
    text = attrs.pop("grid")
    attrs["grid_id"] = None
    if not text:
        return
    cid = attrs.get("community_id")
    if cid is None:
        problems.append(Problem(label, f"填写{label}时必须同时填写所属社区", row))
        return
    facts = facts_for(session)
    grid = facts.first(Grid, community_id=cid, code=text) or facts.first(Grid, community_id=cid, name=text)
    if grid is None:
        problems.append(Problem(label, f"本社区没有编号或名称为“{text}”的网格", row))
        return
    attrs["grid_id"] = grid.id


def name_grids(session: Session, records: list[dict[str, Any]]) -> None:
    """Listed records' 网格 by name (a record keeps its grid_id, which the export writes as the 编号)."""
    names = dict(session.execute(select(Grid.id, Grid.name)).all())
    for record in records:
        record["grid"] = names.get(record.get("grid_id"), "")
