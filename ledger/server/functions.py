"""The server's functions as data: each one's SQL, the role that owns it, and the roles that may call it.

`setup.apply` creates them (the keeper's while acting as the keeper), revokes EXECUTE from everybody and grants
it to exactly the callers named here; `check` compares the grants it finds with these.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Function:
    """One function of the server's rules."""

    signature: str                  # public.name(argument types), as the server prints it
    sql: str                        # CREATE OR REPLACE FUNCTION …
    keeper: bool = False            # owned by the keeper role (SECURITY DEFINER over the accounts)
    callers: tuple[str, ...] = ()   # people, admin, masked (roles without personal.read), signin, keeper, owner
