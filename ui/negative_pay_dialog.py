"""审批 a month in which someone's 实发 is below zero: the workers concerned, and the reason approval requires."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QVBoxLayout, QWidget

from ledger.pay.runs import NegativeLine, month_label

from .dialog_sizes import remember_size


class NegativePayDialog(QDialog):
    """Lists the lines whose 实发 is below zero and asks why the month is approved as it stands."""

    def __init__(self, parent: QWidget | None, month: str, lines: Sequence[NegativeLine]):
        super().__init__(parent)
        self.setWindowTitle(f"审批{month_label(month)}工资表：有人实发为负")
        intro = QLabel(f"以下{len(lines)}人的实发工资为负（扣款多于应发）。他们不列入银行代发清单，"
                       f"工资发放表和代发清单上会注明。请先核对其扣款；确需照此审批，请写明原因（记入操作日志）。")
        intro.setWordWrap(True)
        self.people = QListWidget()
        self.people.addItems([str(line) for line in lines])
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("必填，如：追回上月多发工资，差额由本人另行退还")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("照此审批")
        self.ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.people)
        layout.addWidget(QLabel("审批原因："))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        remember_size(self, "negative_pay")


def ask_reason(parent: QWidget | None, month: str, lines: Sequence[NegativeLine]) -> str | None:
    """The reason given, or None if the person did not confirm."""
    dialog = NegativePayDialog(parent, month, lines)
    return dialog.reason.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None
