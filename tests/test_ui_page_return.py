"""A large ledger's page lets go of its rows while another page is shown: coming back shows what the clerk had
(search, filters, sort, selection) with the ledger read anew, and its search text is made for the first search."""
from __future__ import annotations

from datetime import date

import pytest

from ledger.services import CommunityService, FundService
from ledger.services.funds import FIELDS as FUND_FIELDS
from tests.helpers import shown_window
from ui import ledger_page, tasks
from ui.table_data import TableData

ENTRIES = (("2026-03-01", "幸福社区", "拨入", "500.00", "王芳"), ("2026-03-02", "幸福社区", "支出", "12.30", "王芳"),
           ("2026-03-03", "和平社区", "支出", "99.00", "王伟"), ("2026-03-04", "幸福社区", "支出", "7.50", "李强"),
           ("2026-03-05", "幸福社区", "支出", "300.00", "王伟"))


@pytest.fixture
def window(qtbot, ledger, monkeypatch):
    # every page counts as large here: it lets go when left, and makes its search text for a search
    monkeypatch.setattr(ledger_page, "KEEP_ROWS", 0)
    monkeypatch.setattr(ledger_page, "INDEX_LATER_ROWS", 0)
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
    for day, community, direction, amount, handler in ENTRIES:
        FundService(ledger).create({"entry_date": day, "community": community, "category": "其他",
                                    "direction": direction, "amount": amount, "handler": handler})
    with shown_window(qtbot, ledger) as win:
        yield win


def settled(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.table is not None and page.loading is None and not tasks.running_tasks()
                    and not page.status.text())


def shown(page, column: str) -> list[str]:
    at = page.keys.index(column)
    return [page.model.data(page.model.index(r, at)) for r in range(page.model.rowCount())]


def selected(page) -> list[str]:
    rows = sorted({i.row() for i in page.view.selectionModel().selectedRows()})
    return [page.model.data(page.model.index(r, page.keys.index("amount"))) for r in rows]


def test_coming_back_shows_the_search_filter_sort_and_selection_as_left(qtbot, window, ledger):
    page = window.show_page("funds").entries
    settled(qtbot, page)
    page.search.setText("王")
    qtbot.waitUntil(lambda: page.table.indexed and not page.status.text())
    page.facet_boxes["收支"].setCurrentText("支出")
    page.sort_by("amount", descending=True)
    page.view.selectRow(1)
    before = (shown(page, "amount"), shown(page, "handler"), page.footer.text(), selected(page))
    assert before[0] == ["300.00", "99.00", "12.30"] and before[3] == ["99.00"]

    window.show_page("workers")
    assert page.table is None and page.model.rowCount() == 0      # let go while hidden

    window.show_page("funds")
    settled(qtbot, page)
    assert page.search.text() == "王" and page.facet_boxes["收支"].currentText() == "支出"
    assert (shown(page, "amount"), shown(page, "handler"), page.footer.text(), selected(page)) == before


def test_a_change_made_while_the_page_was_hidden_shows_on_return(qtbot, window, ledger):
    page = window.show_page("funds").entries
    settled(qtbot, page)
    page.sort_by("amount")
    window.show_page("communities")
    entry = next(r for r in FundService(ledger).list() if r["amount"] == 99)
    FundService(ledger).update(entry["id"], {"amount": "1.00", "handler": "赵敏"}, version=entry["version"])
    FundService(ledger).create({"entry_date": "2026-03-06", "community": "和平社区", "category": "其他",
                                "direction": "拨入", "amount": "42.00", "handler": "钱多"})
    window.show_page("funds")
    settled(qtbot, page)
    assert shown(page, "amount") == ["1.00", "7.50", "12.30", "42.00", "300.00", "500.00"]
    assert "赵敏" in shown(page, "handler") and "王伟" in shown(page, "handler")


def test_a_large_page_finds_once_its_search_text_is_made(qtbot, window):
    page = window.show_page("funds").entries
    settled(qtbot, page)
    assert page.model.rowCount() == len(ENTRIES)
    page.search.setText("wf")                     # 王芳 by 拼音首字母
    qtbot.waitUntil(lambda: page.table.indexed and not page.status.text())
    assert sorted(shown(page, "amount")) == ["12.30", "500.00"]
    page.search.setText("王芳 12")
    assert shown(page, "amount") == ["12.30"]


def test_records_come_back_as_the_service_listed_them():
    records = [{"id": n, "community_id": 1, "entry_date": date(2026, 3, n), "community": "幸福社区", "category": "其他",
                "direction": "支出", "amount": None, "voucher_no": f"V{n}", "expense_category": None,
                "project": "水电费", "handler": "王芳", "approver": None, "note": None, "version": 1}
               for n in range(1, 4)]
    records[1]["doubts"] = {"handler": "核对"}     # a key only some records have
    table = TableData(FUND_FIELDS, [dict(r) for r in records[:2]])
    table.add([dict(records[2])])
    assert list(table.records) == records
    assert table.rows[2] == tuple(f.render(records[2].get(f.key)) for f in FUND_FIELDS)
    assert table.value(0, "doubts") is None and table.value(1, "doubts") == {"handler": "核对"}


def test_a_page_reads_in_batches_what_the_service_lists(demo_ledger):
    from ui.ledger_specs import SPECS
    for key, spec in SPECS.items():
        service = spec.service(demo_ledger)
        listed = service.list()
        batches = list(service.list_in_batches(max(1, len(listed) // 3)))
        assert [r for batch in batches for r in batch] == listed, key
        assert len(batches) >= min(3, len(listed)), key
