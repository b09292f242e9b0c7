"""What the window remembers between runs: geometry (of the window and each dialog), the last page, per page
its columns and sort, and per kind of file the folder last chosen in a file dialog.

Kept with QSettings in an INI file in the data folder (ledger.paths), so tests and portable installs get
their own; keys are versioned so that a later change of layout can drop what no longer fits.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QSettings

from ledger import paths

VERSION = 1
DEFAULTS: dict[str, object] = {
    "window/page": "home",
}


class UiSettings:
    """Typed access to the window's remembered state."""

    def __init__(self, settings: QSettings | None = None):
        self._q = settings or QSettings(str(paths.data_dir() / "window.ini"), QSettings.Format.IniFormat)
        if int(self._q.value("version", 0) or 0) != VERSION:
            self._q.clear()
            self._q.setValue("version", VERSION)

    def sync(self) -> None:
        self._q.sync()

    # --- the window ---------------------------------------------------------------------------------
    def geometry(self, name: str) -> QByteArray | None:
        value = self._q.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, name: str, value: QByteArray) -> None:
        self._q.setValue(f"geometry/{name}", value)

    def folder(self, kind: str) -> str:
        """The folder a file dialog for this kind of file last used ("" the first time)."""
        return self.text(f"folders/{kind}")

    def set_folder(self, kind: str, folder: str) -> None:
        self.set_text(f"folders/{kind}", folder)

    def text(self, key: str) -> str:
        return str(self._q.value(key, DEFAULTS.get(key, "")) or "")

    def set_text(self, key: str, value: str) -> None:
        self._q.setValue(key, value)

    # --- a ledger page --------------------------------------------------------------------------------
    def page_state(self, page: str) -> dict:
        """{'widths': {column key: px}, 'hidden': [keys], 'sort': [key, descending] | None}."""
        raw = self._q.value(f"pages/{page}")
        try:
            state = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            state = {}
        return state if isinstance(state, dict) else {}

    def set_page_state(self, page: str, state: dict) -> None:
        self._q.setValue(f"pages/{page}", json.dumps(state, ensure_ascii=False))
