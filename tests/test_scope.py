"""The community limit holds for every declared ledger and every ledger export, on SQLite and PostgreSQL.

The ledgers and exports are enumerated from the declarations, so a ledger added later is covered without
touching this file.
"""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from ledger import catalog
from ledger.access import CLERK, LEADER, Actor
from ledger.demo import load_demo
from ledger.errors import PermissionDenied
from ledger.models import Community
from ledger.services import LEDGERS


@pytest.fixture
def street(ledger):
    """A street-scale demo on the test backend, and the id and name of the community a clerk is limited to."""
    load_demo(ledger, "street", today=date(2026, 11, 23))
    with ledger.reading() as session:
        own_id, own_name = session.execute(
            Community.__table__.select().with_only_columns(Community.id, Community.name).order_by(Community.id)
            .offset(3).limit(1)).one()
    return ledger, own_id, own_name


def _community_of(key: str, record: dict) -> int:
    return record["id"] if catalog.ledger(key).owner.column == "id" else record["community_id"]


@pytest.mark.parametrize("role", [CLERK, LEADER])
def test_every_ledger_lists_and_counts_only_the_accounts_community(street, role):
    ledger, own, _name = street
    limited = ledger.as_actor(Actor("受限账号", role, own, "界面"))
    for key, service in LEDGERS.items():
        everything = service(ledger).list()
        mine = service(limited).list()
        expected = [r["id"] for r in everything if _community_of(key, r) == own]
        assert [r["id"] for r in mine] == expected, key
        assert service(limited).count() == len(expected), key
        assert len(everything) > len(expected), f"{key}: the demo must have other communities' rows"
        other = next(r for r in everything if _community_of(key, r) != own)
        with pytest.raises(PermissionDenied, match="只能查看和修改"):
            service(limited).get(other["id"])


def test_every_ledger_export_holds_only_the_accounts_community(street, tmp_path):
    from exports.ledger_export import export_ledger, export_fields
    ledger, own, name = street
    limited = ledger.as_actor(Actor("受限账号", LEADER, own, "界面"))
    for key in LEDGERS:
        out = tmp_path / f"{key}.xlsx"
        result = export_ledger(limited, key, out)
        labels = [f.label for f in export_fields(key)]
        sheet = load_workbook(out, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        header = next(i for i, row in enumerate(rows) if row and row[0] == labels[0])
        body = [row for row in rows[header + 1:] if any(v is not None for v in row)][:result.rows]
        column = labels.index("社区名称") if key == "communities" else next(
            i for i, f in enumerate(export_fields(key)) if f.key == "community")
        assert result.rows > 0 and {row[column] for row in body} == {name}, key
