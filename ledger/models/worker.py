"""Community workers (社区工作者) on the pay scale, and the history kept for each."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import KEEP_IDS, Base, Money, Versioned, label


class Worker(Versioned, Base):
    """A community worker with post (岗位) and level (等级) on the pay scale."""

    __tablename__ = "worker"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    title: Mapped[str] = mapped_column(String(16))
    post: Mapped[int] = mapped_column(info=label("岗位", "post"))
    level: Mapped[int]
    dual_role: Mapped[bool] = mapped_column(default=False)
    education: Mapped[str | None] = mapped_column(String(16))
    qualification: Mapped[str | None] = mapped_column(String(16))
    started_on: Mapped[date | None]
    political_status: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    contribution_base: Mapped[Decimal | None] = mapped_column(Money())
    special_deduction: Mapped[Decimal | None] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(8), default="在岗")
    # The grading bonus (学历/职业资格) already credited in the level, so a later one adds only the difference.
    credited_bonus: Mapped[int] = mapped_column(default=0, info=label("已计入的学历/资格加级"))
    note: Mapped[str | None] = mapped_column(Text)


class LevelChange(Base):
    """调级记录: one change of level with its reason and approver."""

    __tablename__ = "level_change"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True,
                                           info=label("社区工作者"))
    old_level: Mapped[int | None] = mapped_column(info=label("原等级"))
    new_level: Mapped[int] = mapped_column(info=label("新等级"))
    reason: Mapped[str] = mapped_column(String(200), info=label("调级原因"))
    effective_on: Mapped[date] = mapped_column(info=label("生效日期"))
    approver: Mapped[str | None] = mapped_column(String(32), info=label("审批人"))
    recorded_at: Mapped[datetime | None] = mapped_column(info=label("记录时间"))


class PostChange(Base):
    """岗位变动: a change of post or title."""

    __tablename__ = "post_change"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True,
                                           info=label("社区工作者"))
    old_post: Mapped[int | None] = mapped_column(info=label("原岗位", "post"))
    new_post: Mapped[int] = mapped_column(info=label("新岗位", "post"))
    old_title: Mapped[str | None] = mapped_column(String(16), info=label("原职务"))
    new_title: Mapped[str | None] = mapped_column(String(16), info=label("新职务"))
    reason: Mapped[str | None] = mapped_column(String(200), info=label("变动原因"))
    effective_on: Mapped[date] = mapped_column(info=label("生效日期"))


class Appraisal(Base):
    """年度考核: the year's grade (优秀/合格/基本合格/不合格)."""

    __tablename__ = "appraisal"
    __table_args__ = (UniqueConstraint("worker_id", "year"), KEEP_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True,
                                           info=label("社区工作者"))
    year: Mapped[int] = mapped_column(info=label("年度"))
    grade: Mapped[str] = mapped_column(String(8), info=label("考核结果"))
    note: Mapped[str | None] = mapped_column(Text, info=label("备注"))


class Certificate(Base):
    """证书: a degree or professional qualification with the date obtained."""

    __tablename__ = "certificate"
    __table_args__ = KEEP_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True,
                                           info=label("社区工作者"))
    kind: Mapped[str] = mapped_column(String(8), info=label("类别"))  # 学历 / 职业资格
    name: Mapped[str] = mapped_column(String(32), info=label("证书名称"))
    obtained_on: Mapped[date | None] = mapped_column(info=label("取得日期"))
    number: Mapped[str | None] = mapped_column(String(64), info=label("证书编号"))
    note: Mapped[str | None] = mapped_column(Text, info=label("备注"))
