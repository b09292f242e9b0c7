"""节假日与办理时限: an administrator enters each year's holidays and weekend days worked, and the default 办理时限
of each 类别 of 民生诉求. Every change goes through the services (ledger/services/holidays.py, the settings) and
is in the audit trail; a refusal is the service's message."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ledger.case_flow import LIMIT_SETTINGS
from ledger.errors import LedgerError
from ledger.services.holidays import clear_day, days_of, set_day, years_entered
from ledger.services.cases import put_limits
from ledger.services.street import get_settings
from ledger.workdays import KINDS

from .dialog_sizes import remember_size
from .record_dialog import ERROR_STYLE


class HolidaysDialog(QDialog):
    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("节假日与办理时限")
        self.year = QComboBox()
        this_year = date.today().year
        for year in sorted(set(years_entered(ledger)) | {this_year, this_year + 1}):
            self.year.addItem(f"{year}年", year)
        self.year.setCurrentIndex(self.year.findData(this_year))
        self.year.currentIndexChanged.connect(self.show_year)
        self.summary = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["日期", "星期", "安排", "节日"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.day = QLineEdit()
        self.day.setPlaceholderText("如 2027-02-06")
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.name = QLineEdit()
        self.name.setPlaceholderText("节日，如 春节")
        add = QPushButton("登记")
        add.clicked.connect(self.add_day)
        remove = QPushButton("取消选中日期的登记")
        remove.clicked.connect(self.remove_days)
        entry = QHBoxLayout()
        for widget in (QLabel("日期："), self.day, self.kind, self.name, add):
            entry.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        top.addWidget(remove)
        days_box = QGroupBox("节假日安排（放假，以及调休上班的周六、周日；未录入的年份只按周末计算）")
        column = QVBoxLayout(days_box)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(entry)

        self.limits: dict[str, QLineEdit] = {}
        limits_box = QGroupBox("民生诉求默认办理时限（工作日，转办时可另定）")
        grid = QGridLayout(limits_box)
        values = get_settings(ledger)
        for n, (category, (key, _default)) in enumerate(LIMIT_SETTINGS.items()):
            edit = QLineEdit(str(values[key]))
            edit.setMaximumWidth(60)
            self.limits[key] = edit
            grid.addWidget(QLabel(f"{category}："), n // 4, (n % 4) * 2)
            grid.addWidget(edit, n // 4, (n % 4) * 2 + 1)
        save = QPushButton("保存时限")
        save.clicked.connect(self.save_limits)
        grid.addWidget(save, 1, 7)

        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(days_box, 1)
        layout.addWidget(limits_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.show_year()
        remember_size(self, "holidays", QSize(760, 600))

    def chosen_year(self) -> int:
        return int(self.year.currentData())

    def show_year(self) -> None:
        days = days_of(self.ledger, self.chosen_year())
        self.table.setRowCount(len(days))
        for row, d in enumerate(days):
            for column, text in enumerate((f"{d.day:%Y-%m-%d}", f"星期{d.weekday}", d.kind, d.name)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        off = sum(1 for d in days if d.kind == KINDS[0])
        self.summary.setText(f"放假{off}天，调休上班{len(days) - off}天" if days else "尚未录入")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def add_day(self) -> None:
        try:
            entered = set_day(self.ledger, self.day.text(), self.kind.currentText(), self.name.text())
        except LedgerError as exc:
            self._say(str(exc), error=True)
            return
        if self.year.findData(entered.day.year) < 0:
            self.year.addItem(f"{entered.day.year}年", entered.day.year)
        self.year.setCurrentIndex(self.year.findData(entered.day.year))
        self.show_year()
        self.day.clear()
        self._say(f"已登记：{entered.day:%Y-%m-%d}（星期{entered.weekday}）{entered.kind}")

    def remove_days(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        try:
            for row in rows:
                clear_day(self.ledger, self.table.item(row, 0).text())
        except LedgerError as exc:
            self._say(str(exc), error=True)
        self.show_year()
        if rows:
            self._say(f"已取消{len(rows)}天的登记，按星期计算")

    def save_limits(self) -> None:
        try:
            put_limits(self.ledger, {category: self.limits[key].text()
                                     for category, (key, _default) in LIMIT_SETTINGS.items()})
        except LedgerError as exc:
            self._say(str(exc), error=True)
            return
        self._say("已保存办理时限；此后转办的诉求按新的时限计算")
