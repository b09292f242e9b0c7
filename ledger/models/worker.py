"""Community workers (社区工作者) on the pay scale, and the history kept for each."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Money, Versioned


class Worker(Versioned, Base):
    """A community worker with post (岗位) and level (等级) on the pay scale."""

    __tablename__ = "worker"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    title: Mapped[str] = mapped_column(String(16))
    post: Mapped[int]
    level: Mapped[int]
    dual_role: Mapped[bool] = mapped_column(default=False)
    education: Mapped[str | None] = mapped_column(String(16))
    qualification: Mapped[str | None] = mapped_column(String(16))
    started_on: Mapped[date | None]
    political_status: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    contribution_base: Mapped[Decimal | None] = mapped_column(Money())
    special_deduction: Mapped[Decimal | None] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(8), default="在岗")
    # The grading bonus (学历/职业资格) already credited in the level, so a later one adds only the difference.
    credited_bonus: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)


class LevelChange(Base):
    """调级记录: one change of level with its reason and approver."""

    __tablename__ = "level_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    old_level: Mapped[int | None]
    new_level: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[date]
    approver: Mapped[str | None] = mapped_column(String(32))
    recorded_at: Mapped[datetime | None]


class PostChange(Base):
    """岗位变动: a change of post or title."""

    __tablename__ = "post_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    old_post: Mapped[int | None]
    new_post: Mapped[int]
    old_title: Mapped[str | None] = mapped_column(String(16))
    new_title: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    effective_on: Mapped[date]


class Appraisal(Base):
    """年度考核: the year's grade (优秀/合格/基本合格/不合格)."""

    __tablename__ = "appraisal"
    __table_args__ = (UniqueConstraint("worker_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)


class Certificate(Base):
    """证书: a degree or professional qualification with the date obtained."""

    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # 学历 / 职业资格
    name: Mapped[str] = mapped_column(String(32))
    obtained_on: Mapped[date | None]
    number: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
