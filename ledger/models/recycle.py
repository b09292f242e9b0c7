"""The 回收站: deleted ledger records kept whole, so that a person can bring one back."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, label


class DeletedRecord(Base):
    """A deleted record: its row and its child rows (history lines, rooms) as they were, until restored or emptied."""

    __tablename__ = "recycle_bin"
    id: Mapped[int] = mapped_column(primary_key=True)
    ledger: Mapped[str] = mapped_column(String(32), info=label("台账", "ledger"))   # the ledger's key: workers
    record_id: Mapped[int] = mapped_column(info=label("记录编号"))
    name: Mapped[str] = mapped_column(String(100), info=label("记录"))              # 张华（幸福社区）
    # The community the record belonged to, so that a community-limited account sees only its own deleted records.
    community_id: Mapped[int | None] = mapped_column(index=True, info=label("所属社区"))
    deleted_at: Mapped[datetime] = mapped_column(info=label("删除时间"))
    deleted_by: Mapped[str | None] = mapped_column(String(32), info=label("删除人"))
    # {"row": {column: value}, "children": {table: [{column: value}, …]}} — values as the audit trail keeps them
    snapshot: Mapped[dict] = mapped_column(JSON, info=label("删除时的内容"))
