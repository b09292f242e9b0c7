"""How a record is named to a person: 幸福社区 第1网格, 张华（幸福社区）.

A grid, a party organisation or a venue is named after its 社区 ("幸福社区 第1网格"); a person is named with
the 社区 after the name ("张华（幸福社区）"), as clerks write it on lists of people. Warnings, the 数据检查
and the audit trail all name records this way, so that "第1网格" never stands alone among twelve of them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import LedgerDef


def is_person(definition: LedgerDef | None) -> bool:
    """Whether a ledger's records are people: they carry a 身份证号."""
    return definition is not None and any(f.kind == "idcard" for f in definition.fields)


def named(name: str | None, community: str | None, person: bool = False) -> str:
    """A record's name with its 社区; a name that already begins with the 社区 is left as it is."""
    name = (name or "").strip()
    community = (community or "").strip()
    if not community or not name or name == community:
        return name or community
    if person:
        return f"{name}（{community}）"
    if name.startswith(community):
        return name
    return f"{community} {name}"
