"""账号管理: the administrator's list of accounts, with new account, reset password, role/community, disable.

On a database without accounts it explains that anyone may do anything, and creating the first account (an
administrator) turns login on. Every action is a ledger.accounts call; refusals show in the dialog.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ledger.access import ADMIN, ROLE_HELP, ROLES
from ledger.accounts import (Account, create_user, has_accounts, list_users, reset_password, update_user)
from ledger.app import Ledger
from ledger.errors import LedgerError
from ledger.services import CommunityService

from .dialog_sizes import remember_size
from .login_dialog import ChangePasswordDialog, password_field

ALL_COMMUNITIES = "全部社区"
_ERROR_STYLE = "color: #c0392b;"
COLUMNS = ("用户名", "角色", "社区", "状态", "最近登录")


class AccountForm(QDialog):
    """A new account (name, role, community, password twice) or a change of role and community."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None, account: Account | None = None,
                 first: bool = False):
        super().__init__(parent)
        self.ledger = ledger
        self.account = account
        self.result_account: Account | None = None
        self.setWindowTitle("新建账号" if account is None else f"修改账号：{account.name}")
        self.setMinimumWidth(380)
        self.name = QLineEdit(account.name if account else "")
        self.name.setMaxLength(32)
        self.name.setEnabled(account is None)
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(f"{role}（{ROLE_HELP[role]}）", role)
        if first:
            self.role.setCurrentIndex(ROLES.index(ADMIN))
            self.role.setEnabled(False)
        elif account is not None:
            self.role.setCurrentIndex(ROLES.index(account.role))
        else:
            self.role.setCurrentIndex(ROLES.index(ROLES[1]))
        self.community = QComboBox()
        self.community.addItem(ALL_COMMUNITIES)
        for record in CommunityService(ledger).list():
            self.community.addItem(record["name"])
        if account is not None and account.community:
            self.community.setCurrentText(account.community)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.password = password_field()
        self.again = password_field()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)

        form = QFormLayout()
        form.addRow("用户名：", self.name)
        form.addRow("角色：", self.role)
        form.addRow("可见社区：", self.community)
        if account is None:
            form.addRow("密码：", self.password)
            form.addRow("再输一次：", self.again)
        layout = QVBoxLayout(self)
        if first:
            note = QLabel("这是第一个账号，必须是管理员。创建后，每次启动本程序（以及命令行）都需要登录。")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _role_changed(self) -> None:
        # An administrator manages every community; the service refuses a limit, the form does not offer one.
        admin = self.role.currentData() == ADMIN
        if admin:
            self.community.setCurrentIndex(0)
        self.community.setEnabled(not admin)

    def save(self) -> None:
        role = self.role.currentData()
        community = self.community.currentText()
        community = None if community == ALL_COMMUNITIES else community
        try:
            if self.account is None:
                if self.password.text() != self.again.text():
                    raise LedgerError("两次输入的密码不一致")
                self.result_account = create_user(self.ledger, self.name.text(), role, self.password.text(), community)
            else:
                self.result_account = update_user(self.ledger, self.account.name, role=role, community=community)
        except LedgerError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


class ResetPasswordForm(QDialog):
    """An administrator's temporary password for someone; they must change it when they next log in."""

    def __init__(self, ledger: Ledger, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.user = ledger, name
        self.setWindowTitle(f"重置密码：{name}")
        self.password = password_field()
        self.again = password_field()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)
        layout = QVBoxLayout(self)
        note = QLabel(f"为“{name}”设置一个临时密码并解除锁定。对方下次登录后须设置自己的新密码。")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        form.addRow("临时密码：", self.password)
        form.addRow("再输一次：", self.again)
        layout.addLayout(form)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        buttons.addButton("重置", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.password.text() != self.again.text():
            self.message.setText("两次输入的密码不一致")
            return
        try:
            reset_password(self.ledger, self.user, self.password.text())
        except LedgerError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


class AccountsDialog(QDialog):
    """The list of accounts and what an administrator can do with them."""

    login_enabled = Signal(str)   # the first account was created: from now on the application needs a login

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.accounts: list[Account] = []
        self.setWindowTitle("账号管理")
        remember_size(self, "accounts", QSize(640, 380))
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)

        self.add_button = QPushButton("新建账号…")
        self.edit_button = QPushButton("修改角色/社区…")
        self.reset_button = QPushButton("重置密码…")
        self.toggle_button = QPushButton("停用")
        self.own_button = QPushButton("修改我的密码…")
        self.add_button.clicked.connect(self.add_account)
        self.edit_button.clicked.connect(self.edit_account)
        self.reset_button.clicked.connect(self.reset_account)
        self.toggle_button.clicked.connect(self.toggle_account)
        self.own_button.clicked.connect(self.change_own_password)
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.reset_button, self.toggle_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.own_button)
        close = QDialogButtonBox()
        close.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(close)
        self.refresh()

    # --- showing ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.message.clear()
        self.message.setStyleSheet(_ERROR_STYLE)
        enabled = has_accounts(self.ledger)
        if not enabled:
            self.intro.setText("此数据库还没有账号：任何人打开本程序都拥有全部权限（适合只有一名录入员的办公室）。"
                               "创建第一个账号（管理员）后，启动时需要登录，并可为财务、领导等设置各自的权限。")
            self.accounts = []
        else:
            self.intro.setText("管理员可新建账号、重置密码、修改角色和可见社区，或停用账号。"
                               "连续5次输错密码的账号会锁定15分钟，重置密码即可解锁。")
            try:
                self.accounts = list_users(self.ledger)
            except LedgerError as exc:
                self.accounts = []
                self.message.setText(str(exc))
        self.table.setRowCount(len(self.accounts))
        for r, a in enumerate(self.accounts):
            last = f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "从未登录"
            for c, text in enumerate((a.name, a.role, a.community or ALL_COMMUNITIES, a.status, last)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.add_button.setText("新建账号…" if enabled else "创建管理员账号…")
        self.own_button.setEnabled(bool(self.ledger.actor.name))
        self._selection_changed()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows and rows[0].row() < len(self.accounts) else None

    def _selection_changed(self) -> None:
        account = self.selected()
        for button in (self.edit_button, self.reset_button, self.toggle_button):
            button.setEnabled(account is not None)
        self.toggle_button.setText("启用" if account is not None and not account.active else "停用")

    # --- acting -----------------------------------------------------------------------------------
    def add_account(self) -> None:
        first = not has_accounts(self.ledger)
        form = AccountForm(self.ledger, self, first=first)
        if form.exec() == QDialog.DialogCode.Accepted and form.result_account is not None:
            self.refresh()
            if first:
                self.login_enabled.emit(form.result_account.name)

    def edit_account(self) -> None:
        account = self.selected()
        if account is not None and AccountForm(self.ledger, self, account=account).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def reset_account(self) -> None:
        account = self.selected()
        if account is not None and ResetPasswordForm(self.ledger, account.name, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.message.setStyleSheet("color: #1e8449;")
            self.message.setText(f"已重置“{account.name}”的密码并解除锁定")

    def toggle_account(self) -> None:
        account = self.selected()
        if account is None:
            return
        try:
            update_user(self.ledger, account.name, active=not account.active)
        except LedgerError as exc:
            self.message.setText(str(exc))
            return
        self.refresh()

    def change_own_password(self) -> None:
        ChangePasswordDialog(self.ledger, self).exec()
