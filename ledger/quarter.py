"""季度统计汇总: each community's figures as of a quarter's last day, and closing a quarter to freeze them.

The figures are those of ledger/figures.py on the quarter's last day; a closed quarter (关账) keeps them in a
QuarterSnapshot as JSON with every Decimal as a string, so a reprint months later says exactly what was
reported, whatever the ledgers say by then. An open quarter is computed from the current ledgers each time and
is marked `is_open`. Grids, households and venues carry no history, so an open quarter states their present
figures: that is what closing a quarter is for.

A snapshot keeps the version of the rules it was closed under (SNAPSHOT_VERSION), and is read and printed by
them: version 1 counted 党小组 among the 党组织 and let the grids' 户数 stand in for a blank community 户数;
from version 2 a 党小组 is listed apart and 户数 is the community's own figure; version 3 adds the wider
ledgers' figures (共建单位, 共建项目, 报到党员, 志愿服务, 民生诉求, 小区), which the quarters closed before it never had.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit, catalog, clock
from .app import Ledger
from .case_figures import CaseFigures
from .errors import LedgerError, PermissionDenied
from .figures import (ORG_COLUMNS, PARTY_ORG_COLUMNS, ZERO, CommunityFigures, FundFigures, StreetFigures, street_figures,
                      total_of)
from .models import FundEntry, QuarterSnapshot
from .money import round_half_up
from .services.base import current_street

# 3: the wider ledgers' figures; 2: 党小组 listed apart from the 党组织, 户数 the community's own figure
# (1: the releases before)
SNAPSHOT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
WIDER_VERSION = 3
_CN_DIGITS = "一二三四"
# the 1000 m² mark of the seed indicator "1000平方米以上社区占总数的30.5%"
LARGE_VENUE_AREA = Decimal(1000)


class QuarterError(LedgerError):
    """A quarter cannot be closed, reopened or read as asked; the message says why."""


# ---------------------------------------------------------------------------------------------------------
# Quarters


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int   # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-Q3' (also 2026Q3, 2026-q3, 2026-3, 2026年第3季度, 2026年三季度)."""
        cleaned = str(text).strip().upper().replace("－", "-").replace(" ", "")
        m = re.fullmatch(r"(\d{4})-?Q?([1-4])", cleaned) or \
            re.fullmatch(r"(\d{4})年第?([1-4一二三四])季度?", cleaned)
        if not m:
            raise QuarterError(f"“{text}”不是有效的季度，请写作 2026-Q3 的形式")
        year, number = int(m.group(1)), m.group(2)
        number = _CN_DIGITS.index(number) + 1 if number in _CN_DIGITS else int(number)
        if not 2000 <= year <= 2100:
            raise QuarterError(f"“{text}”的年份不在 2000–2100 之间")
        return cls(year, number)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        """2026年第三季度"""
        return f"{self.year}年第{_CN_DIGITS[self.number - 1]}季度"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        month = 3 * self.number
        return date(self.year, month, 31 if month in (3, 12) else 30)

    @property
    def months_label(self) -> str:
        """The span of the year-to-date funding figures: 1—9月 (1—3月 for the first quarter)."""
        return f"1—{3 * self.number}月"

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    def __str__(self) -> str:
        return self.code


