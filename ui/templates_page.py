"""模板管理: save a built-in report template for adjusting, install the adjusted copy, go back to the built-in."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from exports import template_admin
from ledger import paths
from ledger.errors import LedgerError

from . import messages
from .file_dialogs import EXCEL_FILTER, TEMPLATE, open_path, save_path

HELP = ("报表按模板文件生成。需要调整标题文字、列宽、签字栏时：先“另存内置模板”，用 Excel 或 WPS 修改后"
        "“安装修改后的模板”，今后导出即使用本单位的版本；随时可以“恢复内置模板”。占位符 {{…}} 的写法见使用说明。")


class TemplatesPage(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        hint = QLabel(HELP)
        hint.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["模板", "状态", "正在使用的文件"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.save_button = QPushButton("另存内置模板…")
        self.install_button = QPushButton("安装修改后的模板…")
        self.reset_button = QPushButton("恢复内置模板")
        folder_button = QPushButton("打开模板文件夹")
        self.save_button.clicked.connect(self.save_builtin)
        self.install_button.clicked.connect(self.install)
        self.reset_button.clicked.connect(self.reset)
        folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.user_templates_dir()))))
        buttons = QHBoxLayout()
        for button in (self.save_button, self.install_button, self.reset_button, folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.refresh()

    # --- page protocol ------------------------------------------------------------------------------------
    def activate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        try:
            infos = template_admin.templates(self.window.ledger)
        except LedgerError as exc:
            messages.warn(self, "报表模板", str(exc))
            infos = []
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            state = "本单位修改版" if info.customised else "内置"
            for column, text in enumerate((info.name, state, str(info.path))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if infos and self.table.currentRow() < 0:
            self.table.selectRow(0)

    # --- actions -----------------------------------------------------------------------------------------
    def selected(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            messages.inform(self, "报表模板", "请先在列表中选择一个模板")
            return None
        return item.text()

    def save_builtin(self) -> None:
        name = self.selected()
        if not name:
            return
        target = save_path(self, TEMPLATE, "另存内置模板", name, EXCEL_FILTER, ".xlsx")
        if target is not None:
            self._do(lambda: template_admin.save_builtin(self.window.ledger, name, target), f"已另存到：{target}")

    def install(self) -> None:
        name = self.selected()
        if not name:
            return
        source = open_path(self, TEMPLATE, f"选择修改后的“{name}”", EXCEL_FILTER)
        if source is not None:
            self._do(lambda: template_admin.install(self.window.ledger, name, source),
                     f"已安装。今后导出“{name}”将使用本单位修改的版本。")

    def reset(self) -> None:
        name = self.selected()
        if name and messages.ask(self, "恢复内置模板", f"删除本单位修改的“{name}”，改用内置模板？", yes="恢复内置"):
            self._do(lambda: template_admin.reset(self.window.ledger, name), "已恢复内置模板。")

    def _do(self, action, done: str) -> None:
        try:
            action()
        except LedgerError as exc:
            messages.warn(self, "报表模板", str(exc))
            return
        messages.inform(self, "报表模板", done)
        self.refresh()
