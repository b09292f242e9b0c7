"""经费: the entries (a ledger page) and the budget's execution (预算执行) as two tabs of one page."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .fund_summary_view import FundSummaryView
from .ledger_page import LedgerPage
from .ledger_specs import SPECS


class FundsPage(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.entries = LedgerPage(window, SPECS["funds"])
        self.summary = FundSummaryView(window)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.entries, "经费明细")
        self.tabs.addTab(self.summary, "预算执行")
        self.tabs.currentChanged.connect(lambda _index: self.activate())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def current(self):
        return self.tabs.currentWidget()

    def show_summary(self) -> None:
        self.tabs.setCurrentWidget(self.summary)

    # --- page protocol: the entries page does the ledger work, both follow the scope ------------------------
    def activate(self) -> None:
        self.current().activate()

    def release(self) -> None:
        self.entries.release()

    def mark_stale(self) -> None:
        self.entries.stale = True
        self.summary.stale = True
        if self.isVisible():
            self.current().activate()

    def refresh(self) -> None:
        self.current().refresh()

    def set_scope(self, community_id, grid_id, community_name: str = "") -> None:
        self.entries.set_scope(community_id, grid_id, community_name)
        self.summary.set_scope(community_id, grid_id, community_name)

    def new_record(self):
        self.tabs.setCurrentWidget(self.entries)
        return self.entries.new_record()

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.entries)
        self.entries.focus_search()

    def delete_selected(self) -> None:
        if self.current() is self.entries:
            self.entries.delete_selected()

    def open_record(self, record_id: int):
        self.tabs.setCurrentWidget(self.entries)
        return self.entries.open_record(record_id)

    def save_state(self) -> None:
        self.entries.save_state()
