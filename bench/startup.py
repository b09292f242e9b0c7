"""Start-up at city scale: from process start to the application's first painted window (the sign-in dialog where
accounts exist, else the main window), vs a bare PySide6 program showing an empty QMainWindow.

Both run as `python …` in a fresh process, started by the same wrapper: it notes the first paint of a window
and ends the process there, printing the time since the parent started it. The home figures may follow the
window as they load; they are not waited for.

    python -m bench.run startup
"""
from __future__ import annotations

import os
import runpy
import sys
import tempfile
import time
from pathlib import Path

from bench.child import best, report, run_child

TARGET = 5.0
# a progress window before these is not the answer; StartWindow is the main window's place, painted before the
# storage layer is imported (ui/start_window.py); BENCH_SIGNED_IN=1 waits for the sign-in dialog or the main window
WINDOWS = {"MainWindow", "LoginDialog", "QMainWindow", "StartWindow"}
SIGNED_IN = {"MainWindow", "LoginDialog"}
ROOT = Path(__file__).resolve().parent.parent


def _watch_first_paint(started: float) -> None:
    """Patch QWidget.show, showMaximized and QDialog.exec so that the first paint of a window ends the process."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    windows = SIGNED_IN if os.environ.get("BENCH_SIGNED_IN") else WINDOWS

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 — Qt's name
            if event.type() == QEvent.Type.Paint and type(obj).__name__ in windows:
                report(time.time() - started, window=type(obj).__name__)
                os._exit(0)
            return False

    watcher = FirstPaint()
    show, maximized, exec_ = QWidget.show, QWidget.showMaximized, QDialog.exec

    def watch() -> None:
        app = QApplication.instance()
        if app is not None and not getattr(app, "_bench_watched", False):
            app.installEventFilter(watcher)
            app._bench_watched = True

    def patched_show(self):
        watch()
        return show(self)

    def patched_maximized(self):
        watch()
        return maximized(self)

    def patched_exec(self):
        watch()
        return exec_(self)

    QWidget.show = patched_show
    QWidget.showMaximized = patched_maximized
    QDialog.exec = patched_exec


def _bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1366, 768)
    window.show()
    app.exec()


def measure(db: Path, repeat: int = 3) -> list[tuple]:
    ours, signed_in, bare = [], [], []
    with tempfile.TemporaryDirectory() as data:
        env = {"STREETLEDGER_DATA_DIR": data}
        for _ in range(repeat):   # alternated, so that a busy moment of the machine hits both sides alike
            ours.append(run_child(["-m", "bench.startup", "ours", str(db)], env | {"BENCH_T0": repr(time.time())}))
            signed_in.append(run_child(["-m", "bench.startup", "ours", str(db)],
                                       env | {"BENCH_T0": repr(time.time()), "BENCH_SIGNED_IN": "1"}))
            bare.append(run_child(["-m", "bench.startup", "bare"], env | {"BENCH_T0": repr(time.time())}))
    o, s, b = best(ours), best(signed_in), best(bare)
    return [(f"启动到第一个窗口画出（city，{o.said.get('window')}）vs 空 QMainWindow", o.seconds, b.seconds, TARGET,
             o.rss_mb, b.rss_mb),
            (f"启动到{s.said.get('window')}画出（city）vs 空 QMainWindow", s.seconds, b.seconds, None, s.rss_mb, b.rss_mb)]


def run(quick: bool = False) -> list[tuple]:
    from bench.page_open import city_database
    with tempfile.TemporaryDirectory() as name:
        return measure(city_database(Path(name)), 2 if quick else 3)


if __name__ == "__main__":
    # The wrapper's own imports (this module, bench.child, PySide6's QtCore/QtWidgets) are paid by both sides.
    _watch_first_paint(float(os.environ["BENCH_T0"]))
    if sys.argv[1] == "bare":
        _bare()
    else:
        sys.argv = [str(ROOT / "main.py"), "--db", sys.argv[2]]
        runpy.run_path(str(ROOT / "main.py"), run_name="__main__")
