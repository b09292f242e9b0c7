"""First start: with no 社区 yet, offer 新建街道, 导入现有台账 and 加载演示数据 instead of empty tables."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from ledger.demo import SCALES


class _Choice(QFrame):
    def __init__(self, title: str, text: str):
        super().__init__()
        self.setObjectName("choice")
        self.setStyleSheet("#choice { background: white; border: 1px solid #e3d6d4; border-radius: 8px; }")
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold; color: #7f1d1d;")
        body = QLabel(text)
        body.setWordWrap(True)
        body.setStyleSheet("color: #555;")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 14, 18, 14)
        self.layout_.addWidget(heading)
        self.layout_.addWidget(body)


class FirstStartPage(QWidget):
    """Three ways to begin; `window` does the work (create_street, open_import, load_demo)."""

    def __init__(self, window, street_name: str | None = None):
        super().__init__()
        self.window = window
        title = QLabel("欢迎使用街道台账")
        title.setStyleSheet("font-size: 20pt; font-weight: bold; color: #c0392b;")
        intro = QLabel("数据库中还没有社区台账。请选择一种方式开始：")
        intro.setStyleSheet("color: #555; font-size: 11pt;")

        create = _Choice("新建街道", "填写街道名称，然后在“社区”台账中逐个新建社区，再录入网格、党组织、社区工作者等。")
        self.street_name = QLineEdit(street_name or "")
        self.street_name.setPlaceholderText("街道名称，如：幸福街道")
        self.street_name.setMaxLength(64)
        self.create_button = QPushButton("新建街道" if not street_name else "使用此街道并新建社区")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)
        self.street_name.returnPressed.connect(self._create)
        self.create_error = QLabel()
        self.create_error.setStyleSheet("color: #c0392b;")
        self.create_error.hide()
        row = QHBoxLayout()
        row.addWidget(QLabel("街道名称："))
        row.addWidget(self.street_name, 1)
        row.addWidget(self.create_button)
        create.layout_.addLayout(row)
        create.layout_.addWidget(self.create_error)

        imports = _Choice("导入现有台账", "把正在使用的 Excel/WPS 台账（社区、网格、党组织、社区工作者、经费、阵地）"
                                        "导入本系统。表头可以有标题行、合并单元格和“合计”行。")
        self.import_button = QPushButton("导入现有台账…")
        self.import_button.clicked.connect(lambda: self.window.open_import(None))
        imports.layout_.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)

        demo = _Choice("加载演示数据", "先用一套虚构的演示台账熟悉各项功能。演示数据只能加载到空数据库；"
                                     "正式使用时请另建数据库。")
        self.demo_scale = QComboBox()
        for key, scale in SCALES.items():
            self.demo_scale.addItem(scale.label, key)
        self.demo_button = QPushButton("加载演示数据")
        self.demo_button.clicked.connect(lambda: self.window.load_demo(self.demo_scale.currentData()))
        demo_row = QHBoxLayout()
        demo_row.addWidget(QLabel("规模："))
        demo_row.addWidget(self.demo_scale, 1)
        demo_row.addWidget(self.demo_button)
        demo.layout_.addLayout(demo_row)

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(10)
        for choice in (create, imports, demo):
            column.addWidget(choice)
            column.addSpacing(6)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(760)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 4)
        outer.addStretch(1)

    def _create(self) -> None:
        message = self.window.create_street(self.street_name.text())
        self.create_error.setText(message or "")
        self.create_error.setVisible(bool(message))
