"""Calling the server's account functions from a session, with their refusals as the application's own."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..errors import LedgerError, NotFound, PermissionDenied, ValidationError
from .logins import NOT_FOUND, VALIDATION


def call(session: Session, sql: str, **params: Any) -> Any:
    """Run one function call in the session's transaction; the server's refusal becomes a LedgerError."""
    try:
        return session.execute(text(sql), params)
    except DBAPIError as exc:
        raise refusal(exc) from None


def refusal(exc: DBAPIError) -> Exception:
    """The application's error for a refusal by one of the server's functions (else the error itself)."""
    orig = exc.orig
    state = getattr(orig, "sqlstate", None)
    diag = getattr(orig, "diag", None)
    message = getattr(diag, "message_primary", None) or str(orig)
    if state == VALIDATION:
        return ValidationError.single(getattr(diag, "message_detail", None) or "", message)
    if state == NOT_FOUND:
        return NotFound(message)
    if state == "42501":
        return PermissionDenied(message if any("\u4e00" <= ch <= "\u9fff" for ch in message)
                                else "数据库服务器拒绝了这个操作：您的账号没有这项权限")
    if isinstance(orig, Exception) and state is not None and state.startswith("SL"):
        return LedgerError(message)
    return exc
