"""年度调级: the year's proposed level changes with the reason for each, approved per row or all at once."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (QDateEdit, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.pay.grading import Proposal
from ledger.pay.grading_service import GradingService
from ledger.pay.runs import month_label

from . import messages
from .dialog_sizes import remember_size

HEADERS = ("审批", "社区", "姓名", "岗位", "现等级", "建议等级", "原因")


class GradingDialog(QDialog):
    def __init__(self, ledger: Ledger, parent: QWidget | None = None, year: int | None = None):
        super().__init__(parent)
        self.setWindowTitle("年度调级")
        remember_size(self, "grading", QSize(900, 560))
        self.service = GradingService(ledger)
        self.proposals: list[Proposal] = []
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or date.today().year)
        self.effective = QDateEdit()
        self.effective.setDisplayFormat("yyyy年M月")
        self._default_effective()
        self.year.valueChanged.connect(lambda _v: (self._default_effective(), self.refresh()))
        refresh = QPushButton("刷新建议")
        refresh.clicked.connect(self.refresh)
        self.approve_selected_button = QPushButton("审批勾选的")
        self.approve_selected_button.clicked.connect(self.approve_selected)
        self.approve_all_button = QPushButton("全部审批")
        self.approve_all_button.clicked.connect(self.approve_all)
        bar = QHBoxLayout()
        for w in (QLabel("年度"), self.year, QLabel("自"), self.effective, QLabel("起执行"), refresh):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.approve_selected_button)
        bar.addWidget(self.approve_all_button)
        self.summary = QLabel()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.horizontalHeader().setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.refresh()

    def _default_effective(self) -> None:
        self.effective.setDate(QDate(self.year.value() + 1, 1, 1))

    def effective_month(self) -> str:
        d = self.effective.date()
        return f"{d.year():04d}-{d.month():02d}"

    def refresh(self) -> None:
        try:
            self.proposals = self.service.propose(self.year.value())
        except LedgerError as exc:
            messages.warn(self, "年度调级", str(exc))
            self.proposals = []
        self.table.setRowCount(len(self.proposals))
        for r, p in enumerate(self.proposals):
            check = QTableWidgetItem()
            if p.approvable:
                check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                check.setCheckState(Qt.CheckState.Checked)
            else:
                check.setFlags(Qt.ItemFlag.ItemIsEnabled)
                check.setText("不调级")
            self.table.setItem(r, 0, check)
            for c, value in enumerate((p.community, p.name, p.post_name, f"{p.old_level}级",
                                       f"{p.new_level}级" if p.approvable else "—", p.reason), start=1):
                self.table.setItem(r, c, QTableWidgetItem(value))
        changes = sum(p.approvable for p in self.proposals)
        self.summary.setText(f"{self.year.value()}年度：{changes}人建议调级，{len(self.proposals) - changes}人不调级"
                             f"（原因见表）。已审批过的人员不再列出。")
        self.approve_selected_button.setEnabled(changes > 0)
        self.approve_all_button.setEnabled(changes > 0)

    def checked_ids(self) -> list[int]:
        return [p.worker_id for r, p in enumerate(self.proposals)
                if p.approvable and self.table.item(r, 0).checkState() == Qt.CheckState.Checked]

    def approve_selected(self) -> int:
        return self._approve(self.checked_ids())

    def approve_all(self) -> int:
        return self._approve(None)

    def _approve(self, ids: list[int] | None) -> int:
        count = len(ids) if ids is not None else sum(p.approvable for p in self.proposals)
        if not count:
            return 0
        month = self.effective_month()
        if not messages.ask(self, "审批年度调级", f"审批{self.year.value()}年度调级{count}人，自{month_label(month)}起执行？"
                                                 f"将写入调级记录并更新等级。", yes="审批"):
            return 0
        try:
            done = self.service.approve(self.year.value(), month, ids)
        except LedgerError as exc:
            messages.warn(self, "审批年度调级", str(exc))
            return 0
        messages.inform(self, "审批年度调级", f"已审批{done}人，已写入调级记录。")
        self.refresh()
        return done
