"""Message boxes with Chinese buttons; tests patch these functions instead of showing anything modal."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    if details:
        box.setDetailedText(details)
    return box


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Critical, title, text, details)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask(parent: QWidget | None, title: str, text: str, yes: str = "确定", no: str = "取消") -> bool:
    """A yes/no question; the safe answer (no) is the default, so a stray Enter changes nothing."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def exported(parent: QWidget | None, title: str, text: str, path) -> None:
    """Say where an export went and offer to open it (in Excel, WPS or the PDF reader)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    if ask(parent, title, text, yes="打开文件", no="关闭"):
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
