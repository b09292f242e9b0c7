"""For `check`: what protects the data is in place — triggers present and enabled, and on a PostgreSQL server
the row policies, the privileges, the roles and the ownership exactly as designed. Anything else is an error.

The protections themselves are made by migrations 0003_trust and 0004_pay_lock (the append-only trail and
the locked approved pay, on both backends; 0007_integrity adds REPLACE and TRUNCATE) and by ledger.server.setup
(the server's own rules).
"""
from __future__ import annotations

from sqlalchemy import Connection, text

# The triggers the migrations make (0003_trust, 0004_pay_lock, 0007_integrity), by table; tests/test_protection.py
# checks that a new database has exactly these.
SQLITE_TRIGGERS = {
    "audit_entry": {"audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_replace"},
    "pay_run": {"pay_run_locked_update", "pay_run_locked_delete", "pay_run_locked_replace"},
    "pay_line": {"pay_line_locked_insert", "pay_line_locked_update", "pay_line_locked_delete", "pay_line_locked_replace"},
    "pay_adjustment": {"pay_adjustment_locked_insert", "pay_adjustment_locked_update", "pay_adjustment_locked_delete",
                       "pay_adjustment_locked_replace"},
}
POSTGRES_TRIGGERS = {
    "audit_entry": {"audit_entry_no_change", "audit_entry_no_truncate"},
    "pay_run": {"pay_run_locked", "pay_run_no_truncate"},
    "pay_line": {"pay_line_locked", "pay_line_no_truncate"},
    "pay_adjustment": {"pay_adjustment_locked", "pay_adjustment_no_truncate"},
}
_WHERE = "数据保护"
_CALL = "请联系技术支持，或由数据库所有者运行 upgrade 重新建立"


def findings(ledger) -> list[tuple[str, str, str]]:
    """(severity, where, message) for every protection missing, disabled or exceeded."""
    with ledger.db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return _sqlite(connection)
        if connection.dialect.name == "postgresql":
            return _postgres(connection)
    return []


def _error(message: str, where: str = _WHERE) -> tuple[str, str, str]:
    return ("错误", where, message)


def _guarding(table: str) -> str:
    """What a table's triggers guard, as the finding names it."""
    return "操作日志" if table == "audit_entry" else "工资表" if table.startswith("pay_") else _WHERE


def _sqlite(connection: Connection) -> list[tuple[str, str, str]]:
    found = {(table, name) for name, table in connection.execute(text(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))}
    return [_error(f"防篡改保护（数据表 {table} 的触发器 {name}）缺失：数据可能被改动过，{_CALL}", _guarding(table))
            for table, names in SQLITE_TRIGGERS.items() for name in sorted(names) if (table, name) not in found]


def _postgres(connection: Connection) -> list[tuple[str, str, str]]:
    from .server import rows, setup, trail
    from .server.names import roles_for
    from .server.rights import designed
    database, owner = connection.execute(text(
        "SELECT current_database(), tableowner FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename = 'alembic_version'")).one()
    roles = roles_for(database)
    expected = {t: set(n) for t, n in POSTGRES_TRIGGERS.items()}
    for table, names in trail.triggers().items():
        expected.setdefault(table, set()).update(names)
    out = _triggers(connection, expected)
    out += _row_security(connection, rows.owned())
    wanted = designed(roles, database, setup.function_grants(roles, database, owner))
    for grant in sorted(setup.actual_grants(connection) - wanted):
        out.append(_error(f"“{grant.grantee}”在 {grant.target}{'.' + grant.column if grant.column else ''} 上有设计之外的"
                          f"权限 {grant.privilege}：{_CALL}"))
    out += _ownership(connection, owner)
    out += _roles(connection, roles)
    return out


