"""Frozen figures and reversible operations: closed quarters and import batches."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class QuarterSnapshot(Base):
    """A closed quarter's summary figures, frozen so that reprints say the same."""

    __tablename__ = "quarter_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-Qn
    closed_at: Mapped[datetime]
    closed_by: Mapped[str | None] = mapped_column(String(32))
    figures: Mapped[dict] = mapped_column(JSON)


class ImportBatch(Base):
    """One import, with what it takes to undo it exactly."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_name: Mapped[str | None] = mapped_column(String(32))
    ledger: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(260))
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    undo: Mapped[dict] = mapped_column(JSON)
    undone: Mapped[bool] = mapped_column(default=False)
    # The SHA-256 of the file's bytes and the sheet read: the same content imported again is noticed.
    file_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    sheet: Mapped[str | None] = mapped_column(String(100))
