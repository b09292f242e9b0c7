"""Settings kept with the data: the thresholds a locality may change, with their defaults."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .case_flow import LIMIT_SETTINGS, MAX_LIMIT
from .models import Setting
from .money import LIMIT
from .shared_reads import shared


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: int
    minimum: int = 0
    maximum: int | None = None


# The ceilings of amounts entered (ledger.money.parse_amount), per kind: a typo of extra digits is refused.
PAY_CEILING = "pay_amount_max"      # a pay item of the standard, a 补发/扣款 line, a worker's 缴费基数
FUND_CEILING = "fund_amount_max"    # a 经费 entry or a budget

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
    SettingSpec(PAY_CEILING, "工资项目、补发或扣款的单笔上限（元）", 1_000_000, 1, int(LIMIT)),
    SettingSpec(FUND_CEILING, "经费收支或预算的单笔上限（元）", 100_000_000, 1, int(LIMIT)),
    # 民生诉求: the default 办理时限 of each 类别, in working days
    *(SettingSpec(key, f"民生诉求办理时限：{category}（工作日）", days, 1, MAX_LIMIT)
      for category, (key, days) in LIMIT_SETTINGS.items()),
)
_BY_KEY = {s.key: s for s in SPECS}


def get(session: Session, key: str) -> int:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return int(value) if value is not None else _BY_KEY[key].default


def get_all(session: Session) -> dict[str, int]:
    stored = shared(session, "settings", lambda: dict(session.execute(select(Setting.key, Setting.value)).all()))
    return {s.key: int(stored[s.key]) if s.key in stored else s.default for s in SPECS}


def ceilings(session: Session) -> dict[str, Decimal]:
    """The ceiling of each kind of amount, by its setting key (what Field.ceiling names)."""
    values = get_all(session)
    return {key: Decimal(values[key]) for key in (PAY_CEILING, FUND_CEILING)}


def ceiling(session: Session, key: str) -> Decimal:
    return Decimal(get(session, key))


def spec(key: str) -> SettingSpec:
    return _BY_KEY[key]


def put(session: Session, key: str, value: int) -> None:
    if key not in _BY_KEY:
        raise KeyError(key)
    setting = session.get(Setting, key) or Setting(key=key)
    setting.value = str(int(value))
    session.add(setting)
