"""Accounts and the audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, label


class User(Base):
    """An account: role 管理员 / 台账录入员 / 财务 / 领导, optionally limited to one community."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True, info=label("账号"))
    role: Mapped[str] = mapped_column(String(8), info=label("角色"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), info=label("限定社区"))
    password_hash: Mapped[str] = mapped_column(String(256))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True, info=label("可登录"))
    created_at: Mapped[datetime | None] = mapped_column(info=label("创建时间"))
    # Set by an administrator's reset: the temporary password must be replaced at the next login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One line of the audit trail: who did what to which record, with old and new values.

    Rows are only ever inserted: database triggers (migrations 0003_trust, 0007_integrity) refuse UPDATE, DELETE
    and a REPLACE of an existing entry, and each entry's chain_hash links it to the one before (ledger.audit_chain).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "ledger", "record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_name: Mapped[str | None] = mapped_column(String(32), index=True)
    source: Mapped[str | None] = mapped_column(String(8))  # 界面 / 命令行 / 导入
    action: Mapped[str] = mapped_column(String(16))
    ledger: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[int | None]
    record_label: Mapped[str | None] = mapped_column(String(100))
    # The community of the record concerned (None: street-wide, such as a login or a pay approval), so that a
    # community-limited account reads only its community's entries and its own.
    community_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[list | None] = mapped_column(JSON)
    chain_hash: Mapped[str | None] = mapped_column(String(64))
