"""回收站 (系统 menu): the deleted records a person may see, restored under their own ids, or emptied by an
administrator. Every step is a call of ledger.services.recycle_bin, which says why a restore is refused."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from ledger.errors import LedgerError, ValidationError
from ledger.services.recycle_bin import BinEntry, RecycleBin

from . import messages
from .dialog_sizes import remember_size
from .table_model import TupleTableModel
from .table_tools import TableTools

HEADERS = ("台账", "记录", "删除时间", "删除人", "一并保存的内容")


class RecycleBinDialog(QDialog):
    """The bin's entries, newest deletion first; `window` is the main window (its ledger and its pages)."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.window_ = window
        self.entries: list[BinEntry] = []
        self.setWindowTitle("回收站")
        self.setSizeGripEnabled(True)
        hint = QLabel("删除的记录连同其调级记录、年度考核、功能室等一起保存在这里，恢复后编号和修改历史不变。"
                      "如果恢复时有相同身份证号、名称的记录已经存在，或它所属的社区已被删除，会说明原因，不会恢复。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.model = TupleTableModel(HEADERS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.tools = TableTools(self.table, "回收站")
        self.status = QLabel()
        self.restore_button = QPushButton("恢复所选")
        self.restore_button.setToolTip("把选中的记录恢复到台账中（编号不变）")
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button = QPushButton("清空回收站…")
        self.empty_button.clicked.connect(self.empty)
        allowed = window.ledger.actor.can("recycle.empty")
        self.empty_button.setEnabled(allowed)
        self.empty_button.setToolTip("彻底删除回收站中的全部记录，不能再恢复" if allowed else "只有管理员可以清空回收站")
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        remember_size(self, "recycle_bin", QSize(900, 520))
        self.load()

    @property
    def ledger(self):
        return self.window_.ledger

    def load(self) -> None:
        try:
            self.entries = RecycleBin(self.ledger).list()
        except LedgerError as exc:
            self.entries = []
            self.status.setText(str(exc))
        rows = [(e.ledger_name, e.name, f"{e.deleted_at:%Y-%m-%d %H:%M}", e.deleted_by, e.contents) for e in self.entries]
        self.model.set_rows(rows, payload=self.entries)
        self.status.setText(f"共{len(self.entries):,}条已删除的记录" if self.entries else "回收站是空的")
        self.restore_button.setEnabled(bool(self.entries))
        self.empty_button.setEnabled(bool(self.entries) and self.ledger.actor.can("recycle.empty"))

    def select(self, names: list[str]) -> None:
        """Select the entries of these records (as a clerk clicks them)."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row, entry in enumerate(self.entries):
            if entry.name in names:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def selected(self) -> list[BinEntry]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.entries[r] for r in rows if 0 <= r < len(self.entries)]

    def restore_selected(self) -> list[str]:
        """Restore each selected record; the ones refused are named with the reason. Returns what was restored."""
        chosen = self.selected()
        if not chosen:
            messages.inform(self, "恢复", "请先选中要恢复的记录")
            return []
        done, refused = [], []
        for entry in chosen:
            try:
                RecycleBin(self.ledger).restore(entry.id)
            except ValidationError as exc:
                refused.append(f"{entry.ledger_name}“{entry.name}”：" + "；".join(str(p) for p in exc.problems))
            except LedgerError as exc:
                refused.append(f"{entry.ledger_name}“{entry.name}”：{exc}")
            else:
                done.append(entry)
        for key in {e.ledger_key for e in done}:
            refresh = getattr(self.window_, "records_changed", None)
            if refresh is not None:
                refresh(key)
        self.load()
        if refused:
            head = f"已恢复{len(done)}条。" if done else ""
            messages.warn(self, "未能恢复", head + "以下记录没有恢复：\n" + "\n".join(refused[:10]))
        elif done:
            messages.inform(self, "恢复", "已恢复：" + "、".join(e.name for e in done[:10])
                            + (f"等{len(done)}条" if len(done) > 10 else ""))
        return [e.name for e in done]

    def empty(self) -> int:
        count = len(self.entries)
        if not count or not messages.ask(self, "清空回收站", f"彻底删除回收站中的{count:,}条记录吗？清空后不能再恢复。",
                                         yes="清空回收站"):
            return 0
        try:
            gone = RecycleBin(self.ledger).empty()
        except LedgerError as exc:
            messages.warn(self, "清空回收站", str(exc))
            return 0
        self.load()
        messages.inform(self, "清空回收站", f"已彻底删除{gone:,}条记录。")
        return gone


def open_recycle_bin(window) -> RecycleBinDialog:
    """Open the 回收站 (window-modal, not blocking) and return it."""
    dialog = RecycleBinDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
