"""The street office itself: creating it (init), renaming it, and the settings kept with it."""
from __future__ import annotations

from sqlalchemy import select

from .. import settings as settings_store
from ..app import Ledger
from ..errors import ValidationError
from ..models import PayStandardVersion, Street
from ..paystandard import default_standard
from ..values import normalize
from .base import current_street
from .paystandards import store_standard


def init_street(ledger: Ledger, name: str, district: str | None = None) -> int:
    """Create the street (or rename the existing one) and store the default pay standard if none exists."""
    name = normalize(name)
    if not name:
        raise ValidationError.single("街道名称", "必填，不能为空")
    if len(name) > 64:
        raise ValidationError.single("街道名称", "不能超过64个字")
    with ledger.unit("settings.write") as session:
        street = current_street(session)
        if street is None:
            street = Street(name=name, district=district)
            session.add(street)
        else:
            street.name = name
            if district:
                street.district = district
        if session.scalar(select(PayStandardVersion.id).limit(1)) is None:
            store_standard(session, default_standard())
        session.flush()
        return street.id


def street_name(ledger: Ledger) -> str | None:
    with ledger.reading() as session:
        street = current_street(session)
        return street.name if street else None


def get_settings(ledger: Ledger) -> dict[str, int]:
    with ledger.reading() as session:
        return settings_store.get_all(session)


def put_setting(ledger: Ledger, key: str, value: int) -> None:
    spec = settings_store.spec(key)
    if value < spec.minimum:
        raise ValidationError.single(spec.label, "不能为负数" if spec.minimum == 0 else f"不能小于{spec.minimum}")
    if spec.maximum is not None and value > spec.maximum:
        raise ValidationError.single(spec.label, f"不能大于{spec.maximum:,}")
    with ledger.unit("settings.write") as session:
        settings_store.put(session, key, value)


__all__ = ["init_street", "street_name", "get_settings", "put_setting", "Street"]
