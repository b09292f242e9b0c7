"""数据检查 on the 报表 page: the database's integrity and the ledgers' consistency, each finding a link to
its record (double-click or Enter opens the record's page and dialog).

The same report as `check` on the command line (ledger.services.checks.run_checks).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from ledger.services.checks import CheckReport, Finding, run_checks

from .table_model import TupleTableModel
from .tasks import run_task

ALL = "全部"
FLAGS = {"错误": "逾期", "警告": "提醒"}   # drawn in the colours the ledgers use for the same urgency


class ChecksView(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.report: CheckReport | None = None
        self.run_button = QPushButton("开始检查")
        self.run_button.setToolTip("检查数据库文件、工资表、党组织人数、社区工作者等级，以及需要关注的换届、网格、阵地和经费")
        self.run_button.clicked.connect(lambda: self.run())
        self.severity = QComboBox()
        self.severity.addItems([ALL, "错误", "警告"])
        self.severity.currentIndexChanged.connect(lambda _i: self._show())
        self.summary = QLabel("点“开始检查”。")
        hint = QLabel("双击一行打开对应的记录")
        hint.setStyleSheet("color: #888;")
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addSpacing(12)
        row.addWidget(self.summary)
        row.addStretch(1)
        row.addWidget(hint)
        row.addSpacing(12)
        row.addWidget(QLabel("级别："))
        row.addWidget(self.severity)
        self.model = TupleTableModel(("级别", "类别", "记录", "问题"))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.setAlternatingRowColors(True)
        self.view.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        header = self.view.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda index: self.open_finding(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.view, activated=lambda: self.open_finding(self.view.currentIndex().row()),
                      context=Qt.ShortcutContext.WidgetShortcut)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)

    def activate(self) -> None:
        """Nothing runs by itself: a check of a city's data takes a while, so the clerk starts it."""

    def run(self):
        ledger = self.window.ledger
        self.summary.setText("正在检查……")
        return run_task(self, "正在检查数据", lambda _p: run_checks(ledger), self._done)

    def _done(self, report: CheckReport) -> None:
        self.report = report
        self.summary.setText(f"检查完成：{report.summary()}")
        self._show()

    def _show(self) -> None:
        findings = self.report.findings if self.report is not None else []
        wanted = self.severity.currentText()
        shown = [f for f in findings if wanted == ALL or f.severity == wanted]
        self.model.set_rows([(f.severity, f.where, f.label, f.problem) for f in shown],
                            flags=[FLAGS.get(f.severity) for f in shown], payload=shown)

    def open_finding(self, row: int):
        """Open what a finding is about: its record, or for a fund category the budget's execution."""
        if not 0 <= row < len(self.model.payload):
            return None
        finding: Finding = self.model.payload[row]  # type: ignore[assignment]
        if finding.ledger is None:
            return None
        if finding.record_id is not None:
            return self.window.open_record(finding.ledger, finding.record_id)
        if finding.ledger == "funds":
            return self.window.show_fund_summary(finding.community_id)
        return self.window.show_page(finding.ledger)
