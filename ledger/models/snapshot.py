"""Frozen figures and reversible operations: closed quarters and import batches."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, label


class QuarterSnapshot(Base):
    """A closed quarter's summary figures, frozen so that reprints say the same."""

    __tablename__ = "quarter_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True, info=label("季度", "quarter"))  # YYYY-Qn
    closed_at: Mapped[datetime] = mapped_column(info=label("关账时间"))
    closed_by: Mapped[str | None] = mapped_column(String(32), info=label("关账人"))
    figures: Mapped[dict] = mapped_column(JSON)


class ImportBatch(Base):
    """One import, with what it takes to undo it exactly."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(info=label("导入时间"))
    user_name: Mapped[str | None] = mapped_column(String(32), info=label("导入人"))
    ledger: Mapped[str] = mapped_column(String(32), info=label("台账", "ledger"))
    filename: Mapped[str] = mapped_column(String(260), info=label("文件"))
    created: Mapped[int] = mapped_column(default=0, info=label("新增条数"))
    updated: Mapped[int] = mapped_column(default=0, info=label("更新条数"))
    undo: Mapped[dict] = mapped_column(JSON)
    undone: Mapped[bool] = mapped_column(default=False, info=label("已撤销"))
    # The SHA-256 of the file's bytes and the sheet read: the same content imported again is noticed.
    file_digest: Mapped[str | None] = mapped_column(String(64), index=True, info=label("文件校验值"))
    sheet: Mapped[str | None] = mapped_column(String(100), info=label("工作表"))
