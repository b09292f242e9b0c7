"""操作日志: the audit trail with filters (who, when, which ledger, which record), and one record's history.

The trail itself is read-only: it is read through ledger.services.audit_query, which has no way to change an
entry. A record's history offers 恢复到此版本, which saves the record's values of that point through its service
(ledger.services.past_versions), version-checked, as a new change of the trail.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, QTableView,
                               QTextBrowser, QVBoxLayout, QWidget)

from exports.table import TableColumn
from ledger import catalog
from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.services.audit_query import (AuditFilter, AuditRow, audit_actions, audit_ledgers, audit_users,
                                         count_audit, query_audit, record_history, show_value)

from . import messages
from .dialog_sizes import remember_size
from .table_tools import TableTools

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

    def table_column(self, column: int) -> TableColumn:
        """How the trail prints (ui.table_tools): the time unbroken, the 内容 wrapping."""
        return TableColumn(COLUMNS[column], "code" if column == 0 else "text", 40 if column == len(COLUMNS) - 1 else None,
                           key=column == 0)

    def cell_value(self, row: int, column: int) -> str | None:
        cells = self._cells[row] if 0 <= row < len(self._cells) else ()
        return cells[column] if 0 <= column < len(cells) else None


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
        self.tools = TableTools(self.table, "操作日志", filters=self.describe_filter)
        for button in self.tools.buttons():
            filters.addWidget(button)
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

    def describe_filter(self) -> str:
        """The filters as the printout states them: 用户：张华；台账：社区工作者；2026-03-01至2026-03-31."""
        flt = self.current_filter()
        parts = [f"{label}：{value}" for label, value in (("用户", flt.user), ("台账", flt.ledger), ("操作", flt.action),
                                                          ("记录编号", flt.record_id), ("含文字", flt.text)) if value]
        if flt.since or flt.until:
            parts.append(f"{flt.since or ''}至{flt.until or ''}")
        return "；".join(parts)

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
    """One record's own history, oldest first, each entry in full below; 恢复到此版本 saves the record's values of
    the chosen entry back (through its service, with the version the dialog was opened with)."""

    def __init__(self, ledger: Ledger, ledger_name: str, record_id: int, label: str = "",
                 parent: QWidget | None = None, ledger_key: str | None = None, version: int | None = None):
        super().__init__(parent)
        self.ledger, self.ledger_name, self.record_id, self.label = ledger, ledger_name, record_id, label
        self.ledger_key, self.version = ledger_key, version
        self.setWindowTitle(f"修改历史 — {ledger_name} {label}".rstrip())
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for column in (4, 5):   # 台账 and 记录: the same on every line of one record's history
            self.table.setColumnHidden(column, True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.tools = TableTools(self.table, lambda: self.windowTitle().removeprefix("修改历史 — ") + " 修改历史")
        self.browser = QTextBrowser()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.browser)
        splitter.setSizes([260, 200])
        self.restore_button = QPushButton("恢复到此版本…")
        self.restore_button.setToolTip("把这条记录的内容改回所选这一步之后的样子（作为一次新的修改记入日志）")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_button.setVisible(ledger_key is not None)
        self.restore_button.setEnabled(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        remember_size(self, "history", QSize(820, 520))
        self.load()

    def load(self) -> None:
        try:
            self.rows = record_history(self.ledger, self.ledger_name, self.record_id)
        except LedgerError as exc:
            self.rows = []
            self.model.set_rows([])
            self.browser.setPlainText(str(exc))
            return
        self.model.set_rows(self.rows)
        if not self.rows:
            self.browser.setPlainText("这条记录还没有修改历史")
            return
        self.table.selectRow(len(self.rows) - 1)

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.rows[current.row()] if current.isValid() and 0 <= current.row() < len(self.model.rows) else None
        self.browser.setHtml(details_html(row) if row is not None else "")
        self.restore_button.setEnabled(row is not None and row.action in RESTORABLE and current.row() < len(self.rows) - 1)

    def selected(self) -> AuditRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and 0 <= index.row() < len(self.model.rows) else None

    def restore_selected(self) -> dict | None:
        """恢复到此版本: the chosen entry's values saved back; a change by someone else since is refused, named."""
        row = self.selected()
        if row is None or self.ledger_key is None:
            return None
        if not messages.ask(self, "恢复到此版本", f"把{self.ledger_name}“{self.label}”的内容恢复到"
                                                f"{row.at:%Y-%m-%d %H:%M:%S}（{row.user}{row.action}）之后的样子吗？"
                                                f"这会作为一次新的修改记入操作日志，可以撤销。", yes="恢复"):
            return None
        from ledger.services.past_versions import restore_version

        from . import undo
        service = catalog.ledger(self.ledger_key).make(self.ledger)
        try:
            before = service.get(self.record_id)
            after = restore_version(self.ledger, self.ledger_key, self.record_id, row.id, self.version)
        except LedgerError as exc:
            messages.warn(self, "未能恢复", str(exc))
            self._reread()
            return None
        self.version = after.get("version")
        window = undo.window_of(self.parentWidget())
        keys = undo.changed_keys(service, before, after)
        if window is not None and keys:
            undo.push(window, undo.EditCommand(window, service, before, after, keys))
        refresh = getattr(window, "records_changed", None)
        if refresh is not None:
            refresh(self.ledger_key)
        self.load()
        messages.inform(self, "恢复到此版本", f"已恢复到{row.at:%Y-%m-%d %H:%M:%S}之后的内容。")
        return after

    def _reread(self) -> None:
        """After a refusal: the history as it is now (the other person's change shows) and the record's version."""
        try:
            self.version = catalog.ledger(self.ledger_key).make(self.ledger).get(self.record_id).get("version")
        except LedgerError:
            pass
        self.load()


# entries after which a record's values are known whole or in part: the points it can be restored to
RESTORABLE = ("新增", "修改", "恢复")


def show_record_history(ledger: Ledger, ledger_name: str, record_id: int, label: str = "",
                        parent: QWidget | None = None, *, ledger_key: str | None = None,
                        version: int | None = None) -> RecordHistoryDialog:
    """Open a record's history (non-modal) and return the dialog; with `ledger_key` it offers 恢复到此版本."""
    dialog = RecordHistoryDialog(ledger, ledger_name, record_id, label, parent, ledger_key, version)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
