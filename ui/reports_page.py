"""报表: the reports a leader or clerk makes from the window — 季度统计汇总, 台账导出, 年度人力成本, 数据检查.

Each tab calls the same service as its command (`quarter`/`export quarterly`, `export ledger-…`,
`export cost`, `check`). The pay outputs (工资发放表, 银行代发清单, 工资条) stay on the 工资 page.
"""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .checks_view import ChecksView
from .labour_cost_view import LabourCostView
from .ledger_export_view import LedgerExportView
from .quarterly_view import QuarterlyView


class ReportsPage(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.quarterly = QuarterlyView(window)
        self.ledger_export = LedgerExportView(window)
        self.labour_cost = LabourCostView(window)
        self.checks = ChecksView(window)
        self.tabs = QTabWidget()
        for view, title in ((self.quarterly, "季度统计汇总"), (self.ledger_export, "台账导出"),
                            (self.labour_cost, "年度人力成本"), (self.checks, "数据检查")):
            self.tabs.addTab(view, title)
        self.tabs.currentChanged.connect(lambda _index: self.activate())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def views(self) -> tuple[QWidget, ...]:
        return self.quarterly, self.ledger_export, self.labour_cost, self.checks

    # --- page protocol -----------------------------------------------------------------------------------
    def activate(self) -> None:
        self.tabs.currentWidget().activate()

    def mark_stale(self) -> None:
        self.quarterly.mark_stale()

    def refresh(self) -> None:
        self.quarterly.stale = True
        self.activate()

    def set_scope(self, community_id: int | None, grid_id: int | None, community_name: str = "") -> None:
        self.quarterly.set_scope(community_id)
        self.ledger_export.set_scope(community_id)
