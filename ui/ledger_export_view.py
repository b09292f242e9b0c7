"""台账导出 on the 报表 page: any ledger (all of it, or one 社区) as a workbook with its import template's columns.

The same service as `export ledger-<台账>` on the command line (exports.ledger_export.export_ledger).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exports.ledger_export import LedgerExport, export_ledger
from exports.safe import sanitize_filename
from ledger import catalog

from . import messages
from .community_choice import CommunityChoice
from .file_dialogs import EXCEL_FILTER, XLSX, save_path
from .tasks import run_task

HELP = ("导出的工作簿与该台账的导入模板列相同：在 Excel 或 WPS 中修改后，可以从“导入”再导入回来。"
        "没有查看个人信息权限的账号，身份证号、银行账号、联系电话会被遮蔽。")


class LedgerExportView(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.ledger_box = QComboBox()
        for key, definition in catalog.ledgers().items():
            self.ledger_box.addItem(definition.name, key)
        self.scope = CommunityChoice("全部社区")
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(lambda: self.export())
        self.result = QLabel()
        self.result.setWordWrap(True)
        hint = QLabel(HELP)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #7f8c8d;")
        form = QFormLayout()
        form.addRow("台账：", self.ledger_box)
        form.addRow("社区：", self.scope)
        row = QHBoxLayout()
        row.addLayout(form)
        row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def activate(self) -> None:
        self.scope.fill(self.window.ledger)

    def set_scope(self, community_id: int | None, _grid_id=None, _name: str = "") -> None:
        if self.scope.count():
            self.scope.choose(community_id)

    def export(self, path: str | Path | None = None):
        key = self.ledger_box.currentData()
        name = catalog.ledger(key).name
        community_id = self.scope.community_id()
        scope = self.scope.currentText() if community_id is not None else ""
        if path is None:
            path = save_path(self, XLSX, "台账导出", sanitize_filename(f"{scope}{name}台账.xlsx"), EXCEL_FILTER, ".xlsx")
            if path is None:
                return None
        out, ledger = Path(path), self.window.ledger

        def done(result: LedgerExport) -> None:
            masked = "；身份证号、银行账号、联系电话已按权限遮蔽" if result.masked else ""
            text = f"已导出：{out}（{scope}{name}台账 {result.rows:,} 条{masked}）"
            self.result.setText(text)
            messages.exported(self, "台账导出", text, out)

        return run_task(self, f"正在导出{name}台账", lambda _p: export_ledger(ledger, key, out, community_id), done)