# ---------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class QuarterFigures:
    """The summary of one quarter: per-community rows, as computed or as frozen when it was closed."""

    quarter: Quarter
    street: str
    posts: tuple[str, ...]              # the post names of the pay standard in force at the quarter's end
    rows: tuple[CommunityFigures, ...]
    computed_at: datetime
    is_open: bool = True
    closed_at: datetime | None = None
    closed_by: str | None = None
    # the previous quarter's indicators as they were when this one was closed (frozen with it); None if open
    previous_at_close: dict[str, Decimal | int | None] | None = None
    previous_was_closed: bool = False
    # the 阵地达标 standard the venues were judged by: (minimum m², minimum m² per 100 households)
    venue_standard: tuple[int, int] = (300, 30)
    version: int = SNAPSHOT_VERSION     # the rules the figures were counted and are printed by

    @property
    def as_of(self) -> date:
        return self.quarter.last_day

    @cached_property
    def total(self) -> CommunityFigures:
        """The 合计 row: sums of the rows; rates and averages are recomputed from the sums, never summed."""
        return total_of(self.rows, self.posts)

    @property
    def groups_apart(self) -> bool:
        """Whether the report lists 党小组 apart from the 党组织 (a quarter closed before version 2 did not)."""
        return self.version >= 2

    @property
    def org_columns(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The columns under the report's 党组织数 heading."""
        return PARTY_ORG_COLUMNS if self.groups_apart else ORG_COLUMNS

    @property
    def wider(self) -> bool:
        """Whether the figures have the wider ledgers' columns (a quarter closed before version 3 has not)."""
        return self.version >= WIDER_VERSION

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators this quarter's report states (those of its version)."""
        return indicators_of(self.version)

    def org_figure(self, row: CommunityFigures) -> int:
        """党组织 as this quarter's report states it."""
        return row.org_total if self.groups_apart else row.org_total + row.party_groups

    def only(self, community_id: int) -> QuarterFigures:
        """The same figures limited to one community (its 合计 is then that community's)."""
        return replace(self, rows=tuple(r for r in self.rows if r.community_id == community_id))

    # --- JSON, as stored in QuarterSnapshot.figures -------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "version": self.version, "quarter": self.quarter.code, "street": self.street,
            "posts": list(self.posts), "computed_at": self.computed_at.isoformat(timespec="seconds"),
            "rows": [_row_json(r, self.version) for r in self.rows],
            "previous": None if self.previous_at_close is None else
            {k: None if v is None else str(v) for k, v in self.previous_at_close.items()},
            "previous_was_closed": self.previous_was_closed, "venue_standard": list(self.venue_standard),
        }

    @classmethod
    def from_json(cls, data: dict, closed_at: datetime | None = None, closed_by: str | None = None) -> QuarterFigures:
        version = data.get("version")
        if version not in READABLE_VERSIONS:
            raise QuarterError(f"季度关账数据的格式版本（{version}）无法识别，请升级本程序")
        previous = data.get("previous")
        return cls(
            quarter=Quarter.parse(data["quarter"]), street=data["street"], posts=tuple(data["posts"]),
            rows=tuple(_row_from_json(r) for r in data["rows"]), version=version,
            computed_at=datetime.fromisoformat(data["computed_at"]), is_open=False, closed_at=closed_at,
            closed_by=closed_by,
            previous_at_close=None if previous is None else {k: _number(v) for k, v in previous.items()},
            previous_was_closed=bool(data.get("previous_was_closed")),
            venue_standard=tuple(data.get("venue_standard") or (300, 30)))


def _row_json(row: CommunityFigures, version: int) -> dict:
    data = {
        "community_id": row.community_id, "name": row.name, "code": row.code, "orgs": dict(row.orgs),
        "members": row.members, "grids": row.grids, "households": row.households, "grid_workers": row.grid_workers,
        "workers": dict(row.workers),
        "funds": {k: [str(f.budget), str(f.allocated), str(f.spent)] for k, f in row.funds.items()},
        "venue_area": str(row.venue_area), "venues": row.venues, "venues_judged": row.venues_judged,
        "venues_met": row.venues_met,
    }
    if version >= 2:
        data["grid_households"] = row.grid_households
    if version >= WIDER_VERSION:
        data.update({key: getattr(row, key) for key in _WIDER_KEYS})
        data["cases"] = asdict(row.cases)
    return data


# the wider ledgers' figures of a row, as stored from version 3 (with "cases", the 民生诉求 counts)
_WIDER_KEYS = ("partners", "projects_active", "projects_done", "reported", "reported_by_orgs", "teams", "activities",
               "service_visits", "estates", "red_estates")


