"""Building a database's rules on its PostgreSQL server, after every upgrade, from the catalogue.

`apply(connection)` runs as the database owner, in the upgrade's transaction, and makes the server match the
design whatever it found: the roles, the functions, the masked views, the row policies, the audit triggers
and exactly the designed privileges (anything else is revoked). A new table therefore gets its grants, its
policy and its audit trigger with no migration code of its own. Then every account gets its login role: an
account of a database that everyone used to reach with one shared credential gets a one-time password, which
`upgrade` shows to the administrator (the scrypt hashes cannot become server passwords).

The owner needs LOGIN and CREATEROLE (to make the groups, the keeper and the people's roles); it owns the
tables and is exempt from the row policies. No person logs in as it.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, text

from ..access import ADMIN
from . import logins, rows, trail
from .functions import Function
from .names import Roles, name_problem, roles_for, signin_password
from .rights import MASKED, Grant, designed
from .sql import ident, literal

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # one-time passwords read aloud or copied by hand


@dataclass(frozen=True)
class Moved:
    """An account given its login role by this upgrade: its one-time password, or why it could not be."""

    name: str
    password: str | None
    problem: str | None = None


def functions(roles: Roles, database: str, owner: str) -> list[Function]:
    return [*trail.functions(roles), *rows.functions(roles), *logins.functions(roles, database, owner)]


def callers(roles: Roles, owner: str) -> dict[str, tuple[str, ...]]:
    """Who each name in a Function's `callers` is."""
    return {"people": (roles.people,), "admin": (roles.group(ADMIN),), "signin": (roles.signin,),
            "keeper": (roles.keeper,), "owner": (owner,),
            "masked": tuple(roles.group(r) for r in rows.masked_roles())}


def function_grants(roles: Roles, database: str, owner: str) -> dict[str, set[str]]:
    names = callers(roles, owner)
    out = {f.signature: {g for c in f.callers for g in names[c]} for f in functions(roles, database, owner)}
    out[_DIGEST] = {roles.people, roles.signin}
    return out


_DIGEST = "public.sl_setup_digest()"


def statements(roles: Roles, database: str, owner: str) -> list[str]:
    """Everything but the roles and privileges: functions, views, policies, triggers (in that order)."""
    return ([f.sql for f in functions(roles, database, owner)] + rows.view_statements() + rows.policy_statements()
            + trail.statements())


