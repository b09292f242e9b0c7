"""Rows copied from Excel or WPS, as the clipboard holds them (tab-separated text), read as a sheet to import.

Spreadsheets put a copied range on the clipboard as lines of tab-separated cells, a cell holding a tab, a line
break or a quote in double quotes; Python's csv module reads exactly that. The rows go through the same header
detection, preview and all-or-nothing import as a file, held to the same bounds (SheetRows).
"""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from .limits import SheetRows
from .reader import Loaded
from .sheet import ImportFileError

NAME = "剪贴板"   # how the preview, the import's record and its undo name the source


def load_text(text: str, name: str = NAME) -> Loaded:
    """Tab-separated rows (the clipboard's text) as a one-sheet source for `layout_for`, `preview` and `run_import`."""
    if not text or not text.strip():
        raise ImportFileError("剪贴板中没有表格内容：请先在 Excel/WPS 中选中要导入的行（连同表头）并复制")
    rows = SheetRows(name, name)
    for cells in csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter="\t"):
        rows.append([cell.strip() for cell in cells])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Loaded(Path(name), "clipboard", [name], rows.sheet(), digest)