def _triggers(connection: Connection, expected: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    state = {(table, name): enabled for table, name, enabled in connection.execute(text(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal"))}
    out = []
    for table, names in sorted(expected.items()):
        for name in sorted(names):
            enabled = state.get((table, name))
            if enabled is None:
                out.append(_error(f"防篡改保护（数据表 {table} 的触发器 {name}）缺失：数据可能被改动过，{_CALL}",
                                  _guarding(table)))
            elif enabled not in ("O", "A"):   # D: disabled; R: fires only for replication
                out.append(_error(f"防篡改保护（数据表 {table} 的触发器 {name}）被停用了：数据可能被改动过，{_CALL}",
                                  _guarding(table)))
    return out


def _row_security(connection: Connection, owned: list[str]) -> list[tuple[str, str, str]]:
    from .server.rows import POLICY
    out = []
    tables = {name: (enabled, forced) for name, enabled, forced in connection.execute(text(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"))}
    policies: dict[str, list[str]] = {}
    for table, policy in connection.execute(text("SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public'")):
        policies.setdefault(table, []).append(policy)
    for table, (enabled, forced) in sorted(tables.items()):
        if table in owned:
            if not enabled:
                out.append(_error(f"数据表 {table} 的行级安全（按社区限定）没有启用：{_CALL}"))
            if forced:
                out.append(_error(f"数据表 {table} 的行级安全被设为对所有者也强制，与设计不符：{_CALL}"))
            if policies.get(table, []) != [POLICY]:
                out.append(_error(f"数据表 {table} 的行级安全策略与设计不符（{'、'.join(policies.get(table, [])) or '没有'}）：{_CALL}"))
        elif policies.get(table) or enabled:
            out.append(_error(f"数据表 {table} 有设计之外的行级安全设置：{_CALL}"))
    return out


def _ownership(connection: Connection, owner: str) -> list[tuple[str, str, str]]:
    """Nobody but the owner owns a table, view or sequence: who owns one may alter it and its triggers."""
    return [_error(f"{kind} {name} 的所有者是“{who}”而不是数据库所有者：它可以改动表结构和触发器，{_CALL}")
            for kind, name, who in connection.execute(text(
                "SELECT CASE c.relkind WHEN 'S' THEN '序列' WHEN 'v' THEN '视图' ELSE '数据表' END, "
                "n.nspname || '.' || c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'masked') "
                "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND pg_get_userbyid(c.relowner) <> :owner"),
                {"owner": owner})]


def _roles(connection: Connection, roles) -> list[tuple[str, str, str]]:
    """The database's roles and its people's login roles carry no power beyond the design."""
    from .server.setup import roles_in_use
    out = []
    people = roles_in_use(connection, roles)
    groups = list(roles.groups.values()) + [roles.people]
    for name, superuser, createrole, createdb, replication, bypass, login in connection.execute(text(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin "
            "FROM pg_roles WHERE rolname = ANY (:names)"), {"names": people + groups + [roles.keeper, roles.signin]}):
        powers = [p for p, has in (("超级用户", superuser), ("CREATEDB", createdb), ("REPLICATION", replication),
                                   ("BYPASSRLS", bypass)) if has]
        if createrole and name != roles.keeper:
            powers.append("CREATEROLE")
        if login and name in groups + [roles.keeper]:
            powers.append("LOGIN")
        if powers:
            out.append(_error(f"数据库角色“{name}”有设计之外的能力：{'、'.join(powers)}，{_CALL}"))
    memberships = connection.execute(text(
        "SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = ANY (:names)"),
        {"names": [roles.keeper, roles.people, roles.signin]}).all()
    for member, group in memberships:
        allowed = {roles.people: set(roles.groups.values())}.get(group, set())
        if group == roles.keeper:
            continue   # the owner is a member (it makes the keeper's functions); a person never is
        if member not in allowed:
            out.append(_error(f"“{member}”是“{group}”的成员，与设计不符：{_CALL}"))
    keepers = {m for m, g in memberships if g == roles.keeper}
    for person in people:
        if person in keepers:
            out.append(_error(f"“{person}”是“{roles.keeper}”的成员，可以管理所有账号：{_CALL}"))
    accounts = dict(connection.execute(text("SELECT name, role FROM public.app_user")).all())
    member_of = {}
    for person, group in connection.execute(text(
            "SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = ANY (:groups)"), {"groups": list(roles.groups.values())}):
        member_of.setdefault(person, []).append(group)
    for person, groups_ in member_of.items():
        if person in roles.groups.values():
            continue
        role = accounts.get(person)
        if role is None or groups_ != [roles.group(role)]:
            out.append(_error(f"登录名“{person}”的角色组（{'、'.join(groups_)}）与账号的角色（{role or '无此账号'}）不符：{_CALL}"))
    return out
