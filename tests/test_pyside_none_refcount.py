"""Guards the PySide6 pin: 100,000 calls of methods that return nothing must not abort the process.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every such call and aborted with
"Fatal Python error: none_dealloc" after some thousands of them. The calls run in a child process, so an
abort fails this test instead of killing pytest.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

CALLS = 100_000

PROBE = textwrap.dedent(f"""
    import sys
    from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem
    app = QApplication([])
    label, combo, line, tree = QLabel(), QComboBox(), QLineEdit(), QTreeWidget()
    root = QTreeWidgetItem(["根"])
    tree.addTopLevelItem(root)
    calls = 0
    while calls < {CALLS}:
        for i in range(1000):
            label.setText("第%d行" % i)          # each returns None
            line.setText("社区")
            label.setToolTip("提示")
            combo.addItem("选项")
            root.addChild(QTreeWidgetItem(["网格"]))
        calls += 5000
        combo.clear()
        root.takeChildren()
    print("ok", calls, sys.getrefcount(None) > 0)
""")


@pytest.mark.slow
def test_methods_returning_none_do_not_abort():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, f"PySide6 aborted (exit {done.returncode}): {done.stderr[-2000:]}"
    assert done.stdout.split()[:2] == ["ok", str(CALLS)]
