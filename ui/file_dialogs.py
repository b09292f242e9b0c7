"""Every file dialog of the window: it opens in the folder last used for that kind of file, else in 文档.

A clerk who saved a pay sheet to D:\\工资 last month finds D:\\工资 again; the first time, the dialog opens
in the user's 文档 folder, never in the program's working folder. Kinds are remembered separately, so that
exports do not pull the import dialog away from the folder of the clerks' workbooks.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from .settings_store import UiSettings

# The kinds of file a dialog is remembered for; a dialog names one of these.
IMPORT = "import"          # clerks' workbooks to import, a pay matrix sheet
XLSX = "xlsx"              # exported workbooks
PDF = "pdf"                # exported PDF
BACKUP = "backup"          # database backups
TEMPLATE = "template"      # report templates saved for adjusting and installed back
KINDS = (IMPORT, XLSX, PDF, BACKUP, TEMPLATE)

EXCEL_FILTER = "Excel 工作簿 (*.xlsx)"
PDF_FILTER = "PDF 文件 (*.pdf)"


def documents_folder() -> Path:
    """The user's 文档 folder (the home folder where there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def start_folder(kind: str, fallback: Path | None = None) -> Path:
    """Where a dialog for this kind of file opens: the folder last chosen, else `fallback`, else 文档."""
    if kind not in KINDS:
        raise ValueError(kind)
    remembered = UiSettings().folder(kind)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return fallback if fallback is not None and fallback.is_dir() else documents_folder()


def _remember(kind: str, chosen: str) -> Path | None:
    if not chosen:
        return None
    path = Path(chosen)
    settings = UiSettings()
    settings.set_folder(kind, str(path.parent))
    settings.sync()
    return path


def save_path(parent: QWidget | None, kind: str, title: str, name: str, filter: str = EXCEL_FILTER,
              suffix: str | None = None) -> Path | None:
    """Ask where to save `name`; None when the person cancels. `suffix` is added when they typed none."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder(kind) / name), filter)
    path = _remember(kind, chosen)
    if path is not None and suffix and path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    return path


def open_path(parent: QWidget | None, kind: str, title: str, filter: str, fallback: Path | None = None) -> Path | None:
    """Ask which file to open; None when the person cancels."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind, fallback)), filter)
    return _remember(kind, chosen)
