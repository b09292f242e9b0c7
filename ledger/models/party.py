"""Party organisations (党组织) with their terms, members and place in the party tree."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Versioned


class PartyOrg(Versioned, Base):
    """One party organisation: 党工委, 党委, 党总支, 党支部, …, 楼栋党小组."""

    __tablename__ = "party_org"
    __table_args__ = (UniqueConstraint("parent_id", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    secretary: Mapped[str | None] = mapped_column(String(32))
    deputy_secretary: Mapped[str | None] = mapped_column(String(32))
    committee_size: Mapped[int | None]
    members_total: Mapped[int | None]
    members_full: Mapped[int | None]
    members_probation: Mapped[int | None]
    members_reported: Mapped[int | None]
    founded_on: Mapped[date | None]
    term_start: Mapped[date | None]
    term_years: Mapped[int | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    venue: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
