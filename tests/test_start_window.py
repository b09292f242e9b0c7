"""Start-up: a window is on screen before the storage layer is imported (ui/start_window.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs main.py as an office PC would; the first painted StartWindow reports which modules were imported by then.
WATCH = """
import os, runpy, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
import ui.start_window as start_window

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, start_window.StartWindow):
            loaded = [m for m in ("sqlalchemy", "alembic", "ledger.app", "openpyxl", "reportlab") if m in sys.modules]
            print("painted:" + ",".join(loaded), flush=True)
            os._exit(0)
        return False

painted = Painted()
show_now = start_window.StartWindow.show_now

def watched(self):
    QApplication.instance().installEventFilter(painted)
    show_now(self)

start_window.StartWindow.show_now = watched
sys.argv = ["main.py", "--db", sys.argv[1]]
runpy.run_path("main.py", run_name="__main__")
print("never painted", flush=True)
"""


def test_the_first_window_is_painted_before_the_storage_layer_is_imported(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STREETLEDGER_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", WATCH, str(tmp_path / "台账.sqlite")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1:] == ["painted:"], (done.stdout, done.stderr)
    assert not (tmp_path / "台账.sqlite").exists()     # nothing opened yet when it was painted
