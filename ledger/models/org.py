"""The administrative tree: 街道 → 社区 → 网格, and per-database settings."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import KEEP_IDS, Area, Base, Versioned, label


class Setting(Base):
    """A named application setting kept with the data (e.g. 户数标准下限)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True, info=label("设置项", "setting"))
    value: Mapped[str] = mapped_column(Text, info=label("值"))


class Street(Versioned, Base):
    """A street office (街道); a database normally holds one."""

    __tablename__ = "street"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, info=label("街道名称"))
    code: Mapped[str | None] = mapped_column(String(32), info=label("街道编码"))
    district: Mapped[str | None] = mapped_column(String(64), info=label("所属区县"))


class Community(Versioned, Base):
    """A community (社区) with its residents' figures and leaders."""

    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("street_id", "name"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), info=label("所属街道"))
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(32))
    households: Mapped[int | None]
    population: Mapped[int | None]
    area_km2: Mapped[Decimal | None] = mapped_column(Area())
    party_secretary: Mapped[str | None] = mapped_column(String(32))
    director: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    street: Mapped[Street] = relationship()


class Grid(Versioned, Base):
    """A grid (网格) of about 450 households inside one community."""

    __tablename__ = "grid"
    __table_args__ = (UniqueConstraint("community_id", "code"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16))
    bounds: Mapped[str | None] = mapped_column(String(200))
    estates: Mapped[int | None]
    buildings: Mapped[int | None]
    units: Mapped[int | None]
    households: Mapped[int]
    population: Mapped[int | None]
    floating_population: Mapped[int | None]
    leader: Mapped[str | None] = mapped_column(String(32))
    fulltime_worker: Mapped[str | None] = mapped_column(String(32))
    parttime_count: Mapped[int | None]
    department_count: Mapped[int | None]
    building_leader_count: Mapped[int | None]
    unit_leader_count: Mapped[int | None]
    party_org: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    community: Mapped[Community] = relationship()


__all__ = ["Setting", "Street", "Community", "Grid", "date"]
