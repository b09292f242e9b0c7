"""Safe files: database text never runs as a formula, user data never makes a bad file name, a save never
half-overwrites a file.

Every writer of xlsx/csv files and every file name built from a record (a community, a worker, a month)
goes through these helpers.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ledger.errors import LedgerError
# the writing of a chosen file is shared with ledger/ (backups), so it lives there
from ledger.files import FileNotWritable, atomic_write, check_writable, refusal

# Text beginning with one of these is read as a formula by Excel, WPS or LibreOffice (CSV injection);
# tab and carriage return are in OWASP's list because some programs strip them and then see the formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


# --- cell text ------------------------------------------------------------------------------------
def is_formula_text(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell_text(value: Any) -> Any:
    """A value for a cell whose type cannot be declared (CSV, or xlsxwriter's guessing `write`): formula-like
    text gets a leading apostrophe so no spreadsheet evaluates it. Other values pass unchanged.

    For openpyxl cells use set_text_cell / append_row instead: they keep the text exactly and mark the cell
    as text, which shows no apostrophe.
    """
    if is_formula_text(value):
        return "'" + value
    return value


def set_text_cell(cell, value: Any) -> None:
    """Put a value into an openpyxl cell; text from the database is always a string cell, never a formula.

    openpyxl itself turns any string starting with '=' into a formula. Formula-like text also gets the
    quotePrefix style, so that a clerk editing the cell in Excel keeps it as text.
    """
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"
        if is_formula_text(value):
            cell.quotePrefix = True


def append_row(ws, values: Iterable[Any]) -> None:
    """worksheet.append(values) with every text value kept as text (see set_text_cell)."""
    values = list(values)
    ws.append(values)
    if any(is_formula_text(v) for v in values):
        row = ws.max_row   # the row just appended: it holds at least this one text
        for column, value in enumerate(values, 1):
            if isinstance(value, str) and value:
                set_text_cell(ws.cell(row=row, column=column), value)


# --- file names -----------------------------------------------------------------------------------
def sanitize_filename(name: Any, default: str = "未命名", max_length: int = 120) -> str:
    """A file name (not a path) that Windows and Linux accept, from text a user typed into a record.

    Path separators and characters Windows refuses become '_', so '幸福/和平社区' can never reach another
    folder; reserved device names (CON, NUL, COM1 …) are prefixed; trailing dots and spaces, which Windows
    drops silently, are removed; the result is cut to max_length characters keeping the extension.
    """
    text = unicodedata.normalize("NFC", str(name) if name is not None else "")
    text = re.sub(r"\s+", " ", text)          # line breaks and tabs from a cell become one space
    text = _BAD_CHARS.sub("_", text).strip(" .")
    if not text or set(text) <= {"_", ".", " "}:
        text = default
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = text, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    suffix = f".{suffix}" if suffix else ""
    stem = stem[:max(1, max_length - len(suffix))].rstrip(" .") or default
    return stem + suffix


def safe_path(folder: str | os.PathLike[str], name: Any, suffix: str = "") -> Path:
    """folder/<sanitized name><suffix>, guaranteed to lie inside folder."""
    folder = Path(folder)
    path = folder / (sanitize_filename(name, max_length=120 - len(suffix)) + suffix)
    if path.resolve().parent != folder.resolve():
        raise LedgerError(f"文件名“{name}”无效")
    return path


# --- writing --------------------------------------------------------------------------------------
def save_workbook(workbook, path: str | os.PathLike[str]) -> Path:
    """openpyxl's workbook.save through atomic_write; returns the path."""
    with atomic_write(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


__all__ = ["FileNotWritable", "atomic_write", "check_writable", "refusal", "save_workbook", "write_bytes",
           "is_formula_text", "safe_cell_text", "set_text_cell", "append_row", "sanitize_filename", "safe_path"]
