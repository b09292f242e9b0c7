"""Kinds of file a command can export, import or write a template for, registered by each feature.

`export salary-sheet`, `export quarterly`, `import workers`, `template payscale` …: each feature module
registers its kinds here, and cli/commands/files.py builds the three commands from what is registered.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileKind:
    name: str
    help: str
    run: Callable  # export: (args, ledger, out: Path) -> str; import: (args, ledger, path: Path) -> int; template: (args, ledger, out) -> str
    suffixes: tuple[str, ...] = (".xlsx",)


EXPORTS: dict[str, FileKind] = {}
IMPORTS: dict[str, FileKind] = {}
TEMPLATES: dict[str, FileKind] = {}


def _register(table: dict[str, FileKind], name: str, help: str, suffixes: tuple[str, ...]):
    def decorate(func: Callable) -> Callable:
        table[name] = FileKind(name, help, func, suffixes)
        return func
    return decorate


def export_kind(name: str, help: str, suffixes: tuple[str, ...] = (".xlsx",)):
    return _register(EXPORTS, name, help, suffixes)


def import_kind(name: str, help: str, suffixes: tuple[str, ...] = (".xlsx", ".xls", ".csv")):
    return _register(IMPORTS, name, help, suffixes)


def template_kind(name: str, help: str):
    return _register(TEMPLATES, name, help, (".xlsx",))


def check_suffix(kind: FileKind, path: Path) -> None:
    from ledger.errors import LedgerError
    if path.suffix.lower() not in kind.suffixes:
        raise LedgerError(f"{kind.name} 只能是 {'、'.join(kind.suffixes)} 文件，而“{path.name}”不是")