@cache
def digest(database: str, owner: str) -> str:
    """What the server's rules are, as a hash: an application finding another one asks for `upgrade`."""
    roles = roles_for(database)
    text_ = "\n".join(statements(roles, database, owner))
    text_ += "\n" + "\n".join(g.sql() for g in sorted(designed(roles, database, function_grants(roles, database, owner))))
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def apply(connection: Connection) -> list[Moved]:
    """Make the server hold this database's rules; returns the accounts that got their login role now."""
    database = connection.scalar(text("SELECT current_database()"))
    owner = connection.scalar(text("SELECT current_user"))
    roles = roles_for(database)
    run = raw(connection)
    _make_roles(connection, roles, owner)
    # Drop every function of ours (with the triggers, policies and views that use them) and build anew:
    # a changed signature or return type needs no special case.
    for signature in connection.scalars(text(
            "SELECT 'public.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')' FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace AND starts_with(p.proname, 'sl_')")):
        run(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
    run(f"DROP SCHEMA IF EXISTS {MASKED} CASCADE")
    run(f"GRANT CREATE ON SCHEMA public TO {ident(roles.keeper)}")
    for f in functions(roles, database, owner):
        run(f.sql)
        if f.keeper:
            run(f"ALTER FUNCTION {f.signature} OWNER TO {ident(roles.keeper)}")
    run(f"REVOKE CREATE ON SCHEMA public FROM {ident(roles.keeper)}")
    for sql in rows.view_statements() + rows.policy_statements() + trail.statements():
        run(sql)
    from ..protection import POSTGRES_TRIGGERS
    for table, names in POSTGRES_TRIGGERS.items():   # the migrations' protections, switched on again
        for name in sorted(names):
            run(f"ALTER TABLE public.{ident(table)} ENABLE TRIGGER {ident(name)}")
    run(f"CREATE OR REPLACE FUNCTION {_DIGEST} RETURNS text LANGUAGE sql IMMUTABLE AS "
        f"$$ SELECT {literal(digest(database, owner))}::text $$")
    wanted = designed(roles, database, function_grants(roles, database, owner))
    found = actual_grants(connection)
    for grant in sorted(found - wanted):
        run(grant.sql("REVOKE"))
    for grant in sorted(wanted - found):
        run(grant.sql())
    return _sync_people(connection, roles, database)


def raw(connection: Connection):
    """Run SQL text as it is (the driver would take the % of format('%I') for a placeholder)."""
    driver = connection.connection.driver_connection
    return lambda sql: driver.execute(sql)


def _make_roles(connection: Connection, roles: Roles, owner: str) -> None:
    existing = set(connection.scalars(text("SELECT rolname FROM pg_roles")))
    # (SUPERUSER, REPLICATION and BYPASSRLS are off for a role made by anyone but a superuser, and only a
    # superuser may even name them in ALTER ROLE: `check` reports a role that has one.)
    wanted = {**{g: "NOLOGIN INHERIT NOCREATEROLE NOCREATEDB" for g in [*roles.groups.values(), roles.people]},
              roles.keeper: "NOLOGIN NOINHERIT CREATEROLE NOCREATEDB",
              roles.signin: "LOGIN NOINHERIT NOCREATEROLE NOCREATEDB CONNECTION LIMIT 20"}
    run = raw(connection)
    for role, attributes in wanted.items():
        verb = "ALTER" if role in existing else "CREATE"
        run(f"{verb} ROLE {ident(role)} {attributes}")
    run(f"ALTER ROLE {ident(roles.signin)} PASSWORD {literal(verifier(connection, roles.signin, signin_password(roles)))}")
    for group in roles.groups.values():
        run(f"GRANT {ident(roles.people)} TO {ident(group)}")
    run(f"GRANT {ident(roles.keeper)} TO {ident(owner)}")


def verifier(connection: Connection, role: str, password: str) -> str:
    """The SCRAM verifier of a password, made here by libpq: the password itself never reaches the server."""
    pgconn = connection.connection.driver_connection.pgconn
    return pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"), b"scram-sha-256").decode("ascii")


def actual_grants(connection: Connection) -> set[Grant]:
    """Every privilege held on this database's objects by a role other than the object's owner."""
    # With only pg_catalog on the search path a function's argument types print schema-qualified (public.
    # audit_entry), as the design writes them, whoever asks (a 领导's path starts with the masked views).
    before = connection.scalar(text("SELECT current_setting('search_path')"))
    connection.execute(text("SELECT set_config('search_path', 'pg_catalog', true)"))
    rows_ = connection.execute(text(_ACTUAL)).all()
    connection.execute(text("SELECT set_config('search_path', :path, true)"), {"path": before})
    return {Grant(kind, target, privilege, grantee, column or "") for kind, target, privilege, grantee, column in rows_}


_ACTUAL = """
WITH objects AS (
  SELECT 'database' AS kind, d.datname::text AS target, NULL::text AS col, d.datdba AS owner,
         coalesce(d.datacl, acldefault('d', d.datdba)) AS acl
  FROM pg_database d WHERE d.datname = current_database()
  UNION ALL
  SELECT 'schema', n.nspname::text, NULL, n.nspowner, coalesce(n.nspacl, acldefault('n', n.nspowner))
  FROM pg_namespace n WHERE n.nspname IN ('public', 'masked')
  UNION ALL
  SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, n.nspname || '.' || c.relname, NULL, c.relowner,
         coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname IN ('public', 'masked') AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  UNION ALL
  SELECT 'column', n.nspname || '.' || c.relname, a.attname::text, c.relowner, a.attacl
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname IN ('public', 'masked') AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
  UNION ALL
  SELECT 'function', 'public.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')', NULL, p.proowner,
         coalesce(p.proacl, acldefault('f', p.proowner))
  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
)
SELECT o.kind, o.target, x.privilege_type, CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE r.rolname::text END, o.col
FROM objects o CROSS JOIN LATERAL aclexplode(o.acl) x LEFT JOIN pg_roles r ON r.oid = x.grantee
WHERE x.grantee <> o.owner
"""


def _sync_people(connection: Connection, roles: Roles, database: str) -> list[Moved]:
    """Each account's login role: made where missing (with a one-time password), in its group, in its state."""
    moved: list[Moved] = []
    accounts = connection.execute(text(
        "SELECT u.id, u.name, u.role, u.active, u.locked_until > localtimestamp AS locked, "
        "EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = u.name) AS has_role, "
        "public.sl_account_ours(u.name) AS ours FROM public.app_user u ORDER BY u.id")).all()
    for account in accounts:
        problem = name_problem(account.name)
        if problem is None and account.has_role and not account.ours:
            problem = "已是这台数据库服务器上的登录名（其他数据库或程序在用）"
        if problem is not None:
            moved.append(Moved(account.name, None, f"账号名称{problem}，无法建立登录角色"))
            continue
        if not account.has_role:
            password = "".join(secrets.choice(_ALPHABET) for _ in range(12))
            raw(connection)(
                f"CREATE ROLE {ident(account.name)} LOGIN INHERIT NOCREATEDB NOCREATEROLE "
                f"PASSWORD {literal(verifier(connection, account.name, password))}")
            connection.execute(text("UPDATE public.app_user SET must_change_password = true, failed_attempts = 0 "
                                    "WHERE id = :id"), {"id": account.id})
            moved.append(Moved(account.name, password))
        connection.execute(text("SELECT public.sl_account_role(:name, :role)"),
                           {"name": account.name, "role": account.role})
        state = "LOGIN VALID UNTIL 'infinity'" if account.active and not account.locked \
            else "NOLOGIN VALID UNTIL '-infinity'"
        raw(connection)(f"ALTER ROLE {ident(account.name)} {state}")
    connection.execute(text("UPDATE public.app_user SET password_hash = :marker WHERE password_hash <> :marker"),
                       {"marker": logins.SERVER_PASSWORD})
    made = [m.name for m in moved if m.password]
    if made:
        connection.execute(text(
            "INSERT INTO public.audit_entry (at, action, ledger, record_label, changes) "
            "VALUES (localtimestamp, '启用服务器账号', '账号', :label, CAST(:changes AS json))"),
            {"label": "、".join(made)[:100],
             "changes": '[{"field": "说明", "old": null, "new": "为已有账号建立数据库服务器登录角色和一次性密码"}]'})
    return moved


def roles_in_use(connection: Connection, roles: Roles) -> list[str]:
    """The login roles of this database's people (members of its groups)."""
    return list(connection.scalars(text(
        "SELECT DISTINCT r.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = ANY (:groups) AND r.rolname <> ALL (:groups) "
        "ORDER BY 1"), {"groups": list(roles.groups.values())}))


def drop(connection: Connection, database: str) -> list[str]:
    """Drop a database and every role it made, its people's login roles included (by its owner, connected to
    another database, outside a transaction). Returns the roles dropped."""
    roles = roles_for(database)
    run = raw(connection)
    existing = set(connection.scalars(text("SELECT rolname FROM pg_roles")))
    people = roles_in_use(connection, roles)
    me = connection.scalar(text("SELECT current_user"))
    for person in people:   # a member of a role may end its sessions (the owner has CREATEROLE)
        run(f"GRANT {ident(person)} TO {ident(me)}")
    connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db "
                            "AND pid <> pg_backend_pid() AND usename = ANY (:who)"),
                       {"db": database, "who": [*people, me, roles.signin]})
    run(f"DROP DATABASE IF EXISTS {ident(database)}")
    gone = [*people, *[r for r in roles.made if r in existing]]
    for role in gone:
        run(f"DROP ROLE IF EXISTS {ident(role)}")
    return gone


__all__ = ["apply", "digest", "actual_grants", "Moved", "roles_in_use", "verifier", "drop"]
