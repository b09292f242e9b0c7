"""The ledger pages at city scale (10,000 workers, ~94,000 funding entries, ~20,000 registered members and their
~29,000 service records) against plain Python on the same rows.

For the 社区工作者, 经费, 在职党员双报到 and 在职党员服务记录 pages (the real LedgerPage, its model and QTableView): opening the page (rows
rendered, model reset) vs building the same list of display tuples with Field.render; each keystroke of a
search (the page's whole update: filter, footer sums, model reset) vs filtering those tuples in Python; a
header click (sort keys made, rows ordered, model reset) vs sorted() of the records by that column.

Not in the ratios, printed for information: reading the records through the service (the same for both), the
search text that large pages make in the background after the table is shown, and one repaint of the visible
rows (Qt's text drawing, about the same after any update and independent of the number of rows).

    python -m bench.run gui      # or: python -m bench.gui_table
"""
from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from operator import itemgetter
from types import SimpleNamespace

from ledger.services.columns import Columns

TARGET = 2.0
SEARCHES = {
    "workers": ("王", "王芳", "王", "", "1", "13", "139", "wf"),
    "funds": ("幸", "幸福", "幸福社区", "幸福社区 水", "", "x", "xf", "2026", "2026-0", "2026-03"),
    "registrations": ("张", "张华", "供电", "", "2026", "zh"),
    "registration-services": ("张", "张华", "清理", "", "2026-0", "qlld"),
}
SORTS = {"workers": ("name", "level", "started_on"), "funds": ("amount", "entry_date", "handler"),
         "registrations": ("name", "registered_on", "service_hours"),
         "registration-services": ("served_on", "hours", "name")}


def _clock() -> float:
    # CPU time of this process: other engineers' work on the shared machine inflates wall time for one
    # side and not the other; everything measured here runs on this process's main thread.
    return time.process_time()


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = _clock()
        fn()
        best = min(best, _clock() - start)
    return best


def _pair(ours, baseline, repeat: int = 3) -> tuple[float, float]:
    """Best of a few runs of each, alternating, so that both sides see the same machine."""
    a = b = float("inf")
    for _ in range(repeat):
        a = min(a, _best(ours, 1))
        b = min(b, _best(baseline, 1))
    return a, b


def _city_ledger(folder: str):
    from ledger.access import Actor
    from ledger.app import Ledger
    from ledger.demo import load_demo
    from ledger.services.street import init_street
    ledger = Ledger.open(os.path.join(folder, "city.sqlite"), Actor(source="界面"))
    init_street(ledger, "基准街道")
    load_demo(ledger, "city", today=date(2026, 11, 23))
    return ledger


def _page(ledger, key: str):
    from ui.ledger_page import LedgerPage
    from ui.ledger_specs import SPECS
    from ui.settings_store import UiSettings
    host = SimpleNamespace(ledger=ledger, ui_settings=UiSettings(), open_import=lambda key: None,
                           ledger_changed=lambda key: None, scope_community_name=lambda: "")
    page = LedgerPage(host, SPECS[key])
    page.resize(1366, 700)
    page.show()
    return page


