"""恢复备份: offered at start-up when the database file is damaged, and to an administrator at any time.

The dialog lists the automatic backups with whether each passes the checks, preselects the newest good one,
and restores through ledger.backup.restore (which verifies the file again and keeps the current database
aside). No rule lives here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QVBoxLayout, QWidget)

from ledger import backup
from ledger.app import Ledger
from ledger.errors import LedgerError

from .dialog_sizes import remember_size
from .file_dialogs import BACKUP, open_path

_ROLE_PATH = int(Qt.ItemDataRole.UserRole)


def confirm(parent: QWidget | None, text: str) -> bool:
    """Asked before replacing the database; tests patch this instead of showing a modal box."""
    box = QMessageBox(QMessageBox.Icon.Warning, "恢复备份", text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


class RestoreDialog(QDialog):
    """Choose a backup and put it in place of the database.

    With `problem` (the start-up path) the current file is damaged and no login is possible; with `ledger`
    an administrator restores a sound database (the ledger is closed by the restore: reopen afterwards).
    """

    def __init__(self, db_path: Path, problem: str | None = None, ledger: Ledger | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.ledger = ledger
        self.restored_from: Path | None = None
        self.kept_aside: Path | None = None
        self.setWindowTitle("恢复备份")
        remember_size(self, "restore", QSize(620, 400))

        layout = QVBoxLayout(self)
        if problem:
            head = QLabel(f"<b>数据库文件已损坏，无法打开。</b><br>{problem}<br><br>"
                          "可以用下面的备份恢复。当前的损坏文件会另存到备份文件夹，不会删除。")
            head.setStyleSheet("color: #922b21;")
        else:
            head = QLabel("选择一个备份来替换当前数据库。当前数据库会先另存到备份文件夹。")
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(head)
        layout.addWidget(QLabel(f"数据库：{self.db_path}"))
        self.list = QListWidget()
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.list, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b;")
        layout.addWidget(self.message)

        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("用选中的备份恢复", QDialogButtonBox.ButtonRole.AcceptRole)
        self.browse_button = QPushButton("选择其他备份文件…")
        buttons.addButton(self.browse_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("退出" if problem else "取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self.restore_selected)
        self.browse_button.clicked.connect(self.browse)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fill()

    def fill(self) -> None:
        """List the backups, newest first, each checked; select the newest good one."""
        self.list.clear()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            chosen = None
            for found in backup.list_backups(self.db_path):
                try:
                    backup.verify_backup(found.path)
                    state, good = "可用", True
                except LedgerError as exc:
                    state, good = f"不可用：{exc}", False
                item = QListWidgetItem(f"{found.label}　{found.size / 1024 / 1024:.1f} MB　{state}")
                item.setData(_ROLE_PATH, str(found.path))
                if not good:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                self.list.addItem(item)
                if good and chosen is None:
                    chosen = item
        finally:
            QGuiApplication.restoreOverrideCursor()
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        elif self.list.count() == 0:
            self.message.setText("没有找到自动备份。如有其他备份文件（如 U 盘上的），请点“选择其他备份文件”。")
        else:
            self.message.setText("没有可用的自动备份。如有其他备份文件，请点“选择其他备份文件”。")
        self._selection_changed()

    def selected_path(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(_ROLE_PATH)) if item is not None and item.isSelected() else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected_path() is not None)

    def browse(self) -> None:
        path = open_path(self, BACKUP, "选择备份文件", "数据库备份 (*.sqlite *.db);;所有文件 (*)",
                         fallback=backup.paths.backups_dir())
        if path is not None:
            self.restore_from(path)

    def restore_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.restore_from(path)

    def restore_from(self, source: Path) -> bool:
        try:
            backup.verify_backup(source)
        except LedgerError as exc:
            self.message.setText(str(exc))
            return False
        if not confirm(self, f"用备份“{source.name}”替换数据库“{self.db_path.name}”？\n当前数据库会另存到备份文件夹。"):
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.kept_aside = backup.restore(self.db_path, source, self.ledger)
        except LedgerError as exc:
            self.message.setText(str(exc))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.restored_from = source
        self.accept()
        return True


def offer_restore(db_path: Path, parent: QWidget | None = None) -> bool | None:
    """At start-up: None when the file is fine (or new); else show the dialog and return whether it was
    restored (False: the person chose to quit)."""
    problem = backup.database_problem(Path(db_path))
    if problem is None:
        return None
    dialog = RestoreDialog(Path(db_path), problem=problem, parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
