"""The login at start-up (once the database has accounts) and the change-password dialog.

Both are thin over ledger.accounts: the checks, the lockout and the audit trail live there, so the window
and the command line behave the same. Refusals are shown inside the dialog, never as a modal box.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from ledger import APP_NAME
from ledger.accounts import LoginFailed, change_password, has_accounts, login
from ledger.app import Ledger
from ledger.errors import LedgerError

_ERROR_STYLE = "color: #c0392b;"


def password_field() -> QLineEdit:
    """A masked password box (also used by the accounts dialog)."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    return field


class LoginDialog(QDialog):
    """Name and password; on success `signed_in` is the ledger as that person.

    `target` is the open ledger, or for a PostgreSQL server its URL: the person then connects as their own
    login role (ledger.accounts.login)."""

    def __init__(self, target: Ledger | str, parent: QWidget | None = None, last_user: str | None = None,
                 database: str | None = None):
        super().__init__(parent)
        self.target = target
        self.signed_in: Ledger | None = None
        self.setWindowTitle(f"登录 — {APP_NAME}")
        self.setMinimumWidth(360)

        self.name = QLineEdit(last_user or "")
        self.name.setMaxLength(32)
        self.name.setPlaceholderText("用户名")
        self.password = password_field()
        self.password.setPlaceholderText("密码")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)

        form = QFormLayout()
        form.addRow("用户名：", self.name)
        form.addRow("密码：", self.password)
        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{APP_NAME}</b>　请登录")
        layout.addWidget(title)
        if database:
            where = QLabel(f"数据库：{database}")
            where.setStyleSheet("color: #666;")
            where.setWordWrap(True)
            layout.addWidget(where)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password if last_user else self.name).setFocus()

    def try_login(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        if not name:
            self._refuse("请输入用户名")
            self.name.setFocus()
            return
        try:
            signed = login(self.target, name, password, source="界面")
        except LoginFailed as exc:
            self._refuse(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        except LedgerError as exc:   # e.g. a server database its owner has yet to upgrade
            self._refuse(str(exc))
            return
        if signed.must_change_password:
            forced = ChangePasswordDialog(signed.ledger, self, forced=True)
            if forced.exec() != QDialog.DialogCode.Accepted:
                self._refuse("需要先设置新密码才能使用")
                self.password.clear()
                return
        self.signed_in = signed.ledger
        self.accept()

    def _refuse(self, text: str) -> None:
        self.message.setText(text)


class ChangePasswordDialog(QDialog):
    """The signed-in person's new password (typed twice); `forced` after an administrator's reset."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None, forced: bool = False):
        super().__init__(parent)
        self.ledger = ledger
        self.forced = forced
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(360)
        self.old = password_field()
        self.new = password_field()
        self.again = password_field()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)

        layout = QVBoxLayout(self)
        if forced:
            note = QLabel("管理员重置了您的密码。请设置一个只有您知道的新密码（至少6位）。")
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        if not forced:
            form.addRow("原密码：", self.old)
        form.addRow("新密码：", self.new)
        form.addRow("再输一次：", self.again)
        layout.addLayout(form)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_change)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def try_change(self) -> None:
        if self.new.text() != self.again.text():
            self.message.setText("两次输入的新密码不一致")
            self.again.clear()
            self.again.setFocus()
            return
        try:
            # After a reset the login has just checked the temporary password; otherwise ask for the old one.
            change_password(self.ledger, self.new.text(), None if self.forced else self.old.text())
        except LedgerError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


def open_and_sign_in(path_or_url=None, parent: QWidget | None = None, last_user: str | None = None,
                     warn=None) -> Ledger | None:
    """The GUI's start-up in one call: a damaged SQLite file is offered the newest good backup, the database
    is opened, the person logs in (when there are accounts), and the day's automatic backup is made.

    Returns None when the person chose to quit (no restore, or no login). `warn(text)` is told about a
    backup that could not be made (once a day when the disk is the reason); the work goes on regardless.
    A file that cannot be opened for a reason other than damage raises that reason (ledger.storage_errors):
    offering a backup for a full disk would put old data over good.
    """
    from sqlalchemy import make_url

    from ledger import backup
    from ledger.access import Actor
    from ledger.db import database_url, sqlite_file
    from ledger.server import is_server

    from .restore_dialog import offer_restore
    url = database_url(path_or_url)
    path = sqlite_file(url)
    if path is not None and offer_restore(path, parent) is False:
        return None
    if is_server(url) and not make_url(url).username:
        # A server database without credentials in its address: each person signs in as themselves.
        return sign_in(url, parent, last_user, make_url(url).render_as_string(hide_password=True))
    ledger = Ledger.open(path_or_url, Actor(source="界面"))
    label = str(path) if path is not None else ledger.db.engine.url.render_as_string(hide_password=True)
    signed = sign_in(ledger, parent, last_user, label)
    if signed is None or signed.db is not ledger.db:   # on a server the person has a connection of their own
        ledger.close()
    if signed is None:
        return None
    if path is not None and (notice := backup.daily_backup_notice(path)) is not None and warn is not None:
        warn(notice)
    return signed


def sign_in(ledger: Ledger | str, parent: QWidget | None = None, last_user: str | None = None,
            database: str | None = None) -> Ledger | None:
    """The ledger as the person who logs in; the ledger itself when the database has no accounts; None when
    the person gives up (the application should then quit). A server's URL always asks who signs in."""
    if isinstance(ledger, Ledger) and not has_accounts(ledger):
        return ledger
    dialog = LoginDialog(ledger, parent, last_user, database)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.signed_in
    return None