def _row_from_json(data: dict) -> CommunityFigures:
    return CommunityFigures(
        name=data["name"], community_id=data["community_id"], code=data["code"], orgs=dict(data["orgs"]),
        members=data["members"], grids=data["grids"], households=data["households"],
        grid_workers=data["grid_workers"], workers=dict(data["workers"]),
        funds={k: FundFigures(Decimal(b), Decimal(a), Decimal(s)) for k, (b, a, s) in data["funds"].items()},
        venue_area=Decimal(data["venue_area"]), venues=data["venues"], venues_judged=data["venues_judged"],
        venues_met=data["venues_met"], grid_households=data.get("grid_households"),
        cases=CaseFigures(**data.get("cases", {})), **{key: data[key] for key in _WIDER_KEYS if key in data})


def _number(text: str | None) -> Decimal | int | None:
    if text is None:
        return None
    value = Decimal(text)
    return int(value) if "." not in text else value


# ---------------------------------------------------------------------------------------------------------
# Indicators: the figures a leader reads first, with their change against the previous quarter


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    value: Callable[[QuarterFigures], Decimal | int | None]
    year_to_date: bool = False     # a 1—N月 cumulative figure: compared only within the same year
    since: int = 1                 # the snapshot version that first states it


def _average_area(f: QuarterFigures) -> Decimal | None:
    with_venues = [r for r in f.rows if r.venues]
    if not with_venues:
        return None
    return round_half_up(sum((r.venue_area for r in with_venues), ZERO) / len(with_venues))


def _large_share(f: QuarterFigures) -> Decimal | None:
    if not f.rows:
        return None
    large = sum(1 for r in f.rows if r.venue_area >= LARGE_VENUE_AREA)
    return round_half_up(Decimal(large) * 100 / len(f.rows), Decimal("0.1"))


INDICATORS: tuple[Indicator, ...] = (
    Indicator("orgs", "党组织", "个", lambda f: f.org_figure(f.total)),
    Indicator("members", "党员", "人", lambda f: f.total.members),
    Indicator("grids", "网格", "个", lambda f: f.total.grids),
    Indicator("households", "户数", "户", lambda f: f.total.households),
    Indicator("workers", "在岗社区工作者", "人", lambda f: f.total.workers_total),
    Indicator("grid_workers", "专职网格员", "人", lambda f: f.total.grid_workers),
    Indicator("allocated", "经费拨入", "元", lambda f: f.total.fund.allocated, year_to_date=True),
    Indicator("spent", "经费支出", "元", lambda f: f.total.fund.spent, year_to_date=True),
    Indicator("rate", "经费执行率", "%", lambda f: f.total.fund.execution_rate, year_to_date=True),
    Indicator("venue_avg", "社区阵地平均面积", "平方米", _average_area),
    Indicator("venues_met", "党群服务中心达标", "个", lambda f: f.total.venues_met),
    Indicator("large_share", "1000平方米以上社区占比", "%", _large_share),
    Indicator("partners", "共建单位", "家", lambda f: f.total.partners, since=WIDER_VERSION),
    Indicator("projects_active", "实施中共建项目", "项", lambda f: f.total.projects_active, since=WIDER_VERSION),
    Indicator("reported", "报到在职党员", "人", lambda f: f.total.reported, since=WIDER_VERSION),
    Indicator("activities", "志愿服务活动", "次", lambda f: f.total.activities, year_to_date=True,
              since=WIDER_VERSION),
    Indicator("service_visits", "志愿服务人次", "人次", lambda f: f.total.service_visits, year_to_date=True,
              since=WIDER_VERSION),
    Indicator("red_coverage", "红色物业覆盖率", "%", lambda f: f.total.red_coverage, since=WIDER_VERSION),
    Indicator("cases_accepted", "诉求受理", "件", lambda f: f.total.cases.accepted, year_to_date=True,
              since=WIDER_VERSION),
    Indicator("cases_resolved_rate", "诉求办结率", "%", lambda f: f.total.cases.resolved_rate, year_to_date=True,
              since=WIDER_VERSION),
    Indicator("cases_in_time_rate", "按期办结率", "%", lambda f: f.total.cases.in_time_rate, year_to_date=True,
              since=WIDER_VERSION),
    Indicator("cases_satisfaction", "诉求满意率", "%", lambda f: f.total.cases.satisfaction_rate, year_to_date=True,
              since=WIDER_VERSION),
    # a stock, not a flow: the cases open past their deadline on the day, whatever the year they came in
    Indicator("cases_overdue", "超期未结诉求", "件", lambda f: f.total.cases.overdue_open, since=WIDER_VERSION),
)


