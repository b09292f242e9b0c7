"""What goes into the frozen bundle besides what PyInstaller finds by following imports.

Used by packaging/streetledger.spec (which holds the explicit lists) and by tests/test_packaging.py.
Every rule here fails the build instead of leaving a file out: a resource folder the spec does not
name, or a file in a named folder that matches none of its patterns, stops PyInstaller with a message,
because a missing template or font only shows up later on a clerk's machine.
"""
from __future__ import annotations

import ast
import fnmatch
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "streetledger.spec"
RESOURCES = ROOT / "resources"
MIGRATIONS = ROOT / "ledger" / "migrations"

# Files that may sit in any resource folder without being shipped (notes for developers, git placeholders).
IGNORED_FILES = ("README*", ".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini")


class BundleError(SystemExit):
    """A packaging rule was broken; SystemExit so PyInstaller stops with the message and no traceback."""


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_FILES)


def resource_datas(
    table: Mapping[str, Iterable[str]], not_shipped: Iterable[str] = (), resources: Path = RESOURCES
) -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for PyInstaller's `datas`, from {folder: [glob, …]}.

    Destinations keep the layout under `resources/`, which is where `ledger.paths.resources_dir()`
    looks in the frozen app (it resolves to the bundle's `resources` folder there). A folder named in
    the table but absent (fonts before any are shipped) contributes nothing. `not_shipped` holds glob
    patterns of paths relative to resources/ that stay out on purpose (a template generator script).
    """
    not_shipped = tuple(not_shipped)
    problems: list[str] = []
    datas: list[tuple[str, str]] = []
    if resources.is_dir():
        for entry in sorted(resources.iterdir()):
            if entry.is_file() and not _ignored(entry.name):
                problems.append(f"resources/{entry.name} 不在任何资源文件夹中")
            elif entry.is_dir() and entry.name not in table and not entry.name.startswith("."):
                problems.append(f"resources/{entry.name}/ 没有列在 streetledger.spec 的 RESOURCES 中")
    for folder, patterns in table.items():
        base = resources / folder
        if not base.is_dir():
            continue
        patterns = tuple(patterns)
        for path in sorted(base.rglob("*")):
            if not path.is_file() or _ignored(path.name) or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(resources).as_posix()
            if any(fnmatch.fnmatch(relative, pattern) for pattern in not_shipped):
                continue
            if not any(fnmatch.fnmatch(path.name.lower(), p.lower()) for p in patterns):
                problems.append(f"resources/{relative} 不符合 RESOURCES[{folder!r}] 的文件类型 {patterns}")
                continue
            dest = Path("resources") / path.parent.relative_to(resources)
            datas.append((str(path), dest.as_posix()))
    if problems:
        raise BundleError("打包资源清单有误：\n  " + "\n  ".join(problems))
    return datas


def migration_datas(migrations: Path = MIGRATIONS) -> list[tuple[str, str]]:
    """The Alembic script directory as plain files.

    Alembic reads env.py and versions/*.py by path (ledger/db.py points script_location at the folder
    next to ledger/db.py), never through the import system, so they must exist as files at
    `ledger/migrations` inside the bundle; PyInstaller's archive of compiled modules does not count.
    """
    datas: list[tuple[str, str]] = []
    for path in sorted(migrations.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".mako"):
            dest = Path("ledger") / "migrations" / path.parent.relative_to(migrations)
            datas.append((str(path), dest.as_posix()))
    if not any(Path(src).name == "env.py" for src, _ in datas):
        raise BundleError(f"{migrations} 中没有 env.py：Alembic 无法运行迁移")
    return datas


def migration_imports(migrations: Path = MIGRATIONS) -> list[str]:
    """Every module that the migration scripts import, for PyInstaller's `hiddenimports`.

    The scripts are loaded by path at run time, so PyInstaller never sees their imports; a migration
    that uses, say, sqlalchemy.dialects.postgresql would otherwise fail only in the frozen app.
    """
    modules: set[str] = set()
    for path in sorted(migrations.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module)
                # `from alembic import op` imports the submodule alembic.op; `from sqlalchemy import
                # Column` imports a name. Only the first kind is a module to add.
                modules.update(
                    f"{node.module}.{alias.name}" for alias in node.names if _is_submodule(node.module, alias.name)
                )
    modules.discard("__future__")
    return sorted(modules)


def _is_submodule(package: str, name: str) -> bool:
    """Whether `package.name` is a module file or folder, found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return False
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location)
        if (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file():
            return True
        if any(folder.glob(f"{name}.*.pyd")) or any(folder.glob(f"{name}.*.so")):
            return True
    return False


def own_packages(root: Path = ROOT) -> list[str]:
    """The application's top-level packages present in the tree (ledger, cli, ui, exports)."""
    return [name for name in ("ledger", "cli", "ui", "exports") if (root / name / "__init__.py").is_file()]


def own_modules(root: Path = ROOT) -> list[str]:
    """Every module of the application's own packages, found on disk.

    The CLI imports its command modules by name (cli/__init__.py's COMMAND_MODULES) and the GUI may
    load pages the same way, so following imports is not enough; listing the files is, and needs no
    import of the application at build time. Folders without __init__.py (ledger/migrations) are data,
    not packages, and are skipped.
    """
    modules: list[str] = []
    for package in own_packages(root):
        for dirpath, dirnames, filenames in os.walk(root / package):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if (here / d / "__init__.py").is_file())
            dotted = ".".join(here.relative_to(root).parts)
            for name in sorted(filenames):
                if name == "__init__.py":
                    modules.append(dotted)
                elif name.endswith(".py"):
                    modules.append(f"{dotted}.{name[:-3]}")
    return modules


def qt_translation_datas(names: Iterable[str]) -> list[tuple[str, str]]:
    """Qt's own catalogues (e.g. qtbase_zh_CN.qm for Qt's standard dialogs), at the place where
    QLibraryInfo's TranslationsPath points inside the bundle.

    The destination mirrors the folder's position under site-packages (PySide6/Qt/translations on
    Linux, PySide6/translations on Windows), which is the layout PyInstaller's PySide6 hook keeps and
    where the frozen QLibraryInfo looks.
    """
    import PySide6
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)).resolve()
    site = Path(PySide6.__file__).resolve().parent.parent
    dest = folder.relative_to(site).as_posix()
    datas: list[tuple[str, str]] = []
    for name in names:
        source = folder / name
        if not source.is_file():
            raise BundleError(f"PySide6 缺少翻译文件 {source}")
        datas.append((str(source), dest))
    return datas


def spec_constants(spec: Path = SPEC) -> dict[str, object]:
    """The spec's top-level assignments of literal values (RESOURCES, NOT_SHIPPED, QT_TRANSLATIONS, …).

    The spec is run by PyInstaller, not imported, so the smoke test and the unit tests read its explicit
    lists from the source text instead of keeping a second copy that could drift.
    """
    constants: dict[str, object] = {}
    for node in ast.parse(spec.read_text(encoding="utf-8"), filename=str(spec)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                constants.setdefault(node.targets[0].id, ast.literal_eval(node.value))
            except ValueError:
                pass  # computed, not a literal list
    return constants
