"""操作日志: the audit trail with filters (who, when, which ledger, which record), and one record's history.

Read-only by construction: it only calls ledger.services.audit_query, which has no way to change an entry.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, QTableView,
                               QTextBrowser, QVBoxLayout, QWidget)

from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.services.audit_query import (AuditFilter, AuditRow, audit_actions, audit_ledgers, audit_users,
                                         count_audit, query_audit, record_history, show_value)

from .dialog_sizes import remember_size

ANY = "全部"
COLUMNS = ("时间", "用户", "来源", "操作", "台账", "记录", "内容")
PAGE = 2000   # newest entries shown at once; a narrower filter finds older ones

Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    """A thin model over a list of AuditRow; never raises from data()."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self._cells: list[tuple[str, ...]] = []

    def set_rows(self, rows: Sequence[AuditRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._cells = [(f"{r.at:%Y-%m-%d %H:%M:%S}", r.user, r.source, r.action, r.ledger, r.label, r.summary())
                       for r in self.rows]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)):
        if not index.isValid() or not 0 <= index.row() < len(self._cells) or not 0 <= index.column() < len(COLUMNS):
            return None
        if role in (int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)):
            text = self._cells[index.row()][index.column()]
            if role == int(Qt.ItemDataRole.DisplayRole) and len(text) > 120:
                return text[:120] + "…"
            return text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = int(Qt.ItemDataRole.DisplayRole)):  # noqa: N802
        if role == int(Qt.ItemDataRole.DisplayRole) and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None


def details_html(row: AuditRow) -> str:
    """One entry in full: what, who, when, and each field's old and new value."""
    from html import escape
    number = f"（编号{row.record_id}）" if row.record_id is not None else ""
    head = (f"<b>{escape(row.action)}</b>　{escape(row.ledger)}　{escape(row.label)}{number}<br>"
            f"{row.at:%Y-%m-%d %H:%M:%S}　{escape(row.user)}（{escape(row.source)}）")
    if not row.changes:
        return head
    lines = "".join(f"<tr><td>{escape(c.field)}</td><td>{escape(show_value(c.old))}</td><td>{escape(show_value(c.new))}</td></tr>"
                    for c in row.changes)
    # the whole width, shared out: a long value wraps in its cell instead of squeezing the labels
    return (head + "<table border='1' cellspacing='0' cellpadding='3' width='100%' style='margin-top:6px'>"
            "<tr><th width='26%'>字段</th><th width='37%'>原值</th><th width='37%'>新值</th></tr>" + lines + "</table>")


class AuditView(QWidget):
    """The whole trail, newest first, with filters; selecting an entry shows it in full below."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.user = QComboBox()
        self.ledger_name = QComboBox()
        self.action = QComboBox()
        self.use_dates = QCheckBox("日期")
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.until = QDateEdit(QDate.currentDate())
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.use_dates.toggled.connect(self.since.setEnabled)
        self.use_dates.toggled.connect(self.until.setEnabled)
        self.record = QLineEdit()
        self.record.setPlaceholderText("记录编号")
        self.record.setMaximumWidth(90)
        self.text = QLineEdit()
        self.text.setPlaceholderText("名称或用户名中的文字")
        self.search = QPushButton("查询")
        self.search.clicked.connect(self.refresh)
        self.text.returnPressed.connect(self.refresh)
        self.record.returnPressed.connect(self.refresh)

        filters = QHBoxLayout()
        for label, widget in (("用户", self.user), ("台账", self.ledger_name), ("操作", self.action)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.until)
        filters.addWidget(self.record)
        filters.addWidget(self.text, 1)
        filters.addWidget(self.search)

        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.details = QTextBrowser()
        self.status = QLabel("")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([400, 140])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._fill_choices()
        self.refresh()

    def _fill_choices(self) -> None:
        try:
            users, actions = audit_users(self.ledger), audit_actions(self.ledger)
        except LedgerError as exc:
            users, actions = [], []
            self.status.setText(str(exc))
        for combo, items in ((self.user, users), (self.ledger_name, audit_ledgers()), (self.action, actions)):
            combo.clear()
            combo.addItem(ANY)
            combo.addItems(items)

    def current_filter(self) -> AuditFilter:
        def choice(combo: QComboBox) -> str | None:
            return None if combo.currentText() == ANY else combo.currentText()
        record = self.record.text().strip()
        since = until = None
        if self.use_dates.isChecked():
            since, until = self.since.date().toPython(), self.until.date().toPython()
        return AuditFilter(user=choice(self.user), ledger=choice(self.ledger_name), action=choice(self.action),
                           since=since, until=until, record_id=int(record) if record.isdigit() else None,
                           text=self.text.text().strip() or None)

    def set_filter(self, *, user: str | None = None, ledger: str | None = None, record_id: int | None = None,
                   since: date | None = None, until: date | None = None) -> None:
        """Preset the filters (e.g. from a record's page) and search."""
        if user:
            self.user.setCurrentText(user)
        if ledger:
            self.ledger_name.setCurrentText(ledger)
        self.record.setText(str(record_id) if record_id is not None else "")
        if since or until:
            self.use_dates.setChecked(True)
            if since:
                self.since.setDate(QDate(since.year, since.month, since.day))
            if until:
                self.until.setDate(QDate(until.year, until.month, until.day))
        self.refresh()

    def refresh(self) -> None:
        flt = self.current_filter()
        try:
            rows = query_audit(self.ledger, flt, limit=PAGE)
            total = count_audit(self.ledger, flt)
        except LedgerError as exc:
            self.model.set_rows([])
            self.status.setText(str(exc))
            return
        self.model.set_rows(rows)
        self.details.clear()
        more = f"，显示最近{len(rows)}条，请缩小查询范围查看更早的记录" if total > len(rows) else ""
        self.status.setText(f"共{total}条{more}")

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and 0 <= current.row() < len(self.model.rows):
            self.details.setHtml(details_html(self.model.rows[current.row()]))


class RecordHistoryDialog(QDialog):
    """One record's own history, oldest first: opened from the record's page."""

    def __init__(self, ledger: Ledger, ledger_name: str, record_id: int, label: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"修改历史 — {ledger_name} {label}".rstrip())
        self.browser = QTextBrowser()
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        remember_size(self, "history", QSize(820, 520))
        try:
            self.rows = record_history(ledger, ledger_name, record_id)
        except LedgerError as exc:
            self.rows = []
            self.browser.setPlainText(str(exc))
            return
        if not self.rows:
            self.browser.setPlainText("这条记录还没有修改历史")
            return
        self.browser.setHtml("<hr>".join(details_html(r) for r in self.rows))


def show_record_history(ledger: Ledger, ledger_name: str, record_id: int, label: str = "",
                        parent: QWidget | None = None) -> RecordHistoryDialog:
    """Open a record's history (non-modal) and return the dialog."""
    dialog = RecordHistoryDialog(ledger, ledger_name, record_id, label, parent)
    dialog.show()
    return dialog
