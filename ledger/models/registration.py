"""在职党员双报到: members employed elsewhere registered with the community where they live, and their service."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Scaled, Versioned


class Registration(Versioned, Base):
    """A member's registration (报到) with a community, by the unit they work for."""

    __tablename__ = "registration"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    employer: Mapped[str] = mapped_column(String(100))
    employer_party_org: Mapped[str | None] = mapped_column(String(100))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    registered_on: Mapped[date]
    post: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8), default="在册")
    note: Mapped[str | None] = mapped_column(Text)


class ServiceRecord(Versioned, Base):
    """One service a registered member did for the community: when, what, and for how many hours."""

    __tablename__ = "registration_service"
    __table_args__ = (UniqueConstraint("registration_id", "served_on", "content"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    served_on: Mapped[date]
    content: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal | None] = mapped_column(Scaled(2))     # hours, exact to two decimals
