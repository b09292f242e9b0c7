"""Accounts: creating them, signing in (with lockout), and changing or resetting passwords.

A database without accounts runs without a login; creating the first account (an administrator) turns
login on everywhere. On SQLite passwords are kept only as scrypt hashes (memory-hard, in the standard
library). On a PostgreSQL server each account is a login role that the server authenticates, and accounts are
changed through the server's own functions (ledger.server.logins); the rules and messages are the same.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from pathlib import Path

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from . import audit
from .access import ADMIN, ROLES, Actor
from .app import Ledger
from .errors import LedgerError, NotFound, ValidationError
from .models import Community, User

# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB of memory per try, about 50 ms here; enough to make a stolen
# database file slow to attack, small enough for a login on an old office PC.
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LENGTH = 2 ** 14, 8, 1, 32
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 6

# Computed once, so that a login with an unknown name costs as much time as one with a wrong password.
_DUMMY_HASH: str | None = None


class LoginFailed(LedgerError):
    """Wrong name or password, a locked or disabled account; the attempt was recorded."""


@dataclass(frozen=True)
class Account:
    """An account as shown to an administrator (never the password hash)."""

    id: int
    name: str
    role: str
    community_id: int | None
    community: str
    active: bool
    locked_until: datetime | None
    must_change_password: bool
    created_at: datetime | None
    last_login_at: datetime | None

    @property
    def status(self) -> str:
        if not self.active:
            return "已停用"
        if self.locked_until is not None and self.locked_until > datetime.now():
            return f"已锁定至{self.locked_until:%H:%M}"
        if self.must_change_password:
            return "待修改密码"
        return "正常"


@dataclass(frozen=True)
class SignIn:
    """A successful login: the ledger as the person, and whether they must first replace a reset password."""

    ledger: Ledger
    must_change_password: bool


# --- hashing --------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """'scrypt$n$r$p$salt$key': the parameters travel with the hash, so they can be raised later."""
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                         dklen=KEY_LENGTH, maxmem=64 * 1024 * 1024)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("不存在的账号")
    return _DUMMY_HASH


# --- rules ----------------------------------------------------------------------------------------
def check_password(password: str, name: str | None = None) -> None:
    """Refuse passwords that are too easy to guess; the message says what to do."""
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError.single("密码", f"至少{MIN_PASSWORD_LENGTH}位")
    if password.strip() != password:
        raise ValidationError.single("密码", "开头和结尾不能是空格")
    if len(set(password)) == 1:
        raise ValidationError.single("密码", "不能全是同一个字符")
    if name and password == name:
        raise ValidationError.single("密码", "不能与用户名相同")
    if password in ("123456", "1234567", "12345678", "123456789", "654321", "password", "abc123", "qwerty", "111111"):
        raise ValidationError.single("密码", "过于简单，请换一个不易猜到的密码")


def _clean_name(name: str) -> str:
    from .server.names import name_problem
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        raise ValidationError.single("用户名", "必填，不能为空")
    if len(text) > 32:
        raise ValidationError.single("用户名", "不能超过32个字符")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
        raise ValidationError.single("用户名", "不能包含空格或控制字符")
    # Every account can become a server login role (a database may move to PostgreSQL): the same limits.
    if (problem := name_problem(text)) is not None:
        raise ValidationError.single("用户名", problem)
    return text


def _community_id(session: Session, role: str, community: str | None) -> int | None:
    if not community:
        return None
    if role == ADMIN:
        raise ValidationError.single("所属社区", "管理员管理全部社区，不能限定为一个社区")
    cid = session.scalar(select(Community.id).where(Community.name == community.strip()))
    if cid is None:
        raise ValidationError.single("所属社区", f"社区“{community}”不存在")
    return cid


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError.single("角色", f"“{role}”不是有效角色，可选：{'、'.join(ROLES)}")


# --- queries --------------------------------------------------------------------------------------
def has_accounts(ledger_or_db) -> bool:
    """Whether login is on: true as soon as the first account exists."""
    db = getattr(ledger_or_db, "db", ledger_or_db)
    with db.sessions() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def list_users(ledger: Ledger) -> list[Account]:
    with ledger.reading("accounts") as session:
        return [_account(session, u) for u in session.scalars(select(User).order_by(User.id))]


def get_user(ledger: Ledger, name: str) -> Account:
    with ledger.reading("accounts") as session:
        return _account(session, _load(session, name))


def _account(session: Session, user: User) -> Account:
    community = session.scalar(select(Community.name).where(Community.id == user.community_id)) \
        if user.community_id is not None else None
    return Account(user.id, user.name, user.role, user.community_id, community or "", user.active,
                   user.locked_until, user.must_change_password, user.created_at, user.last_login_at)


def _load(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == _clean_name(name)))
    if user is None:
        raise NotFound(f"账号“{name}”不存在")
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == ADMIN, User.active.is_(True))) or 0


# --- changes --------------------------------------------------------------------------------------
def create_user(ledger: Ledger, name: str, role: str, password: str, community: str | None = None) -> Account:
    """A new account. The first one must be an administrator, and creating it turns login on."""
    name = _clean_name(name)
    _check_role(role)
    check_password(password, name)
    first = not has_accounts(ledger)
    if first and role != ADMIN:
        raise ValidationError.single("角色", "第一个账号必须是管理员（之后由管理员创建其他账号）")
    # The first account is made by whoever runs a database without login (an unnamed administrator).
    with ledger.unit("accounts") as session:
        if first and session.scalar(select(func.count()).select_from(User)):
            raise LedgerError("刚刚已有人创建了第一个账号，请用该账号登录后再创建")
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise ValidationError.single("用户名", f"“{name}”已存在")
        if ledger.db.server:
            from .server import calls, setup
            new_id = calls.call(session, "SELECT public.sl_account_add(:name, :role, :community, :verifier, :source)",
                                name=name, role=role, community=_community_id(session, role, community),
                                verifier=setup.verifier(session.connection(), name, password),
                                source=ledger.actor.source).scalar()
            return _account(session, session.get(User, new_id))
        now = datetime.now()
        user = User(name=name, role=role, community_id=_community_id(session, role, community),
                    password_hash=hash_password(password), failed_attempts=0, active=True, created_at=now,
                    password_changed_at=now, must_change_password=False)
        session.add(user)
        session.flush()
        if first:
            audit.record(session, "启用登录", "账号", user.id, name,
                         [{"field": "说明", "old": None, "new": "创建第一个管理员账号，此后需要登录"}])
        return _account(session, user)


def update_user(ledger: Ledger, name: str, *, role: str | None = None, community: str | None | bool = False,
                active: bool | None = None) -> Account:
    """Change an account's role, community (None = all communities; False = unchanged) or whether it may log in."""
    with ledger.unit("accounts") as session:
        user = _load(session, name)
        if role is not None:
            _check_role(role)
        new_role = role or user.role
        community_id = _community_id(session, new_role, community or None) if community is not False else False
        if active is not None and not active and user.name == ledger.actor.name:
            raise ValidationError.single("状态", "不能停用自己正在使用的账号")
        if ledger.db.server:
            from .server import calls
            calls.call(session, "SELECT public.sl_account_set(:name, :role, :set_community, :community, :active, "
                       ":source)", name=user.name, role=role, set_community=community_id is not False,
                       community=community_id or None, active=active, source=ledger.actor.source)
            session.expire(user)
            return _account(session, user)
        user.role = new_role
        if community_id is not False:
            user.community_id = community_id
        elif user.role == ADMIN and user.community_id is not None:
            user.community_id = None
        if active is not None:
            user.active = active
        session.flush()
        if _active_admins(session) == 0:
            raise ValidationError.single("角色", "至少要保留一个可用的管理员账号")
        return _account(session, user)