def _measure(ledger, key: str, app) -> list[tuple[str, float, float, float | None]]:
    from ui.table_data import TableData
    spec = __import__("ui.ledger_specs", fromlist=["SPECS"]).SPECS[key]
    title = spec.title
    start = time.perf_counter()
    records = spec.service(ledger).list()
    read = time.perf_counter() - start
    if spec.derive:
        columns = Columns.of(records)
        spec.derive(columns)
        records = columns.records()
    fields = spec.fields()
    print(f"  {title}：通过服务读取 {len(records):,} 条用时 {read:.2f} 秒（两边相同，不计入比较）", flush=True)
    rows: list[tuple] = []
    out = []

    def baseline_open() -> None:
        nonlocal rows
        rows = [tuple([f.render(r.get(f.key)) for f in fields]) for r in records]

    page = _page(ledger, key)
    shown = [k for k in page.keys if k not in page._hidden]
    made: list = []

    def ours_open() -> None:
        page.table = None
        page.query = type(page.query)()
        table = TableData(fields, records, facets=spec.facets, totals=spec.totals, scope=spec.scope, shown=shown,
                          flag=spec.flag, index=len(records) <= 20000)
        page.loading = object()
        page._make_index = lambda: None   # the bench makes the search text itself, below, to time it apart
        page._loaded(table)
        made.append(table)

    ours, base = _pair(ours_open, baseline_open)
    out.append((f"{title} 打开页面（{len(records):,} 行，表格显示）", ours, base, TARGET))
    table = page.table
    if not table.indexed:
        index = _best(lambda: table.make_index())
        table.set_index(table.make_index())
        out.append((f"{title} 搜索索引（表格显示后在后台建立，仅供参考）", index, base, None))
        out.append((f"{title} 打开页面 + 搜索索引（仅供参考）", ours + index, base, None))
    del made[:]

    previous = ""
    for text in SEARCHES[key]:
        terms = text.lower().split()

        def baseline_search(terms=terms) -> list:
            return [row for row in rows if all(any(t in cell for cell in row) for t in terms)]

        def keystroke(text=text) -> None:
            page.search.setText(text)          # textChanged: the page filters and resets its model

        timed, based = [], []
        for _ in range(5):
            page.search.setText(previous)      # untimed: the state after the previous keystroke
            timed.append(_time(keystroke))
            based.append(_time(baseline_search))
        out.append((f"{title} 输入“{text or '（清空）'}” → {page.model.rowCount():,} 行", min(timed), min(based),
                    TARGET))
        previous = text
    page.search.setText("")

    header = page.view.horizontalHeader()
    for sort_key in SORTS[key]:
        column = page.keys.index(sort_key)
        label = fields[column].label
        def click(column=column) -> None:
            header.sectionClicked.emit(column)

        firsts, seconds, based = [], [], []
        for _ in range(5):
            page.sort_by(None)
            page.table._sort_keys.clear()      # a column's keys are made on its first click: time that too
            page.table._orders.clear()
            firsts.append(_time(click))        # ascending
            seconds.append(_time(click))       # descending
            based.append(_time(lambda sort_key=sort_key: sorted(records, key=itemgetter(sort_key))))
        out.append((f"{title} 点击表头“{label}”排序", min(firsts), min(based), TARGET))
        out.append((f"{title} 再次点击“{label}”（倒序）", min(seconds), min(based), TARGET))
        page.sort_by(None)
    from PySide6.QtGui import QPixmap
    canvas = QPixmap(page.view.viewport().size())
    paint = _best(lambda: page.view.viewport().render(canvas), 5)
    out.append((f"{title} 重绘一屏（{page.view.viewport().width()}×{page.view.viewport().height()}，仅供参考）", paint,
                base, None))
    page.close()
    app.processEvents()
    return out


def _time(fn) -> float:
    start = _clock()
    fn()
    return _clock() - start


def run() -> list[tuple[str, float, float, float | None]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["STREETLEDGER_DATA_DIR"] = os.path.join(folder, "data")
        from ui.app import make_application
        app = make_application()
        print("  正在生成市级规模演示数据…", flush=True)
        ledger = _city_ledger(folder)
        try:
            out = []
            for key in SEARCHES:   # the largest pages: the roster, the funding entries, the registered members
                out.extend(_measure(ledger, key, app))
            return out
        finally:
            ledger.close()


if __name__ == "__main__":
    for name, ours, base, target in run():
        ratio = ours / base if base else float("inf")
        mark = "" if target is None else ("  ok" if ratio <= target else "  超出目标")
        print(f"{name:<44} {ours * 1000:9.1f} ms {base * 1000:9.1f} ms {ratio:6.2f}×{mark}")
