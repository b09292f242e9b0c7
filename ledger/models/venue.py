"""Venues (阵地): 党群服务中心 and the like, with their function rooms."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Area, Base, Versioned, label


class Venue(Versioned, Base):
    """A venue with its floor area and the households it serves."""

    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("community_id", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    tier: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(200))
    ownership: Mapped[str | None] = mapped_column(String(8))
    floor_area: Mapped[Decimal] = mapped_column(Area())
    households_served: Mapped[int | None]
    opening_hours: Mapped[str | None] = mapped_column(String(100))
    manager: Mapped[str | None] = mapped_column(String(32))
    built_year: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)


class VenueRoom(Base):
    """A function room (功能室) of a venue."""

    __tablename__ = "venue_room"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True, info=label("阵地"))
    name: Mapped[str] = mapped_column(String(64), info=label("功能室名称"))
    area: Mapped[Decimal | None] = mapped_column(Area(), info=label("面积（平方米）"))
