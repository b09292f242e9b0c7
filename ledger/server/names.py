"""The roles one database's rules live under on a PostgreSQL server, and what a login role may be called.

Roles are global to a server, so every role a database makes carries the database's prefix (`<db>_clerk`),
and several databases on one server never share one. A person's login role is named after their account:
account names are therefore unique on the whole server and at most 63 bytes (PostgreSQL's identifier limit).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..access import ADMIN, CLERK, FINANCE, LEADER, ROLES

MAX_NAME_BYTES = 63
_GROUPS = {ADMIN: "admin", CLERK: "clerk", FINANCE: "finance", LEADER: "leader"}
# Names PostgreSQL reserves or gives a meaning of its own: never a person's login role.
RESERVED = {"public", "none", "current_user", "session_user", "current_role", "user", "all"}
_PLAIN = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class Roles:
    """The roles of one database: a group per application role, and the roles nobody is."""

    prefix: str

    def group(self, role: str) -> str:
        """The group role of an application role (管理员 → <db>_admin); a person's login role is a member."""
        return f"{self.prefix}_{_GROUPS[role]}"

    @property
    def groups(self) -> dict[str, str]:
        return {role: self.group(role) for role in ROLES}

    @property
    def people(self) -> str:
        """Every person of this database (each group is a member): the rights all roles share."""
        return f"{self.prefix}_people"

    @property
    def keeper(self) -> str:
        """Owns the account functions; nobody logs in as it (it holds CREATEROLE for them)."""
        return f"{self.prefix}_keeper"

    @property
    def signin(self) -> str:
        """May only report a failed sign-in; its password is no secret (see SIGNIN_PASSWORD)."""
        return f"{self.prefix}_signin"

    @property
    def made(self) -> tuple[str, ...]:
        """Every role this database makes for itself (people's login roles aside)."""
        return (*self.groups.values(), self.people, self.keeper, self.signin)


def roles_for(database: str) -> Roles:
    """The roles of the database named `database`: its own name as the prefix when short and plain."""
    if _PLAIN.match(database):
        return Roles(database)
    return Roles("sl_" + hashlib.sha256(database.encode("utf-8")).hexdigest()[:12])


def signin_password(roles: Roles) -> str:
    """The sign-in role's password. It is printed in docs/trust.md on purpose: the role may do nothing but
    report a failed sign-in (which anyone could cause by typing a wrong password)."""
    return roles.signin


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a login role, or None."""
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"不能超过{MAX_NAME_BYTES}个字节（约{MAX_NAME_BYTES // 3}个汉字）"
    if name.lower() in RESERVED or name.lower().startswith("pg_"):
        return "是数据库保留的名称，请换一个"
    return None