def indicators_of(version: int) -> tuple[Indicator, ...]:
    """The indicators a report of this snapshot version states."""
    return tuple(i for i in INDICATORS if i.since <= version)


# Indicators whose counting a version changed in a way the snapshots of earlier versions cannot be restated in
# (version 1 stored a blank community 户数 as its grids' sum, indistinguishably; the quarters before version 3
# kept none of the wider ledgers): they are not compared across.
_NOT_RESTATED: dict[int, tuple[str, ...]] = {
    2: ("households",), WIDER_VERSION: tuple(i.key for i in INDICATORS if i.since == WIDER_VERSION)}


def indicator_values(figures: QuarterFigures, version: int | None = None) -> dict[str, Decimal | int | None]:
    """The indicators of a quarter, by the rules of its own version or, to compare with another quarter, of
    that quarter's version as far as the stored figures allow (None where they do not)."""
    if version is None or version == figures.version:
        return {i.key: i.value(figures) for i in figures.indicators}
    values = {i.key: i.value(replace(figures, version=version)) for i in indicators_of(version)}
    for changed in range(figures.version + 1, version + 1):
        for key in _NOT_RESTATED.get(changed, ()):
            values[key] = None
    return values


@dataclass(frozen=True)
class QuarterReport:
    """A quarter's figures with the previous quarter's indicators, for the reports and the 首页."""

    figures: QuarterFigures
    previous: dict[str, Decimal | int | None] | None
    previous_was_closed: bool

    @property
    def values(self) -> dict[str, Decimal | int | None]:
        return indicator_values(self.figures)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return self.figures.indicators

    def change(self, key: str) -> Decimal | int | None:
        """This quarter's value less the previous one's; None when there is nothing to compare with.

        A year-to-date figure restarts each January, so a first quarter is not compared with the fourth.
        """
        indicator = next(i for i in INDICATORS if i.key == key)
        if self.previous is None or (indicator.year_to_date and self.figures.quarter.number == 1):
            return None
        now, before = indicator.value(self.figures), self.previous.get(key)
        if now is None or before is None:
            return None
        return now - before


# ---------------------------------------------------------------------------------------------------------
# Computing from the ledgers


def compute(session: Session, quarter: Quarter, now: datetime | None = None) -> QuarterFigures:
    """Every community's figures as of the quarter's last day, from the ledgers (ledger/figures.py)."""
    return _counted(session, quarter, street_figures(session, quarter.last_day), now)


def _counted(session: Session, quarter: Quarter, counted: StreetFigures, now: datetime | None = None) -> QuarterFigures:
    street = current_street(session)
    return QuarterFigures(quarter=quarter, street=street.name if street else "", posts=counted.posts,
                          rows=counted.rows, computed_at=now or clock.now(),
                          venue_standard=counted.venue_standard)


def quarter_of(ledger: Ledger, session: Session, counted: StreetFigures,
               closed: QuarterFigures | None) -> QuarterFigures:
    """The figures of the quarter holding `counted.on`, as the 首页 charts show them: `closed`, its frozen figures,
    if it is closed, else as of its last day (the figures counted already, when that day is theirs)."""
    quarter = Quarter.containing(counted.on)
    found = closed or _counted(session, quarter, counted if counted.on == quarter.last_day
                               else street_figures(session, quarter.last_day))
    return _limit(ledger, found, None)


# ---------------------------------------------------------------------------------------------------------
# Reading, closing and reopening


