"""A registered member's dialog: the form beside the service records the member has done for the community."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from .record_dialog import RecordDialog
from .table_model import TupleTableModel


class RegistrationDialog(RecordDialog):
    def build_body(self, form: QWidget) -> QWidget:
        services = (self.record or {}).get("services") or []
        hours = sum((s["hours"] for s in services if s["hours"] is not None), Decimal("0.00"))
        box = QGroupBox("服务记录")
        self.summary = QLabel(f"共 {len(services)} 次，合计 {hours:,.2f} 小时" if services else
                              "还没有服务记录（在“在职党员服务记录”台账中登记或导入）")
        self.summary.setWordWrap(True)
        self.services = TupleTableModel(("日期", "服务内容", "时长（小时）"))
        self.services.set_rows([(s["served_on"].isoformat(), s["content"],
                                 "" if s["hours"] is None else f"{s['hours']:.2f}") for s in reversed(services)])
        view = QTableView()
        view.setModel(self.services)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        view.setVisible(bool(services))
        column = QVBoxLayout(box)
        column.addWidget(self.summary)
        column.addWidget(view, 1)
        box.setFixedWidth(320)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(form, 1)
        row.addWidget(box)
        return body
