"""Settings kept with the data: the thresholds a locality may change, with their defaults."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: int


SPECS = (
    SettingSpec("grid_households_min", "网格户数下限", 300),
    SettingSpec("grid_households_max", "网格户数上限", 600),
    SettingSpec("venue_min_area", "社区党群服务中心最小面积（平方米）", 300),
    SettingSpec("venue_min_area_per_100", "每百户最小面积（平方米）", 30),
    SettingSpec("term_warn_months", "换届提前提醒（月）", 3),
    SettingSpec("term_urgent_months", "换届紧急提醒（月）", 1),
    SettingSpec("budget_low_execution", "年末执行率偏低提醒（%）", 60),
    SettingSpec("households_gap_percent", "社区户数与网格户数合计相差提醒（%）", 5),
    SettingSpec("backup_keep", "自动备份保留份数", 10),
)
_BY_KEY = {s.key: s for s in SPECS}


def get(session: Session, key: str) -> int:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return int(value) if value is not None else _BY_KEY[key].default


def get_all(session: Session) -> dict[str, int]:
    stored = dict(session.execute(select(Setting.key, Setting.value)).all())
    return {s.key: int(stored[s.key]) if s.key in stored else s.default for s in SPECS}


def put(session: Session, key: str, value: int) -> None:
    if key not in _BY_KEY:
        raise KeyError(key)
    setting = session.get(Setting, key) or Setting(key=key)
    setting.value = str(int(value))
    session.add(setting)
