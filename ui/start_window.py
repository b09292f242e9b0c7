"""The window shown at once on start-up, before the storage layer is imported: the main window's place and title,
saying that the ledgers are being opened. The sign-in dialog or the main window takes over from it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from ledger import APP_NAME

from .settings_store import UiSettings


def place(window: QWidget, settings: UiSettings) -> bool:
    """Put the window where the main window was last time; False when it has no place yet."""
    geometry = settings.geometry("main")
    return geometry is not None and window.restoreGeometry(geometry)


def show_placed(window: QWidget, placed: bool) -> None:
    """Show where it was last time; the first time maximized on a laptop screen, else a comfortable size."""
    if placed:
        window.show()
        return
    screen = window.screen().availableGeometry()
    if screen.width() < 1600 or screen.height() < 900:
        window.showMaximized()
    else:
        window.resize(1440, 900)
        window.move(screen.center() - window.rect().center())
        window.show()


class StartWindow(QMainWindow):
    def __init__(self, settings: UiSettings):
        super().__init__()
        self.setWindowTitle(APP_NAME)
        note = QLabel("正在打开台账……")
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setStyleSheet("color: #7f1d1d; font-size: 14pt;")
        self.setCentralWidget(note)
        self._placed = place(self, settings)

    def show_now(self) -> None:
        """Show and paint it before returning: what follows (imports, opening the database) keeps the event loop
        busy."""
        show_placed(self, self._placed)
        QApplication.processEvents()   # the window is exposed, and so painted, by the events its showing posted
