"""Volunteer service (志愿服务): a community's teams and the activities they hold."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Scaled, Versioned


class Team(Versioned, Base):
    """A volunteer team (志愿服务队) of a community."""

    __tablename__ = "volunteer_team"
    __table_args__ = (UniqueConstraint("community_id", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(16))
    leader: Mapped[str | None] = mapped_column(String(32))
    members: Mapped[int | None]
    founded_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


class Activity(Versioned, Base):
    """A volunteer activity held by a team: who took part, for how long, and how many residents it served."""

    __tablename__ = "volunteer_activity"
    __table_args__ = (UniqueConstraint("team_id", "held_on", "name"),
                      Index("ix_volunteer_activity_community_date", "community_id", "held_on"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date]
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    participants: Mapped[int | None]
    hours: Mapped[Decimal | None] = mapped_column(Scaled(2))     # hours, exact to two decimals
    served: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
