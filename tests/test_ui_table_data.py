"""The table's rows without a window: rendering as Field.render, search with 拼音首字母, sort, filters, sums."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.fields import Field
from ledger.services.funds import FIELDS as FUND_FIELDS
from ui import pinyin
from ui.table_data import Facet, Query, Scope, TableData, Total

FIELDS = (
    Field("name", "姓名"),
    Field("community", "所属社区", "ref"),
    Field("level", "等级", "int"),
    Field("amount", "金额", "money"),
    Field("day", "日期", "date"),
    Field("ok", "达标", "bool"),
)


def _records() -> list[dict]:
    return [
        {"id": 1, "community_id": 10, "name": "王芳", "community": "幸福社区", "level": 5, "amount": Decimal("1234.5"),
         "day": date(2020, 1, 2), "ok": True},
        {"id": 2, "community_id": 10, "name": "张三", "community": "幸福社区", "level": 12, "amount": Decimal("0.01"),
         "day": None, "ok": False},
        {"id": 3, "community_id": 11, "name": "阿明", "community": "和平社区", "level": None, "amount": None,
         "day": date(2019, 5, 1), "ok": None},
        {"id": 4, "community_id": 11, "name": "Bob Lee", "community": "和平社区", "level": 1, "amount": Decimal("99"),
         "day": date(2021, 1, 1), "ok": True},
    ]


def _table(**kw) -> TableData:
    return TableData(FIELDS, _records(), facets=(Facet("社区", "community"),),
                     totals=(Total("金额合计", "amount", "元"), Total("等级合计", "level")), **kw)


def test_cells_are_rendered_as_the_fields_render_them():
    table = _table()
    for record, row in zip(_records(), table.rows):
        assert row == tuple(f.render(record.get(f.key)) for f in FIELDS)
    assert table.rows[0][3] == "1,234.50" and table.rows[1][3] == "0.01" and table.rows[2][3] == ""


def test_fund_rows_render_like_the_service_fields():
    record = {"id": 1, "community_id": 1, "entry_date": date(2026, 3, 1), "community": "幸福社区", "category": "其他",
              "direction": "支出", "amount": Decimal("1234567.8"), "voucher_no": None, "expense_category": "其他",
              "project": "水电费", "handler": "王芳", "approver": None, "note": None}
    table = TableData(FUND_FIELDS, [record])
    assert table.rows[0] == tuple(f.render(record.get(f.key)) for f in FUND_FIELDS)
    assert "1,234,567.80" in table.rows[0]


def test_search_matches_any_shown_column_and_pinyin_initials():
    table = _table()
    ids = lambda text: [table.ids[i] for i in table.select(Query(text=text))]  # noqa: E731
    assert ids("王") == [1]
    assert ids("和平") == [3, 4]
    assert ids("wf") == [1]            # 王芳
    assert ids("xfsq") == [1, 2]       # 幸福社区
    assert ids("BOB") == [4]           # case-blind
    assert ids("1,234.50") == [1]      # as shown
    assert ids("幸福 张") == [2]       # every word must match
    assert ids("不存在") == []


def test_search_covers_only_shown_columns():
    table = _table(shown=["name"])
    assert [table.ids[i] for i in table.select(Query(text="幸福"))] == []
    assert table.set_shown(["name", "community"]) is True
    assert not table.indexed
    table.set_index(table.make_index())
    assert [table.ids[i] for i in table.select(Query(text="幸福"))] == [1, 2]


def test_index_made_later_is_refused_after_a_change():
    table = _table(index=False)
    assert table.select(Query(text="王")) == [0, 1, 2, 3]     # no search text yet: nothing filtered out
    made = table.make_index()
    table.upsert({**_records()[0], "name": "王芳芳"})
    assert table.set_index(made) is False
    assert table.set_index(table.make_index()) is True
    assert [table.ids[i] for i in table.select(Query(text="王芳芳"))] == [1]


def test_narrowing_a_search_filters_the_previous_answer():
    table = _table()
    first = Query(text="社区")
    answer = table.select(first)
    narrower = Query(text="社区 王")
    assert table.select(narrower, (first, answer)) == table.select(narrower)
    wider = Query(text="")
    assert table.select(wider, (narrower, [0])) == [0, 1, 2, 3]


def test_sort_numbers_dates_and_text_by_pinyin():
    table = _table()
    order = lambda key, desc=False: [table.ids[i] for i in table.order(key, desc)]  # noqa: E731
    assert order("level") == [3, 4, 1, 2]                # blank first, then 1, 5, 12 as numbers
    assert order("level", True) == [2, 1, 4, 3]
    assert order("amount") == [3, 2, 4, 1]
    assert order("day") == [2, 3, 1, 4]
    assert order("name") == [3, 4, 1, 2]                 # 阿明 (a), Bob, 王芳 (wang), 张三 (zhang)
    assert order(None) == [1, 2, 3, 4]
    rows = table.select(Query(text="社区", sort_key="name", descending=True))
    assert [table.ids[i] for i in rows] == [2, 1, 4, 3]
    assert table.sort_rows([0, 1], "level", True) == [1, 0]


def test_facets_scope_and_sums():
    table = TableData(FIELDS, _records(), facets=(Facet("社区", "community"), Facet("年度", "day",
                      lambda day: f"{day.year}年")),
                      totals=(Total("金额合计", "amount", "元"),), scope=Scope("community_id"))
    assert table.facet_choices("社区") == ["和平社区", "幸福社区"]
    rows = table.select(Query(facets=(("社区", "幸福社区"),)))
    assert [table.ids[i] for i in rows] == [1, 2]
    assert table.format_total(table.totals[0], table.sums(rows)["金额合计"]) == "1,234.51元"
    assert [table.ids[i] for i in table.select(Query(community_id=11))] == [3, 4]
    assert [table.ids[i] for i in table.select(Query(facets=(("年度", "2021年"),)))] == [4]
    assert table.sums(list(range(4)))["金额合计"] == 133351   # exact hundredths


def test_upsert_and_remove_keep_every_column_in_step():
    table = _table()
    table.upsert({**_records()[1], "name": "李四", "amount": Decimal("2.00")})
    assert table.rows[1][0] == "李四" and table.total_values["金额合计"][1] == 200
    index = table.upsert({"id": 9, "community_id": 10, "name": "新人", "community": "幸福社区", "level": 3,
                          "amount": None, "day": None, "ok": None})
    assert index == 4 and table.row_of(9) == 4
    table.remove(2)
    assert table.ids == [1, 3, 4, 9] and len(table.hay) == len(table.rows) == len(table.facet_values["社区"]) == 4
    assert [table.ids[i] for i in table.select(Query(text="lisi"))] == []
    assert [table.ids[i] for i in table.select(Query(text="xr"))] == [9]


def test_pinyin_keys():
    assert pinyin.initials("幸福社区第1网格") == "xfsqd1wg"
    assert pinyin.initials("绿地") == "ld"
    names = ["张三", "王芳", "章三", "阿明", "Zed"]
    assert sorted(names, key=pinyin.sort_key) == ["阿明", "王芳", "Zed", "张三", "章三"]


def test_a_table_read_as_columns_is_the_table_read_as_records():
    """A plainly listed ledger comes to its page as columns (no dict per row): the page must not differ."""
    from ledger.services.columns import Columns
    records = [dict(r) for _ in range(30) for r in _records()]   # enough rows for repeated values to be kept once
    for i, record in enumerate(records):
        record["id"] = i + 1
    keys = tuple(records[0])
    made = dict(facets=(Facet("社区", "community"), Facet("年度", "day", lambda day: f"{day.year}年")),
                totals=(Total("金额合计", "amount", "元"), Total("达标金额", "amount", "元", ("ok", True))),
                scope=Scope("community_id"), flag=lambda c: ["核对" if level is None else None for level in c["level"]])
    by_records = TableData(FIELDS, [], index=False, **made)
    by_columns = TableData(FIELDS, [], index=False, **made)
    for start in (0, 60):
        part = records[start:start + 60]
        by_records.add(part)
        by_columns.add_columns(Columns(keys, [[r[k] for r in part] for k in keys]))
    for table in (by_records, by_columns):
        table.set_index(table.make_index())
    assert list(by_columns.records) == list(by_records.records) == records
    assert list(by_columns.rows) == list(by_records.rows)
    assert by_columns.flags == by_records.flags and by_columns.flags.count("核对") == 30
    assert by_columns.facet_choices("年度") == ["2019年", "2020年", "2021年"]
    for query in (Query(text="wf"), Query(text="和平 2021"), Query(facets=(("年度", "2020年"),)),
                  Query(community_id=11, sort_key="amount", descending=True)):
        rows = by_columns.select(query)
        assert rows == by_records.select(query)
        assert by_columns.sums(rows) == by_records.sums(rows)
    assert by_columns.sums(list(range(len(records)))) == {"金额合计": 133351 * 30, "达标金额": 133350 * 30}
