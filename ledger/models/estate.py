"""Residential estates (小区): their property company, owners' committee and 红色物业."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Scaled, Versioned


class Estate(Versioned, Base):
    """A residential estate of a community."""

    __tablename__ = "estate"
    __table_args__ = (UniqueConstraint("community_id", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    buildings: Mapped[int | None]
    households: Mapped[int | None]
    property_company: Mapped[str | None] = mapped_column(String(100))
    property_party: Mapped[str | None] = mapped_column(String(100))
    owners_committee: Mapped[str | None] = mapped_column(String(2))
    committee_founded_on: Mapped[date | None]
    red_property: Mapped[bool] = mapped_column(default=False)
    fee_rate: Mapped[Decimal | None] = mapped_column(Scaled(2))   # per cent, exact to two decimals
    note: Mapped[str | None] = mapped_column(Text)
