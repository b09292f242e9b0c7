"""Dialogs keep the size a person gave them: restored when one opens again, remembered when it closes.

A dialog first takes the size its content asks for (within the screen); once someone resizes it — a wide
history, a long form — it opens at that size next time, as far as the screen allows.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog

from .settings_store import UiSettings

SCREEN_SHARE = 0.92   # never larger than this share of the screen's free area
_SIZE = re.compile(r"^(\d+)x(\d+)$")


def fit_to_screen(dialog: QDialog, wanted: QSize) -> QSize:
    """`wanted`, made to fit the screen the dialog is on."""
    screen = dialog.screen().availableGeometry() if dialog.screen() is not None else None
    if screen is None:
        return wanted
    return QSize(min(wanted.width(), int(screen.width() * SCREEN_SHARE)),
                 min(wanted.height(), int(screen.height() * SCREEN_SHARE)))


def remembered(name: str) -> QSize | None:
    match = _SIZE.match(UiSettings().text(f"dialogs/{name}"))
    return QSize(int(match[1]), int(match[2])) if match else None


def remember_size(dialog: QDialog, name: str, default: QSize | None = None) -> None:
    """Open at the size last left (else `default`, else what the content asks for), within the screen, and
    remember the size when the dialog closes — if the person changed it."""
    wanted = remembered(name) or default or dialog.sizeHint()
    least = dialog.minimumSizeHint()
    resize(dialog, fit_to_screen(dialog, wanted.expandedTo(least)))
    dialog.finished.connect(lambda _result: _save(name, dialog))


def resize(dialog: QDialog, size: QSize) -> None:
    """Resize for the content (not the person's choice: a form grown for its messages is not remembered)."""
    dialog.resize(size)
    dialog.setProperty("sizedFor", dialog.size())


def _save(name: str, dialog: QDialog) -> None:
    size = dialog.size()
    if size == dialog.property("sizedFor"):
        return
    settings = UiSettings()
    settings.set_text(f"dialogs/{name}", f"{size.width()}x{size.height()}")
    settings.sync()
