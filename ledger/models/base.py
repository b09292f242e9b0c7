"""The declarative base and the column types every model shares."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints so that Alembic batch migrations on SQLite can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# A ledger table's ids are never given again after a delete (SQLite's AUTOINCREMENT; PostgreSQL's sequences never
# do), so that a record restored from the 回收站 comes back under its own id and its audit trail still applies.
KEEP_IDS = {"sqlite_autoincrement": True}


class Versioned:
    """A record that counts its saves, so that a save based on an older version is refused, never overwrites.

    SQLAlchemy's version counter makes every ORM UPDATE say `WHERE version = <the version read>`; forms and
    imports keep the version they showed and the services compare it (ledger.conflicts says who changed it).
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Scaled(TypeDecorator):
    """An exact Decimal stored as an integer count of 10^-places units (money: fen).

    SQLite stores NUMERIC as a float, so sums drift; integers stay exact on every backend and a
    plain SQL SUM over the column is exact too.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 2):
        super().__init__()
        self.places = places
        self._factor = 10 ** places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value) * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # scaleb moves the point without rounding: 12345 -> 123.45, 0 -> 0.00 (exact, as many places as stored)
        return Decimal(int(value)).scaleb(-self.places)

    def result_processor(self, dialect, coltype):
        """The conversion as one closure per column, without TypeDecorator's wrapping of each value: a page of
        100,000 经费 entries converts 100,000 amounts."""
        if self.impl_instance.result_processor(dialect, coltype) is not None:
            return super().result_processor(dialect, coltype)   # the driver converts first: keep the chain
        places = -self.places

        def process(value):
            return None if value is None else Decimal(int(value)).scaleb(places)
        return process


def Money() -> Scaled:
    """Yuan, exact to the fen, stored as integer fen."""
    return Scaled(2)


def Area() -> Scaled:
    """Square metres (or km²) to two decimals, stored as an integer of hundredths."""
    return Scaled(2)


def Rate() -> Scaled:
    """A rate such as 0.005, stored exactly to six decimals."""
    return Scaled(6)


IntPK = Integer


def label(text: str, names: str | None = None) -> dict:
    """A column's Chinese label (and what its coded values are the names of) for the audit trail's words.

    Used as `mapped_column(..., info=label("原等级"))`; ledger columns are labelled by their Field instead.
    `names` says how a stored code is shown: "post" (3 → 三岗), "ledger", "setting", "month", "quarter".
    """
    return {"label": text, "names": names} if names else {"label": text}
