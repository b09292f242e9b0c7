"""Starting the window: QApplication in Chinese (Qt's own dialogs too), the database, the main window."""
from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from ledger import APP_NAME, collector
from ledger.errors import LedgerError
from ledger.storage_errors import StorageError

from . import messages
from .icons import app_icon

_keep: list[object] = []   # the translators must outlive run()'s local scope


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the Chinese locale and translations (Qt's buttons: 确定, 取消, 是, 否)."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("StreetLedger")
    app.setApplicationDisplayName(APP_NAME)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _keep.append(translator)
    if sys.platform == "win32":
        app.setFont(QFont("Microsoft YaHei UI", 9))
    app.setWindowIcon(app_icon())
    return app


def run(args) -> int:
    """Open the database named by --db (default: the data folder's), sign in when the database has accounts,
    and show the main window."""
    app = make_application()
    from .single_instance import SingleInstance
    instance = SingleInstance(parent=app)
    if not instance.claim(sys.argv[1:]):
        return 0  # a running 街道台账 came to the front instead of opening the same database twice
    from .settings_store import UiSettings
    settings = UiSettings()
    while True:   # a restore or the first account opens the database again, with a login where needed
        code, again = _session(app, args, settings, instance)
        if not again:
            return code


def _session(app, args, settings, instance) -> tuple[int, bool]:
    """Sign in and show the main window until it closes; returns (exit code, whether to open again)."""
    from .start_window import StartWindow
    start = StartWindow(settings)
    start.show_now()   # painted before the storage layer is imported: on a PC that scans each file, seconds sooner
    try:
        return _signed_in(app, args, settings, instance, start)
    finally:
        start.close()


def _signed_in(app, args, settings, instance, start) -> tuple[int, bool]:
    from .login_dialog import open_and_sign_in
    from .single_instance import bring_to_front
    warnings: list[str] = []
    try:
        ledger = open_and_sign_in(getattr(args, "db", None),
                                  last_user=getattr(args, "user", None) or settings.text("login/user") or None,
                                  warn=warnings.append)
    except StorageError as exc:   # a full disk, no rights, the file in use: the message says it all
        messages.error(None, APP_NAME, str(exc))
        return 1, False
    except LedgerError as exc:
        messages.error(None, APP_NAME, f"无法打开数据库：{exc}")
        return 1, False
    except Exception as exc:  # noqa: BLE001 — a damaged file or an unreachable server: say so, in Chinese
        messages.error(None, APP_NAME, f"无法打开数据库：{exc}", repr(exc))
        return 1, False
    if ledger is None:   # the person chose to quit at the login or the restore offer
        return 0, False
    if ledger.actor.name:
        settings.set_text("login/user", ledger.actor.name)
    from .main_window import MainWindow
    window = MainWindow(ledger, settings)
    window.show_initially()
    start.close()
    QTimer.singleShot(0, collector.settle)   # after the window's first paint
    instance.activated.connect(lambda _args: bring_to_front(window))
    for text in warnings:
        window.statusBar().showMessage(text, 20000)
    try:
        code = app.exec()
    finally:
        instance.activated.disconnect()
        ledger.close()
    return code, window.reopen_requested
