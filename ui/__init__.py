"""The desktop application (PySide6): main window, ledger pages, dialogs, background tasks."""
