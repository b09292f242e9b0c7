"""A venue's dialog: its function rooms edited as a small table, and 每百户面积 and 达标 as you type."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ledger.errors import LedgerError
from ledger.fields import Field, format_rooms, parse_rooms
from ledger.services.street import get_settings
from ledger.services.venues import meets_standard, per_100_households
from ledger.settings import SPECS as SETTING_SPECS

from .field_editors import Editor
from .record_dialog import RecordDialog


class RoomsEditor(Editor):
    """功能室 as rows of name and area; gives the service the text form '会议室(60)、活动室(80)' so that a bad
    area gets the service's own message."""

    def __init__(self):
        self.widget = QWidget()
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["功能室名称", "面积（平方米）"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(130)
        self.table.setMaximumHeight(170)
        add = QPushButton("添加功能室")
        remove = QPushButton("删除")
        add.clicked.connect(self.add_row)
        remove.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        self._slots: list[Callable[[], None]] = []
        self.table.itemChanged.connect(lambda _item: self._emit())

    def _emit(self) -> None:
        for slot in self._slots:
            slot()

    def add_row(self) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(""))
        area = QTableWidgetItem("")
        area.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 1, area)
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))

    def remove_row(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self._emit()

    def rows(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, 0).text() if self.table.item(row, 0) else "").strip()
            area = (self.table.item(row, 1).text() if self.table.item(row, 1) else "").strip()
            if name or area:
                out.append((name or "未命名", area))
        return out

    def value(self) -> str:
        return "、".join(f"{name}({area})" if area else name for name, area in self.rows())

    def set_value(self, text: str) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        try:
            rooms = parse_rooms(text) if text else []
        except ValueError:
            rooms = []
        for name, area in rooms:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(name))
            cell = QTableWidgetItem("" if area is None else f"{area:.2f}")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, cell)
        self.table.blockSignals(False)

    def on_change(self, slot: Callable[[], None]) -> None:
        self._slots.append(slot)


class VenueDialog(RecordDialog):
    wide_fields = ("rooms",)

    def editor_for(self, field: Field) -> Editor:
        if field.key == "rooms":
            return RoomsEditor()
        return super().editor_for(field)

    def initial_text(self, field: Field) -> str:
        if field.key == "rooms" and self.record is not None:
            return format_rooms(self.record.get("rooms") or [])
        return super().initial_text(field)

    def build_body(self, form: QWidget) -> QWidget:
        try:
            self._settings = get_settings(self.ledger)
        except LedgerError:
            self._settings = {spec.key: spec.default for spec in SETTING_SPECS}
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        box = QGroupBox("面积与达标（按本系统设置的标准）")
        QVBoxLayout(box).addWidget(self.figures)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(form, 1)
        column.addWidget(box)
        return body

    def values_changed(self) -> None:
        area, households = self.parsed("floor_area"), self.parsed("households_served")
        rooms = self.parsed("rooms") or []
        room_total = sum((a for _n, a in rooms if a is not None), Decimal("0"))
        per100 = per_100_households(area, households)
        verdict = None
        if area is not None:
            verdict = meets_standard(self.editors["kind"].value() or None, self.editors["tier"].value() or None, area,
                                     households, self._settings["venue_min_area"],
                                     self._settings["venue_min_area_per_100"])
        standard = (f"社区级党群服务中心不少于 {self._settings['venue_min_area']} 平方米，"
                    f"且每百户不少于 {self._settings['venue_min_area_per_100']} 平方米")
        state = {True: "<span style='color:#27835a'><b>达标</b></span>",
                 False: "<span style='color:#c0392b'><b>未达标</b></span>"}.get(
            verdict, "不评定（只评定社区级党群服务中心）")
        self.figures.setText(
            f"建筑面积：{f'{area:,.2f} 平方米' if area is not None else '—'}　　"
            f"功能室 {len(rooms)} 间，合计 {room_total:,.2f} 平方米<br>"
            f"每百户面积：{f'{per100:,.2f} 平方米' if per100 is not None else '—（未填服务户数）'}　　"
            f"达标情况：{state}<br><span style='color:#7f8c8d'>标准：{standard}</span>")
