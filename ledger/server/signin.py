"""Signing in on a PostgreSQL server: the person connects as their own login role.

The server checks the password before any SQL runs. When it refuses, the sign-in role (which may do nothing
else) reports the failure to `sl_sign_in_failed`, which counts it, locks the account after the fifth and
records it in the trail; its answer gives the same message as on SQLite. An account whose lock has run out is
unlocked by that report, and the connection is tried once more.
"""
from __future__ import annotations

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from ..access import Actor
from ..db import Database, check_server_schema, database_on, make_engine
from .calls import refusal
from .names import roles_for, signin_password


def sign_in(url: str, name: str, password: str, source: str):
    """The ledger as `name`, connected with their own credentials (ledger.accounts.SignIn)."""
    from ..accounts import LoginFailed
    for attempt in range(2):
        db = _connect(url, name, password)
        if db is not None:
            return _signed_in(db, name, source)
        outcome = report_failure(url, name, source)
        if outcome != "unlocked" or attempt:
            raise LoginFailed(failure_message(name, outcome))
    raise AssertionError("unreachable")


def _connect(url: str, name: str, password: str) -> Database | None:
    """An open database as the person, or None when the server refused the credentials."""
    from ..accounts import LoginFailed
    person = make_url(url).set(username=name, password=password)
    engine = make_engine(person.render_as_string(hide_password=False))
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        if _reachable(url):
            return None
        if any(words in str(exc) for words in _REFUSED):
            # the server refused these credentials, and has no sign-in role to report it to
            raise LoginFailed(failure_message(name, None)) from None
        raise exc
    return database_on(person.render_as_string(hide_password=False), engine)


# How libpq says the server refused a login (in English, or a server set to Chinese messages).
_REFUSED = ("authentication failed", "not permitted to log in", "认证失败", "不允许登录")


def _reachable(url: str) -> bool:
    """Whether the server and database answer the sign-in role (so a refused connection was the person's)."""
    engine = _signin_engine(url)
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def _signin_engine(url: str):
    roles = roles_for(make_url(url).database or "")
    target = make_url(url).set(username=roles.signin, password=signin_password(roles))
    return create_engine(target, poolclass=NullPool)


def report_failure(url: str, name: str, source: str) -> str | None:
    """Tell the server that `name` failed to sign in; its verdict, or None when it could not be told."""
    engine = _signin_engine(url)
    try:
        with engine.begin() as connection:
            return connection.scalar(text("SELECT public.sl_sign_in_failed(:name, :source)"),
                                     {"name": name, "source": source})
    except (OperationalError, DBAPIError):
        return None
    finally:
        engine.dispose()


def failure_message(name: str, outcome: str | None) -> str:
    from datetime import datetime

    from ..accounts import LOCK_AFTER, LOCK_FOR, locked_message
    kind, _, detail = (outcome or "").partition(" ")
    if kind == "disabled":
        return f"账号“{name}”已停用，请联系管理员"
    if kind == "locked":
        return locked_message(name, datetime.fromisoformat(detail))
    if kind == "locked-now":
        return f"密码连续错误{LOCK_AFTER}次，账号“{name}”已锁定{int(LOCK_FOR.total_seconds() // 60)}分钟"
    if kind == "wrong":
        return f"用户名或密码错误（再错{detail}次将锁定账号）"
    if kind == "unknown" or kind == "unlocked":
        return "用户名或密码错误"
    return "无法登录：用户名或密码错误，或者这个数据库还没有启用数据库服务器账号（请数据库所有者运行 upgrade）"


def _signed_in(db: Database, name: str, source: str):
    from ..accounts import SignIn
    from ..app import Ledger
    try:
        check_server_schema(db.engine)
        with db.sessions.begin() as session:
            try:
                row = session.execute(text("SELECT * FROM public.sl_signed_in(:source)"), {"source": source}).one()
            except DBAPIError as exc:
                raise refusal(exc) from None
    except BaseException:
        db.dispose()
        raise
    role, community_id, must_change = row
    return SignIn(Ledger.on(db, Actor(name, role, community_id, source)), must_change)
