"""Versions of the pay standard: which one is in force on a date, and saving a new one."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ..models import PayStandardVersion
from ..paystandard import PayStandard, default_standard
from ..shared_reads import shared_by_day


def version_in_force(session: Session, on: date) -> Row | None:
    """The stored version effective on `on` (its row: id, name, spec…); the earliest one for dates before it;
    None if none is stored. A month's pay is reckoned by the standard in force on the month's last day."""
    return versions_in_force(session, (on,))[on]


def versions_in_force(session: Session, days: tuple[date, ...]) -> dict[date, Row | None]:
    """The version in force on each day (as `version_in_force`), read in one statement while one is in force.

    Read through Core: a street-wide table, and a pay run in a fresh process then needs no ORM set-up."""
    t = PayStandardVersion.__table__
    stored = session.execute(select(t).where(t.c.effective_from <= max(days))
                             .order_by(t.c.effective_from.desc())).all()
    earliest = stored[-1] if stored else session.execute(select(t).order_by(t.c.effective_from)).first()
    return {day: next((v for v in stored if v.effective_from <= day), earliest) for day in days}


def standard_in_force(session: Session, on: date) -> PayStandard:
    """The standard of the version in force on `on`; the default if none is stored."""
    def read(days: tuple[date, ...]) -> dict[date, PayStandard]:
        return {day: PayStandard.from_json(version.spec) if version is not None else default_standard()
                for day, version in versions_in_force(session, days).items()}
    return shared_by_day(session, "pay_standard", on, read)


def store_standard(session: Session, standard: PayStandard) -> PayStandardVersion:
    """Save a standard as the version from its effective date (replacing one of the same date)."""
    version = session.scalar(select(PayStandardVersion).where(
        PayStandardVersion.effective_from == standard.effective_from))
    if version is None:
        version = PayStandardVersion(effective_from=standard.effective_from)
        session.add(version)
    version.name = standard.name
    version.spec = standard.to_json()
    version.created_at = datetime.now()
    session.flush()
    return version