def change_password(ledger: Ledger, new_password: str, old_password: str | None = None) -> None:
    """The signed-in person replaces their own password (the old one is asked again when given)."""
    name = ledger.actor.name
    if not name:
        raise LedgerError("当前没有登录的账号，无法修改密码" if not has_accounts(ledger) else "请先登录")
    if ledger.db.server:
        _change_server_password(ledger, new_password, old_password)
        return
    with ledger.unit("ledger.read") as session:
        user = _load(session, name)
        if old_password is not None and not verify_password(old_password, user.password_hash):
            raise ValidationError.single("原密码", "不正确")
        check_password(new_password, name)
        if verify_password(new_password, user.password_hash):
            raise ValidationError.single("新密码", "不能与原密码相同")
        user.password_hash = hash_password(new_password)
        user.password_changed_at = datetime.now()
        user.must_change_password = False
        audit.record(session, "修改密码", "账号", user.id, name)


def _change_server_password(ledger: Ledger, new_password: str, old_password: str | None) -> None:
    """On a server: the password this session signed in with is the one to check against."""
    from .server import calls, setup
    current = ledger.db.engine.url.password
    if old_password is not None and old_password != current:
        raise ValidationError.single("原密码", "不正确")
    check_password(new_password, ledger.actor.name)
    if new_password == current:
        raise ValidationError.single("新密码", "不能与原密码相同")
    with ledger.unit("ledger.read") as session:
        calls.call(session, "SELECT public.sl_own_password(:verifier, :source)",
                   verifier=setup.verifier(session.connection(), ledger.actor.name, new_password),
                   source=ledger.actor.source)
    ledger.db.reconnect(new_password)


def reset_password(ledger: Ledger, name: str, new_password: str) -> None:
    """An administrator sets a temporary password, unlocks the account; the user must change it at login."""
    with ledger.unit("accounts") as session:
        user = _load(session, name)
        check_password(new_password, user.name)
        if ledger.db.server:
            from .server import calls, setup
            calls.call(session, "SELECT public.sl_account_password(:name, :verifier, :source)", name=user.name,
                       verifier=setup.verifier(session.connection(), user.name, new_password),
                       source=ledger.actor.source)
            return
        user.password_hash = hash_password(new_password)
        user.password_changed_at = datetime.now()
        user.must_change_password = user.name != ledger.actor.name
        user.failed_attempts = 0
        user.locked_until = None
        audit.record(session, "重置密码", "账号", user.id, user.name)


