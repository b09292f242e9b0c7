"""Funding (经费): entries of money in and out, and the annual budget per community and category."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Money, Versioned


class FundEntry(Versioned, Base):
    """One funding entry: 拨入 (allocated) or 支出 (spent)."""

    __tablename__ = "fund_entry"
    __table_args__ = (Index("ix_fund_entry_community_date", "community_id", "entry_date"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_date: Mapped[date]
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    category: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(4))
    amount: Mapped[Decimal] = mapped_column(Money())
    voucher_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    expense_category: Mapped[str | None] = mapped_column(String(16))
    project: Mapped[str | None] = mapped_column(String(100))
    handler: Mapped[str | None] = mapped_column(String(32))
    approver: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)


class Budget(Versioned, Base):
    """预算: the year's budget for one community and funding category."""

    __tablename__ = "budget"
    __table_args__ = (UniqueConstraint("year", "community_id", "category"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    category: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Money())