@dataclass(frozen=True)
class ClosedQuarter:
    quarter: Quarter
    closed_at: datetime
    closed_by: str | None


def _snapshot(session: Session, quarter: Quarter) -> QuarterSnapshot | None:
    return session.scalar(select(QuarterSnapshot).where(QuarterSnapshot.quarter == quarter.code))


def closed_figures(session: Session, quarter: Quarter) -> QuarterFigures | None:
    """A closed quarter's figures as they were frozen; None while it is open."""
    snap = _snapshot(session, quarter)
    return None if snap is None else QuarterFigures.from_json(snap.figures, snap.closed_at, snap.closed_by)


def _figures_in(session: Session, quarter: Quarter) -> QuarterFigures:
    return closed_figures(session, quarter) or compute(session, quarter)


def _limit(ledger: Ledger, figures: QuarterFigures, community_id: int | None) -> QuarterFigures:
    own = ledger.actor.community_id
    if own is not None:
        if community_id is not None and community_id != own:
            raise PermissionDenied("您的账号只能查看本社区的统计")
        community_id = own
    return figures.only(community_id) if community_id is not None else figures


def figures(ledger: Ledger, quarter: Quarter | str, community_id: int | None = None) -> QuarterFigures:
    """A quarter's figures: frozen if it is closed, else computed now (`is_open`); optionally one community."""
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    with ledger.reading() as session:
        return _limit(ledger, _figures_in(session, quarter), community_id)


def report(ledger: Ledger, quarter: Quarter | str, community_id: int | None = None,
           permission: str = "ledger.read") -> QuarterReport:
    """A quarter's figures with the previous quarter's indicators to compare with.

    A closed quarter compares with what the previous quarter said when this one was closed, so that its
    changes are frozen too; an open one with the previous quarter as it reads now.
    """
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    with ledger.reading(permission) as session:
        current = _figures_in(session, quarter)
        limited = community_id is not None or ledger.actor.community_id is not None
        if not current.is_open and not limited:
            return QuarterReport(_limit(ledger, current, community_id), current.previous_at_close,
                                 current.previous_was_closed)
        before = _figures_in(session, quarter.previous)
    current, before = _limit(ledger, current, community_id), _limit(ledger, before, community_id)
    return QuarterReport(current, indicator_values(before, current.version) if before.rows else None,
                         not before.is_open)


def closed_quarters(ledger: Ledger) -> list[ClosedQuarter]:
    with ledger.reading() as session:
        return [ClosedQuarter(Quarter.parse(q), at, by) for q, at, by in session.execute(
            select(QuarterSnapshot.quarter, QuarterSnapshot.closed_at, QuarterSnapshot.closed_by)
            .order_by(QuarterSnapshot.quarter))]


def check_close(ledger: Ledger, quarter: Quarter, today: date | None = None) -> None:
    """Raise why this person may not close this quarter now (the window shows it on its disabled button)."""
    ledger.actor.require("quarter.close")      # street-wide: refused to an account limited to one 社区
    if (today or clock.today()) <= quarter.last_day:
        raise QuarterError(f"{quarter.label}到{_cn_date(quarter.last_day)}才结束，结束后才能关账")


def check_reopen(ledger: Ledger) -> None:
    """Raise why this person may not reopen a closed quarter."""
    ledger.actor.require("quarter.close")      # street-wide: refused to an account limited to one 社区


