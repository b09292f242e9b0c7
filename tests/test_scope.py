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


def _text_of(path) -> str:
    """Every text a person can read in an exported file (cells of every sheet, or the PDF's text)."""
    if path.suffix == ".pdf":
        import subprocess
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout
    book = load_workbook(path, read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_every_export_holds_only_the_accounts_community(street, tmp_path):
    """Each kind the command line exports (enumerated from its registry, pay included), as limited accounts."""
    import argparse

    import cli
    from cli.registry import EXPORTS
    from ledger.access import FINANCE
    from ledger.pay.runs import Payroll
    from ledger.quarter import close_quarter
    ledger, own, name = street
    pay = Payroll(ledger)
    pay.run("2026-01")
    pay.approve("2026-01")
    close_quarter(ledger, "2026-Q1")
    cli.build_parser()      # registers every kind
    others = [c["name"] for c in LEDGERS["communities"](ledger).list() if c["id"] != own]
    other_ids = [w["id_number"] for w in LEDGERS["workers"](ledger).list() if w["community_id"] != own]
    finance = ledger.as_actor(Actor("受限财务", FINANCE, own, "命令行"))
    leader = ledger.as_actor(Actor("受限领导", LEADER, own, "命令行"))
    for kind_name, kind in EXPORTS.items():
        person = finance if kind_name in ("bank-list", "payslips", "salary-sheet") else leader
        for suffix in kind.suffixes:
            out = tmp_path / f"{kind_name}{suffix}"
            args = argparse.Namespace(month="2026-01", year=2026, quarter="2026-Q1", community=None,
                                      raise_amount="100", warn=lambda _line: None, output=out)
            kind.run(args, person, out)
            text = _text_of(out)
            leaked = [n for n in others if n in text] + [i for i in other_ids if i in text]
            assert leaked == [], f"{kind_name}{suffix} shows another community's: {leaked[:3]}"
            assert name in text or kind_name == "bank-list", f"{kind_name}{suffix} lost the account's own rows"


@pytest.mark.parametrize("role", [CLERK, LEADER])
def test_a_page_reads_in_batches_and_columns_what_the_account_may_list(street, role):
    """A page reads a large ledger a batch at a time, column by column where it lists plainly: the same records, in
    the same order, as `list()` gives the account — its community only, a 领导's personal numbers masked."""
    ledger, own, _name = street
    limited = ledger.as_actor(Actor("受限账号", role, own, "界面"))
    plain, masked = [], 0
    for key, service in LEDGERS.items():
        listed = service(limited).list()
        size = max(1, len(listed) // 3)
        assert [r for batch in service(limited).list_in_batches(size) for r in batch] == listed, key
        if service.lists_plainly():
            plain.append(key)
            columns = list(service(limited).columns_in_batches(size))
            assert [r for batch in columns for r in batch.records()] == listed, key
            personal = [f.key for f in service.fields if f.personal]
            masked += sum("*" in str(v) for batch in columns for k in personal for v in batch[k])
    assert {"funds", "communities", "partners"} <= set(plain)
    assert (masked > 0) == (role == LEADER)


def test_a_saved_record_is_the_row_the_ledger_lists(street):
    """A form puts the record its save returns into the page's table without reloading: it must be the row the
    ledger lists, its 网格 named too (it once came back without it, and the row showed no 网格 until reloaded)."""
    from ledger.services.base import _grid_field
    ledger, _own, _name = street
    checked = []
    for key, service in LEDGERS.items():
        grid = _grid_field(service)
        listed = [r for r in service(ledger).list() if grid is not None and r.get(grid.key)]
        if not listed:
            continue
        record = listed[len(listed) // 2]
        saved = service(ledger).update(record["id"], {}, version=record.get("version"), details=False)
        assert saved == {**record, "version": saved["version"]}, key
        checked.append(key)
    assert {"orgs", "cases", "estates", "registrations"} <= set(checked)
