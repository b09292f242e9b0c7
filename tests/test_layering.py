"""The layers hold, read from the source (function bodies included) and checked by importing every module.

ledger/ imports no Qt and nothing of exports/, ui/, cli/; exports/ imports no Qt and nothing of ui/ or cli/;
ui/ and cli/ open no database session of their own (every read and write goes through a service, which applies
the account's permission and community limit).
"""
from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6")
# Ways of reaching the database without a service: a session, a unit of work, an engine connection.
SESSION_CALLS = ("reading", "unit", "sessions", "sessions.begin", "engine.connect", "engine.begin", "Session",
                 "sessionmaker", "create_engine")


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at load time or inside a function, as (line, dotted name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in _modules(package):
        for line, name in _imports(path):
            if name.split(".")[0] in forbidden:
                out.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return out


def test_ledger_imports_no_qt_and_no_upper_layer():
    assert _violations("ledger", (*QT, "exports", "ui", "cli")) == []


def test_exports_import_no_qt_and_no_window_or_command_line():
    assert _violations("exports", (*QT, "ui", "cli")) == []


def _dotted(node: ast.AST) -> str:
    """`self.ledger.db.sessions.begin` for the function a call names (as far as it is plain attributes)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _session_calls(source: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if any(name == call or name.endswith("." + call) for call in SESSION_CALLS):
                out.append(f"{node.lineno}: {name}()")
    return out


@pytest.mark.parametrize("package", ["ui", "cli"])
def test_the_window_and_the_command_line_open_no_session_of_their_own(package):
    found = [f"{p.relative_to(ROOT)}:{call}" for p in _modules(package)
             for call in _session_calls(p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_session_check_sees_a_session_opened_in_a_widget():
    source = "def refresh(self):\n    with self.window.ledger.reading() as s:\n        s.execute(q)\n" \
             "    self.button.clicked.connect(self.refresh)\n"
    assert _session_calls(source) == ["2: self.window.ledger.reading()"]


def test_the_source_walk_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    """The check above must catch what a load-time check misses: an import made only when a function runs."""
    sample = ROOT / "ledger" / "_probe_for_layering_test.py"
    sample.write_text("def later():\n    from ui.main_window import MainWindow\n    return MainWindow\n",
                      encoding="utf-8")
    try:
        assert _violations("ledger", ("ui",)) == ["ledger/_probe_for_layering_test.py:2 imports ui.main_window"]
    finally:
        sample.unlink()


@pytest.mark.parametrize("package", ["ledger", "exports", "cli", "ui"])
def test_every_module_imports(package):
    """Each module is really imported (a syntax error in any of them fails here, naming the module)."""
    for path in _modules(package):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        importlib.import_module(name)


PROBE = """
import importlib, json, pkgutil, sys
import {package}
for info in pkgutil.walk_packages({package}.__path__, "{package}."):
    if ".migrations" not in info.name:
        importlib.import_module(info.name)
print(json.dumps(sorted(m for m in sys.modules)))
"""


@pytest.mark.parametrize("package", ["ledger", "exports"])
def test_loading_the_lower_layers_loads_no_qt(package):
    out = subprocess.run([sys.executable, "-c", PROBE.format(package=package)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert [m for m in loaded if m.split(".")[0] in QT] == []
