"""The 系统 menu: accounts, password, the audit trail, a record's history, the 回收站, backup and restore.

Each item calls a service that checks the signed-in user's rights itself; a refusal is shown as its
Chinese message. After a restore, or once the first account turns login on, the window closes and the
application opens the database again (with a login where one is now needed).
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QVBoxLayout

from ledger import backup
from ledger.db import sqlite_file
from ledger.errors import LedgerError

from . import messages
from .dialog_sizes import remember_size
from .file_dialogs import BACKUP, save_path


def build_system_menu(window) -> None:
    menu = window.menuBar().addMenu("系统(&S)")
    items = (
        ("账号管理…", accounts), ("修改密码…", change_password), None,
        ("操作日志…", audit_log), ("当前记录的修改历史…", record_history), ("回收站…", recycle_bin), None,
        ("节假日与办理时限…", holidays), None,
        ("备份数据库…", make_backup), ("从备份恢复…", restore),
    )
    for item in items:
        if item is None:
            menu.addSeparator()
            continue
        text, handler = item
        action = QAction(text, window)
        # bound now: a closure would see the loop's last text (every box was titled 从备份恢复)
        action.triggered.connect(lambda _checked=False, h=handler, t=text: _guarded(window, t, h))
        menu.addAction(action)


def _guarded(window, title: str, handler) -> None:
    try:
        handler(window)
    except LedgerError as exc:
        messages.warn(window, title.rstrip("…"), str(exc))


def accounts(window) -> None:
    from .accounts_dialog import AccountsDialog
    window.ledger.actor.require("accounts")
    dialog = AccountsDialog(window.ledger, window)
    turned_on: list[str] = []
    dialog.login_enabled.connect(turned_on.append)
    dialog.exec()
    if turned_on:
        messages.inform(window, "账号管理", f"已启用登录。请用账号“{turned_on[0]}”重新登录。")
        window.reopen()


def change_password(window) -> None:
    from .login_dialog import ChangePasswordDialog
    if not window.ledger.actor.name:
        raise LedgerError("此数据库尚未启用账号，无需密码；可在“账号管理”中建立第一个管理员账号")
    ChangePasswordDialog(window.ledger, window).exec()


def audit_log(window) -> None:
    from .audit_view import AuditView
    window.ledger.actor.require("audit.read")
    dialog = QDialog(window)
    dialog.setWindowTitle("操作日志")
    layout = QVBoxLayout(dialog)
    layout.addWidget(AuditView(window.ledger, dialog))
    remember_size(dialog, "audit_log", QSize(1100, 640))
    dialog.exec()


def record_history(window) -> None:
    page = window.page(window._current_key) if window._current_key else None
    page = getattr(page, "entries", page)   # the 经费 page's entries
    ids = page._selected_ids() if hasattr(page, "_selected_ids") else []
    if not ids:
        raise LedgerError("请先在台账页面中选中一条记录")
    page.show_history()


def recycle_bin(window) -> None:
    from .recycle_bin_dialog import open_recycle_bin
    open_recycle_bin(window)


def holidays(window) -> None:
    from .holidays_dialog import HolidaysDialog
    window.ledger.actor.require("settings.write")
    HolidaysDialog(window.ledger, window).exec()
    window.ledger_changed("cases")


def make_backup(window) -> None:
    if sqlite_file(window.ledger.db.url) is None:
        raise LedgerError("服务器数据库（PostgreSQL）请由管理员用 pg_dump 备份")
    target = save_path(window, BACKUP, "备份数据库", f"街道台账备份-{datetime.now():%Y%m%d-%H%M}.sqlite",
                       "数据库备份 (*.sqlite)", ".sqlite")
    if target is not None:
        done = backup.backup_to(window.ledger, target)
        messages.inform(window, "备份数据库", f"已备份到：{done}")


def restore(window) -> None:
    from .restore_dialog import RestoreDialog
    window.ledger.actor.require("backup")
    path = sqlite_file(window.ledger.db.url)
    if path is None:
        raise LedgerError("服务器数据库（PostgreSQL）请由管理员用 pg_restore 恢复")
    dialog = RestoreDialog(path, ledger=window.ledger, parent=window)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.restored_from is not None:
        messages.inform(window, "从备份恢复", f"已恢复“{dialog.restored_from.name}”，现在重新打开数据库。")
        window.reopen()
