"""Importing what is already there: the same file imported again, noticed by the SHA-256 of its content.

A clerk who imports last month's 经费 workbook a second time would add every entry twice (entries without a
凭证号 are always new). The import batch keeps the file's digest and the sheet read, so that the same content
(under any file name) into the same ledger is refused until the user confirms, naming the earlier import.
Rows identical to stored entries are the service's concern (FundService.repeated_entry), planned as 疑似重复.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import LedgerError
from ..models import ImportBatch

if TYPE_CHECKING:
    from .undo import BatchInfo

SHEET_LENGTH = 100   # import_batch.sheet


class RepeatedImport(LedgerError):
    """The file's content was imported into this ledger before (and that import is not undone)."""

    def __init__(self, earlier: BatchInfo):
        self.earlier = earlier
        super().__init__(f"这个文件的内容已经导入过：{earlier.describe()}。再导入一次，其中的记录可能重复")


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sheet_key(sheet_name: str, sheet_names: list[str]) -> str | None:
    """The sheet as part of what was imported: only a workbook of several sheets has a choice (a CSV file's
    "sheet" is its file name, which says nothing about its content)."""
    return sheet_name[:SHEET_LENGTH] if len(sheet_names) > 1 else None


def earlier_import(session: Session, kind: str, digest: str | None, sheet: str | None) -> BatchInfo | None:
    """The latest import of the same content and sheet into the ledger `kind` that is not undone, if any."""
    if not digest:
        return None
    stmt = select(ImportBatch).where(ImportBatch.file_digest == digest, ImportBatch.ledger == kind,
                                     ImportBatch.undone.is_(False))
    stmt = stmt.where(ImportBatch.sheet.is_(None) if sheet is None else ImportBatch.sheet == sheet)
    batch = session.scalars(stmt.order_by(ImportBatch.id.desc()).limit(1)).first()
    from .undo import info   # undo knows the ledgers by way of plan, which uses sheet_key from here
    return info(batch) if batch is not None else None
