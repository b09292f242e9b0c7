"""年度人力成本 on the 报表 page (and as the 工资 page's 成本测算 window): the year's 应发 plus employer
contributions, and what a raise would cost.

测算 shows the figures; 导出Excel writes the workbook per worker. Both call the services `export cost` uses
(ledger.pay.cost.annual_cost, exports.labour_cost.export_labour_cost).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from exports.labour_cost import export_labour_cost
from ledger.errors import LedgerError
from ledger.money import format_yuan
from ledger.pay.cost import CostReport, annual_cost, first_open_month

from . import messages
from .dialog_sizes import remember_size
from .file_dialogs import EXCEL_FILTER, XLSX, save_path
from .tasks import run_task


class LabourCostView(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.setSuffix("年")
        self.raise_amount = QLineEdit("100")
        self.raise_amount.setMaximumWidth(90)
        self.raise_amount.setToolTip("测算：若每个等级的岗位等级工资每人每月上调这么多元，当年多支出多少")
        # from which month the raise applies: by default the first month whose pay is not yet approved
        self.raise_from = QSpinBox()
        self.raise_from.setRange(1, 12)
        self.raise_from.setPrefix("自")
        self.raise_from.setSuffix("月起")
        self.raise_from.setToolTip("已审批的月份不按新标准重算，最早从尚未审批的第一个月起")
        self.open_from = f"{date.today().year:04d}-01"
        self.year.valueChanged.connect(lambda _year: self.default_start())
        self.estimate_button = QPushButton("测算")
        self.estimate_button.clicked.connect(lambda: self.estimate())
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(lambda: self.export())
        row = QHBoxLayout()
        row.addWidget(QLabel("年度："))
        row.addWidget(self.year)
        row.addSpacing(16)
        row.addWidget(QLabel("测算："))
        row.addWidget(self.raise_from)
        row.addWidget(QLabel("等级额每人每月上调"))
        row.addWidget(self.raise_amount)
        row.addWidget(QLabel("元"))
        row.addSpacing(16)
        row.addWidget(self.estimate_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        self.result = QLabel("选择年度和上调金额，点“测算”。")
        self.result.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #7f8c8d;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def activate(self) -> None:
        try:
            self.window.ledger.actor.require("pay.read")
        except LedgerError as exc:
            why = str(exc)
        else:
            why = None
        for button in (self.estimate_button, self.export_button):
            button.setEnabled(why is None)
            button.setToolTip(why or "")
        if why:
            self.result.setText(why)
        else:
            self.default_start()

    def default_start(self) -> None:
        """Start the raise at the chosen year's first month not yet approved (January of a year all approved:
        the what-if then says that the year is no longer affected)."""
        try:
            self.open_from = first_open_month(self.window.ledger, self.year.value())
        except LedgerError:
            return
        all_approved = int(self.open_from[:4]) > self.year.value()
        self.raise_from.setValue(12 if all_approved else int(self.open_from[5:7]))
        self.raise_from.setEnabled(not all_approved)

    def _start(self) -> str | None:
        """The month chosen; None for a year all approved (the service then says so)."""
        if int(self.open_from[:4]) > self.year.value():
            return None
        return f"{self.year.value():04d}-{self.raise_from.value():02d}"

    def _show(self, report: CostReport) -> None:
        self.result.setText(f"<b>{report.year}年人力成本合计 {format_yuan(report.total)} 元</b>（{len(report.rows):,}人）<br>"
                            f"{report.what_if}")
        self.note.setText(report.note)

    def estimate(self):
        year, amount, start, ledger = self.year.value(), self.raise_amount.text(), self._start(), self.window.ledger
        return run_task(self, f"正在测算{year}年人力成本", lambda _p: annual_cost(ledger, year, amount, start),
                        self._show)

    def export(self, path: str | Path | None = None):
        year, amount, start, ledger = self.year.value(), self.raise_amount.text(), self._start(), self.window.ledger
        if path is None:
            path = save_path(self, XLSX, "导出年度人力成本", f"{year}年度人力成本.xlsx", EXCEL_FILTER, ".xlsx")
            if path is None:
                return None
        out = Path(path)

        def work(progress) -> CostReport:
            return export_labour_cost(ledger, year, out, amount, raise_from=start,
                                      progress=lambda done, total: progress.report(done, total, "正在写入"))

        def done(report: CostReport) -> None:
            self._show(report)
            messages.exported(self, "导出年度人力成本", f"已导出：{out}（合计 {format_yuan(report.total)} 元）", out)

        return run_task(self, f"正在导出{year}年人力成本", work, done)


class LabourCostDialog(QDialog):
    """成本测算 from the 工资 page: the 报表 page's 年度人力成本 view in a window of its own."""

    def __init__(self, window, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("成本测算 — 年度人力成本")
        self.setSizeGripEnabled(True)
        self.view = LabourCostView(window)
        self.view.year.setValue(year)
        self.view.activate()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(close)
        remember_size(self, "labour_cost", QSize(720, 260))


def open_labour_cost(window, year: int, parent: QWidget | None = None) -> LabourCostDialog:
    """Open the 成本测算 window (not blocking) and return it."""
    dialog = LabourCostDialog(window, year, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
