"""民生诉求: a resident's request or a problem found, where its closed loop stands, and each step taken."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Versioned, label


class Case(Versioned, Base):
    """A case with its registration and the latest of each step of its loop (the steps are in CaseStep)."""

    __tablename__ = "civic_case"
    __table_args__ = (Index("ix_civic_case_community_found", "community_id", "found_on"),
                      Index("ix_civic_case_open_due", "resolved_on", "due_on"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    reporter: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    found_on: Mapped[date]
    reported_on: Mapped[date | None]
    assigned_on: Mapped[date | None]
    handler: Mapped[str | None] = mapped_column(String(100))
    limit_days: Mapped[int | None]
    due_on: Mapped[date | None]
    resolved_on: Mapped[date | None]
    result: Mapped[str | None] = mapped_column(Text)
    feedback_on: Mapped[date | None]
    rating: Mapped[str | None] = mapped_column(String(8))
    rated_on: Mapped[date | None]
    reopened_on: Mapped[date | None]
    supervised_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


class CaseStep(Base):
    """One step of a case's loop (登记, 上报, 转办, 处置, 反馈, 评价) or a 督办: what, on which day, by whom."""

    __tablename__ = "case_step"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("civic_case.id", ondelete="CASCADE"), index=True,
                                         info=label("民生诉求"))
    kind: Mapped[str] = mapped_column(String(4), info=label("步骤"))
    # The day the step was taken; blank only for a reopening an import states without its first round's dates.
    done_on: Mapped[date | None] = mapped_column(info=label("日期"))
    handler: Mapped[str | None] = mapped_column(String(100), info=label("承办单位"))
    limit_days: Mapped[int | None] = mapped_column(info=label("办理时限"))
    due_on: Mapped[date | None] = mapped_column(info=label("办理期限"))
    result: Mapped[str | None] = mapped_column(Text, info=label("处置结果"))
    rating: Mapped[str | None] = mapped_column(String(8), info=label("评价"))
    note: Mapped[str | None] = mapped_column(Text, info=label("说明"))
    user_name: Mapped[str | None] = mapped_column(String(32), info=label("办理人"))
    source: Mapped[str | None] = mapped_column(String(8), info=label("方式"))
    recorded_at: Mapped[datetime] = mapped_column(info=label("录入时间"))
