"""The layers hold: ledger/ and exports/ load no Qt, and ledger/ loads nothing from exports/, ui/ or cli/."""
from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
import {package}
for info in pkgutil.walk_packages({package}.__path__, "{package}."):
    if ".migrations" in info.name:
        continue
    importlib.import_module(info.name)
print(json.dumps(sorted(m for m in sys.modules)))
"""


def _modules_loaded_by(package: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(package=package)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ledger_imports_no_qt_and_no_upper_layer():
    loaded = _modules_loaded_by("ledger")
    assert not [m for m in loaded if m.startswith("PySide6") or m.startswith("shiboken")]
    assert not [m for m in loaded if m.split(".")[0] in ("exports", "ui", "cli")]


def test_exports_imports_no_qt():
    if not (ROOT / "exports" / "__init__.py").exists():
        return
    loaded = _modules_loaded_by("exports")
    assert not [m for m in loaded if m.startswith("PySide6") or m.startswith("shiboken")]
    assert not [m for m in loaded if m.split(".")[0] == "ui"]


def test_every_ledger_module_is_importable():
    import ledger
    names = [i.name for i in pkgutil.walk_packages(ledger.__path__, "ledger.") if ".migrations" not in i.name]
    assert "ledger.services.workers" in names and "ledger.demo" in names
