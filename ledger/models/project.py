"""Joint-building projects (共建项目): the 需求/资源/项目 三张清单 of a community."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Money, Versioned


class Project(Versioned, Base):
    """An entry of a community's lists: a residents' need, a unit's resource, or a project matching them."""

    __tablename__ = "joint_project"
    __table_args__ = (UniqueConstraint("community_id", "list_type", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    list_type: Mapped[str] = mapped_column(String(8))
    undertaker: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[str | None] = mapped_column(Text)
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]
    status: Mapped[str | None] = mapped_column(String(8))
    beneficiaries: Mapped[int | None]
    investment: Mapped[Decimal | None] = mapped_column(Money())
    note: Mapped[str | None] = mapped_column(Text)
