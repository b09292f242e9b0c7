"""The working-day calendar: holidays, and weekend days made working days (调休), as the State Council sets them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, label


class CalendarDay(Base):
    """A day that is not what its weekday says: a holiday (放假) or a weekend day worked (上班)."""

    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(primary_key=True, info=label("日期"))
    kind: Mapped[str] = mapped_column(String(4), info=label("安排"))
    name: Mapped[str | None] = mapped_column(String(32), info=label("节日"))
