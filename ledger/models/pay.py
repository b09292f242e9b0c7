"""Pay: the versioned pay standard, monthly pay runs and their lines, adjustments and opening figures."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..pay.columns import CODE, COUNT, FIGURES, MONEY, TEXT
from .base import Base, Money, Versioned, label


class PayStandardVersion(Versioned, Base):
    """One version of the pay standard, in force from its effective date (spec: ledger.paystandard)."""

    __tablename__ = "pay_standard"
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(unique=True, info=label("生效日期"))
    name: Mapped[str] = mapped_column(String(100), info=label("标准名称"))
    spec: Mapped[dict] = mapped_column(JSON, info=label("标准内容"))
    created_at: Mapped[datetime | None] = mapped_column(info=label("保存时间"))


class PayRun(Base):
    """A month's pay run: a draft until approved, then locked for ever."""

    __tablename__ = "pay_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True, info=label("月份", "month"))  # YYYY-MM
    status: Mapped[str] = mapped_column(String(8), default="草稿", info=label("状态"))  # 草稿 / 已审批
    # 奖励性绩效 paid in this run
    pays_bonus: Mapped[bool] = mapped_column(default=False, info=label("发放奖励性绩效"))
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("pay_standard.id"), info=label("工资标准"))
    computed_at: Mapped[datetime | None] = mapped_column(info=label("计算时间"))
    approved_at: Mapped[datetime | None] = mapped_column(info=label("审批时间"))
    approved_by: Mapped[str | None] = mapped_column(String(32), info=label("审批人"))


def _figure_columns() -> type:
    """A mixin with one column per figure of the pay line as ledger.pay.columns declares it (money as fen)."""
    types = {MONEY: Money, COUNT: Integer, CODE: Integer, TEXT: lambda: String(16)}
    return type("PayFigureColumns", (), {c.key: mapped_column(types[c.kind](), nullable=False) for c in FIGURES})


class PayLine(_figure_columns(), Base):
    """One worker's line in a pay run: who was paid (a snapshot) and every figure of ledger.pay.columns."""

    __tablename__ = "pay_line"
    __table_args__ = (UniqueConstraint("run_id", "worker_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pay_run.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    community: Mapped[str] = mapped_column(String(64))
    worker_name: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(18))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    explanation: Mapped[str | None] = mapped_column(Text)   # unused: explanations are rebuilt on demand


class PayAdjustment(Versioned, Base):
    """A manual 其他补发 or 其他扣款 line for a worker in a month, with its reason."""

    __tablename__ = "pay_adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True, info=label("月份", "month"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True, info=label("社区工作者"))
    kind: Mapped[str] = mapped_column(String(4), info=label("类别"))  # 补发 / 扣款
    amount: Mapped[Decimal] = mapped_column(Money(), info=label("金额"))
    taxable: Mapped[bool] = mapped_column(default=True, info=label("计税"))
    reason: Mapped[str] = mapped_column(String(200), info=label("原因"))
    created_at: Mapped[datetime | None] = mapped_column(info=label("录入时间"))
    created_by: Mapped[str | None] = mapped_column(String(32), info=label("录入人"))


class YearOpening(Base):
    """期初累计: a worker's cumulative figures for the year before the first run in this application."""

    __tablename__ = "year_opening"
    __table_args__ = (UniqueConstraint("worker_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True, info=label("社区工作者"))
    year: Mapped[int] = mapped_column(info=label("年度"))
    cum_gross: Mapped[Decimal] = mapped_column(Money(), info=label("累计应发"))
    cum_insurance: Mapped[Decimal] = mapped_column(Money(), info=label("累计专项扣除"))
    cum_special: Mapped[Decimal] = mapped_column(Money(), info=label("累计专项附加扣除"))
    cum_tax: Mapped[Decimal] = mapped_column(Money(), info=label("累计已预扣税额"))
    months: Mapped[int] = mapped_column(info=label("任职月数"))