# --- login ----------------------------------------------------------------------------------------
def login(ledger: Ledger | str | Path, name: str, password: str, source: str = "界面") -> SignIn:
    """Check a name and password (of an open ledger, or of a database named by path or URL); every attempt,
    good or bad, is recorded in the audit trail.

    Five wrong passwords in a row lock the account for LOCK_FOR. Failures are counted in one update of the
    account's row, so parallel guesses lock it after the fifth; the failure is committed before the refusal is
    raised, so that neither the count nor the record can be rolled back by the caller. On a server the person
    connects as their own login role (ledger.server.signin).
    """
    from .db import database_url
    from .server import is_server
    url = ledger.db.url if isinstance(ledger, Ledger) else database_url(ledger)
    name = (name or "").strip()
    if is_server(url):
        from .server.signin import sign_in
        return sign_in(url, name, password or "", source)
    if not isinstance(ledger, Ledger):
        ledger = Ledger.open(ledger, Actor(source=source))
    return _login_here(ledger, name, password, source)


def locked_message(name: str, until: datetime) -> str:
    return f"账号“{name}”因连续{LOCK_AFTER}次密码错误已锁定，请在{until:%H:%M}后再试，或请管理员重置密码"


def _login_here(ledger: Ledger, name: str, password: str, source: str) -> SignIn:
    now = datetime.now()
    with ledger.db.sessions() as session:
        user = session.scalar(select(User).where(User.name == name)) if name else None
    if user is None:
        verify_password(password or "", _dummy_hash())
        _failed(ledger, name, None, source, "用户名不存在")
        raise LoginFailed("用户名或密码错误")
    if not user.active:
        _failed(ledger, name, user, source, "账号已停用")
        raise LoginFailed(f"账号“{name}”已停用，请联系管理员")
    if user.locked_until is not None and user.locked_until > now:
        _failed(ledger, name, user, source, "账号已锁定")
        raise LoginFailed(locked_message(name, user.locked_until))
    right = verify_password(password or "", user.password_hash)
    with ledger.db.writes.begin() as session:
        session.info["actor"] = Actor(name, user.role, None, source)
        if right:
            # Signed in only if no parallel attempt has locked (or an administrator disabled) it meanwhile.
            signed = session.execute(
                update(User).where(User.id == user.id, User.active.is_(True),
                                   or_(User.locked_until.is_(None), User.locked_until <= now))
                .values(failed_attempts=0, locked_until=None, last_login_at=now)
                .returning(User.role, User.community_id, User.must_change_password)).first()
            if signed is not None:
                actor = Actor(user.name, signed.role, signed.community_id, source)
                session.info["actor"] = actor
                audit.record(session, "登录", "账号", user.id, user.name)
                return SignIn(ledger.as_actor(actor), signed.must_change_password)
            until = session.scalar(select(User.locked_until).where(User.id == user.id))
            failure, reason = locked_message(name, until or now), "账号已锁定"
        else:
            failure, reason = _count_failure(session, user, now)
        audit.record(session, "登录失败", "账号", user.id, name, [{"field": "原因", "old": None, "new": reason}])
    raise LoginFailed(failure)


def _count_failure(session: Session, user: User, now: datetime) -> tuple[str, str]:
    """One more wrong password, counted in the row itself (unless a parallel attempt has locked it already)."""
    name = user.name
    failures, locked_until = session.execute(
        update(User).where(User.id == user.id)
        .values(failed_attempts=case((User.locked_until > now, User.failed_attempts),
                                     else_=func.coalesce(User.failed_attempts, 0) + 1))
        .returning(User.failed_attempts, User.locked_until)).one()
    if locked_until is not None and locked_until > now:
        return locked_message(name, locked_until), "账号已锁定"
    if failures >= LOCK_AFTER:
        session.execute(update(User).where(User.id == user.id).values(locked_until=now + LOCK_FOR, failed_attempts=0))
        minutes = int(LOCK_FOR.total_seconds() // 60)
        return (f"密码连续错误{LOCK_AFTER}次，账号“{name}”已锁定{minutes}分钟",
                f"密码错误，连续{LOCK_AFTER}次，锁定{minutes}分钟")
    return f"用户名或密码错误（再错{LOCK_AFTER - failures}次将锁定账号）", "密码错误"


def _failed(ledger: Ledger, name: str, user: User | None, source: str, reason: str) -> None:
    with ledger.db.writes.begin() as session:
        session.info["actor"] = Actor(name or None, user.role if user else "", None, source)
        audit.record(session, "登录失败", "账号", user.id if user else None,
                     (name[:100] or None) if user is None else name, [{"field": "原因", "old": None, "new": reason}])
