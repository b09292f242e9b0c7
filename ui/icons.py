"""Icons drawn at run time: a coloured tile with one character, so no image files need shipping."""
from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from ledger import paths

# The house colours: party red for the ledgers, other hues for tools added later.
RED, GOLD, BLUE, GREEN, GREY = "#c0392b", "#b7950b", "#2e6da4", "#27835a", "#7f8c8d"


@cache
def glyph_icon(char: str, colour: str = RED) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size * 0.22, size * 0.22)
        font = QFont()
        font.setPixelSize(int(size * 0.62))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, char[:1])
        painter.end()
        icon.addPixmap(pixmap)
    return icon


@cache
def app_icon() -> QIcon:
    folder = paths.resources_dir() / "icons"
    for name in ("streetledger.ico", "streetledger.png"):
        if (folder / name).exists():
            return QIcon(str(folder / name))
    return glyph_icon("台")
