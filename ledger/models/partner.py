"""Joint-building units (共建单位): units that signed a joint-building agreement with a community."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Versioned


class Partner(Versioned, Base):
    """A unit in joint building with a community (a 党建联盟 member), and its agreement."""

    __tablename__ = "partner_unit"
    __table_args__ = (UniqueConstraint("community_id", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str | None] = mapped_column(String(16))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    party_org: Mapped[str | None] = mapped_column(String(100))
    party_secretary: Mapped[str | None] = mapped_column(String(32))
    contact: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    signed_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    alliance: Mapped[str | None] = mapped_column(String(100))
    part_time_member: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