def close_quarter(ledger: Ledger, quarter: Quarter | str, today: date | None = None) -> QuarterFigures:
    """关账: compute the quarter's figures and freeze them, all or nothing; refuses a second close."""
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    check_close(ledger, quarter, today)
    now = clock.now()
    try:
        with ledger.unit("quarter.close") as session:
            existing = _snapshot(session, quarter)
            if existing is not None:
                raise QuarterError(_already_closed(quarter, existing.closed_at, existing.closed_by))
            current = compute(session, quarter, now)
            if not current.rows:
                raise QuarterError(f"还没有社区台账，{quarter.label}没有可关账的数据")
            before = _figures_in(session, quarter.previous)
            frozen = replace(current, is_open=False, closed_at=now, closed_by=ledger.actor.name,
                             previous_at_close=indicator_values(before, current.version) if before.rows else None,
                             previous_was_closed=not before.is_open)
            # Core insert: the audit entry below says what was closed; the flush hook would only add a bare 新增
            result = session.execute(insert(QuarterSnapshot).values(
                quarter=quarter.code, closed_at=now, closed_by=ledger.actor.name, figures=frozen.to_json()))
            audit.record(session, "关账", catalog.audit_name("quarter_snapshot"), result.inserted_primary_key[0],
                         quarter.label, _audit_changes(frozen))
    except IntegrityError:
        # another clerk closed it between our check and our insert
        with ledger.reading() as session:
            existing = _snapshot(session, quarter)
        if existing is None:
            raise
        raise QuarterError(_already_closed(quarter, existing.closed_at, existing.closed_by)) from None
    return frozen


def reopen_quarter(ledger: Ledger, quarter: Quarter | str, reason: str) -> None:
    """重新打开 a closed quarter (administrators only), recording why and what had been frozen.

    Closing is final in intent, but a quarter closed too early or before late entries arrived has to be
    corrected somehow; doing it here keeps the reason and the frozen totals in the audit trail instead of
    leaving the only way out to editing the database by hand.
    """
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    reason = (reason or "").strip()
    check_reopen(ledger)
    if not reason:
        raise QuarterError("重新打开已关账的季度必须填写原因")
    with ledger.unit("quarter.close") as session:
        snap = _snapshot(session, quarter)
        if snap is None:
            raise QuarterError(f"{quarter.label}尚未关账，无需重新打开")
        frozen = QuarterFigures.from_json(snap.figures, snap.closed_at, snap.closed_by)
        changes = [{"field": "原因", "old": None, "new": reason[:200]},
                   {"field": "原关账", "old": None, "new": f"{snap.closed_at:%Y-%m-%d %H:%M} {snap.closed_by or ''}".strip()}]
        session.execute(delete(QuarterSnapshot).where(QuarterSnapshot.id == snap.id))
        audit.record(session, "重新打开", catalog.audit_name("quarter_snapshot"), snap.id, quarter.label,
                     changes + _audit_changes(frozen))


def _already_closed(quarter: Quarter, at: datetime, by: str | None) -> str:
    who = f"由“{by}”" if by else ""
    return f"{quarter.label}已于{_cn_date(at)} {at:%H:%M}{who}关账，不能重复关账（如需更正，请由管理员重新打开）"


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _audit_changes(figures: QuarterFigures) -> list[dict]:
    """The frozen totals, so that the trail alone says what was reported."""
    values = indicator_values(figures)
    out = [{"field": "社区数", "old": None, "new": len(figures.rows)}]
    out += [{"field": i.label, "old": None, "new": None if values[i.key] is None else str(values[i.key])}
            for i in figures.indicators]
    return out


def quarters_with_data(ledger: Ledger, today: date | None = None) -> list[Quarter]:
    """The quarters a clerk may want to look at: from the earliest funding year to the current quarter."""
    today = today or clock.today()
    with ledger.reading() as session:
        first = session.scalar(select(func.min(FundEntry.entry_date)))
    start = Quarter(first.year, 1) if first else Quarter.containing(today)
    out, q = [], Quarter.containing(today)
    while q >= start and len(out) < 40:
        out.append(q)
        q = q.previous
    return out


__all__ = ["Quarter", "QuarterError", "QuarterFigures", "QuarterReport", "CommunityFigures", "FundFigures",
           "Indicator", "INDICATORS", "ORG_COLUMNS", "SNAPSHOT_VERSION", "WIDER_VERSION", "indicators_of", "compute",
           "figures", "report",
           "close_quarter", "reopen_quarter", "check_close", "check_reopen", "closed_quarters", "quarters_with_data",
           "indicator_values"]
