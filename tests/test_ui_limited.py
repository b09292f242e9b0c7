"""A community-limited account's window never shows another community's row, on any page."""
from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QTreeWidget, QTreeWidgetItem, QWidget

from ledger.access import LEADER, Actor
from ledger.pay.runs import Payroll
from ledger.services import CommunityService
from ui import tasks
from ui.main_window import PAGES, MainWindow


def _texts(root: QWidget) -> Iterator[str]:
    """Every word the page shows: labels, every row of every table and tree (not only the first screen)."""
    for w in (root, *root.findChildren(QWidget)):
        if isinstance(w, QLabel):
            yield w.text()
        elif isinstance(w, QTreeWidget):
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                item: QTreeWidgetItem = stack.pop()
                yield item.text(0)
                stack += [item.child(j) for j in range(item.childCount())]
        elif isinstance(w, QListWidget):
            yield from (w.item(i).text() for i in range(w.count()))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for row in range(model.rowCount(QModelIndex())):
                for column in range(model.columnCount(QModelIndex())):
                    value = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
                    if value is not None:
                        yield str(value)


def test_a_limited_leader_sees_only_its_community_on_every_page(qtbot, demo_ledger):
    communities = CommunityService(demo_ledger).list()
    own = communities[2]
    others = [c["name"] for c in communities if c["id"] != own["id"]]
    Payroll(demo_ledger).run("2026-10")
    leader = demo_ledger.as_actor(Actor("受限领导", LEADER, own["id"], "界面"))
    window = MainWindow(leader)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    seen_own = False
    for page in PAGES:
        widget = window.show_page(page.key)
        qtbot.waitUntil(lambda: not tasks.running_tasks(), timeout=60000)
        if page.key == "reports":
            widget.checks.run()
            qtbot.waitUntil(lambda: not tasks.running_tasks(), timeout=60000)
        shown = list(_texts(window))
        leaked = sorted({name for text in shown for name in others if name in text})
        assert leaked == [], f"{page.title} shows {leaked[:3]}"
        seen_own |= any(own["name"] in text for text in shown)
    assert seen_own
    window.close()
