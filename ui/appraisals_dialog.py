"""录入年度考核: the year's grades of many workers in one table — picked per row or set for the selected rows at
once — saved all or nothing by ledger.pay.appraisals.record_appraisals, a refused row named."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QStyledItemDelegate, QTableView,
                               QVBoxLayout, QWidget)

from exports.table import TableColumn
from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.pay.appraisals import AppraisalRow, appraisal_sheet, record_appraisals
from ledger.paystandard import APPRAISAL_GRADES

from . import messages
from .dialog_sizes import remember_size
from .pinyin import initials
from .table_tools import TableTools

HEADERS = ("社区", "姓名", "岗位", "考核结果", "备注")
GRADE = 3
_MISSING = QBrush(QColor("#fde2e1"))
_CHANGED = QBrush(QColor("#e6f0fb"))


class AppraisalModel(QAbstractTableModel):
    """The workers of the sheet; 考核结果 is edited in place (a list of the grades)."""

    def __init__(self, rows: list[AppraisalRow], parent=None):
        super().__init__(parent)
        self.rows = rows
        self.grades: dict[int, str] = {r.worker_id: r.grade or "" for r in rows}
        self.shown: list[int] = list(range(len(rows)))

    def show(self, text: str, missing_only: bool) -> None:
        text = text.strip().lower()
        self.beginResetModel()
        self.shown = [i for i, r in enumerate(self.rows)
                      if (not missing_only or not self.grades[r.worker_id])
                      and (not text or text in f"{r.community}{r.name}".lower() or text in initials(r.name)
                           or text in initials(r.community))]
        self.endResetModel()

    def row(self, view_row: int) -> AppraisalRow | None:
        return self.rows[self.shown[view_row]] if 0 <= view_row < len(self.shown) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index):
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == GRADE else flags

    def cell_value(self, view_row: int, column: int) -> Any:
        r = self.row(view_row)
        if r is None or not 0 <= column < len(HEADERS):
            return None
        return (r.community, r.name, r.post, self.grades[r.worker_id], r.note or "")[column]

    def table_column(self, column: int) -> TableColumn:
        return TableColumn(HEADERS[column], "short" if column in (2, GRADE) else "text", key=column < 2)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        r = self.row(index.row()) if index.isValid() else None
        if r is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = self.cell_value(index.row(), index.column())
            return "（未录入）" if index.column() == GRADE and not value and role == Qt.ItemDataRole.DisplayRole else value
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == GRADE:
            grade = self.grades[r.worker_id]
            return _MISSING if not grade else _CHANGED if grade != (r.grade or "") else None
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        r = self.row(index.row()) if index.isValid() and index.column() == GRADE else None
        if r is None or role != Qt.ItemDataRole.EditRole:
            return False
        self.grades[r.worker_id] = str(value or "")
        self.dataChanged.emit(index, index)
        return True

    def set_grade(self, view_rows: list[int], grade: str) -> None:
        for view_row in view_rows:
            self.setData(self.index(view_row, GRADE), grade)

    def changed(self) -> dict[int, str]:
        """The grades set here that differ from the stored ones (a cleared grade is not a change to save)."""
        return {r.worker_id: self.grades[r.worker_id] for r in self.rows
                if self.grades[r.worker_id] and self.grades[r.worker_id] != (r.grade or "")}

    def missing(self) -> int:
        return sum(1 for r in self.rows if not self.grades[r.worker_id])


class GradeDelegate(QStyledItemDelegate):
    def createEditor(self, parent, _option, _index):  # noqa: N802 (Qt's name)
        box = QComboBox(parent)
        box.addItems(["", *APPRAISAL_GRADES])
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText())


class AppraisalsDialog(QDialog):
    """The year's appraisals of the workers of a month's run (or of those in post); `saved(count)` after a save."""

    saved = Signal(int)

    def __init__(self, ledger: Ledger, year: int, month: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.year = ledger, year
        self.setWindowTitle(f"录入{year}年度考核")
        self.setSizeGripEnabled(True)
        try:
            rows = appraisal_sheet(ledger, year, month)
        except LedgerError as exc:
            rows = []
            messages.warn(self, "年度考核", str(exc))
        self.model = AppraisalModel(rows, self)
        self.model.dataChanged.connect(lambda *_args: self._count())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(GRADE, GradeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.SelectedClicked
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for column, width in enumerate((130, 90, 60, 90)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tools = TableTools(self.table, f"{year}年度考核")
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名、社区或拼音首字母")
        self.search.setClearButtonEnabled(True)
        self.missing_only = QCheckBox("只显示未录入的")
        self.search.textChanged.connect(self._filter)
        self.missing_only.toggled.connect(self._filter)
        self.bulk_grade = QComboBox()
        self.bulk_grade.addItems(APPRAISAL_GRADES)
        self.bulk_grade.setCurrentText("合格")
        self.bulk_button = QPushButton("设为所选人员的考核结果")
        self.bulk_button.setToolTip("先在表格中选中多人（Ctrl+A 全选当前显示的人），再点此按钮")
        self.bulk_button.clicked.connect(self.apply_to_selected)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.missing_only)
        top.addSpacing(12)
        top.addWidget(self.bulk_grade)
        top.addWidget(self.bulk_button)
        self.count_label = QLabel()
        hint = QLabel("双击“考核结果”选择，或选中多人后一次设定；保存时一起写入，有一行不对就都不写入。"
                      "考核结果决定奖励性绩效：优秀、合格、基本合格、不合格按工资标准发放。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.missing_only.setChecked(self.model.missing() > 0)
        self._count()
        remember_size(self, "appraisals", QSize(760, 600))

    def _filter(self) -> None:
        self.model.show(self.search.text(), self.missing_only.isChecked())

    def _count(self) -> None:
        total, missing, changed = len(self.model.rows), self.model.missing(), len(self.model.changed())
        self.count_label.setText(f"共{total:,}人，未录入{missing:,}人" + (f"，本次录入或修改{changed:,}人" if changed else ""))

    def apply_to_selected(self) -> int:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            messages.inform(self, "年度考核", "请先在表格中选中人员（Ctrl+A 全选当前显示的人）")
            return 0
        self.model.set_grade(rows, self.bulk_grade.currentText())
        return len(rows)

    def save(self) -> int | None:
        changed = self.model.changed()
        if not changed:
            messages.inform(self, "年度考核", "没有新录入或修改的考核结果")
            return None
        try:
            written = record_appraisals(self.ledger, self.year, changed)
        except LedgerError as exc:
            messages.warn(self, "未能保存", f"没有保存任何考核结果：\n{exc}")
            return None
        self.saved.emit(written)
        self.accept()
        return written


def open_appraisals(ledger: Ledger, year: int, month: str | None, parent: QWidget | None) -> AppraisalsDialog:
    dialog = AppraisalsDialog(ledger, year, month, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
