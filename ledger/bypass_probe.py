"""For `check`: try each way around the protection of the audit trail and the approved pay, and undo every try.

Each attempt runs in a savepoint of one transaction that is always rolled back, so nothing it does survives; an
attempt the database lets through is a finding. On SQLite the attempts are UPDATE, DELETE, INSERT OR REPLACE
and an upsert; on PostgreSQL also TRUNCATE, and dropping or disabling the triggers, which the owner of the tables
or a superuser may do (a person's own login role must not be either). Dropping a trigger is not tried on SQLite:
whoever holds the file can, and the audit trail's hash chain (ledger.audit_chain) is the answer there.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError

from .models import AuditEntry, PayAdjustment, PayLine, PayRun

APPROVED = "已审批"
# The protection's own refusals (migrations 0003_trust, 0004_pay_lock, 0007_integrity) and a lack of rights.
_REFUSALS = ("只能新增", "已锁定", "permission denied", "must be owner")
_AUDIT = "操作日志"
_PAY = "已审批的工资表"


def bypass_findings(ledger) -> list[tuple[str, str, str]]:
    """(severity, where, message) for every way around the protection that the database let through."""
    with ledger.db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            if connection.dialect.name == "postgresql" and not _owner_or_superuser(connection):
                # A person's own login role: what stops every attempt is its privileges, which ledger.protection
                # compares with the design (trying would only meet 'permission denied').
                return []
            if connection.dialect.name == "postgresql":
                # DDL waits for every open transaction on the table: give up rather than stall the office
                connection.execute(text("SET LOCAL lock_timeout = '3s'"))
            found = _audit_attempts(connection) + _pay_attempts(connection)
            if connection.dialect.name == "postgresql":
                found += _trigger_attempts(connection)
        except DBAPIError as exc:
            return [("警告", _AUDIT, f"无法检查防篡改保护：{_reason(exc)}，请稍后再运行检查")]
        finally:
            transaction.rollback()
    return found


def _owner_or_superuser(connection: Connection) -> bool:
    return bool(connection.scalar(text(
        "SELECT pg_has_role(current_user, tableowner, 'MEMBER') OR (SELECT rolsuper FROM pg_roles "
        "WHERE rolname = current_user) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_entry'")))


def _busy(exc: DBAPIError) -> bool:
    """A refusal for lack of a lock (another program at work), which says nothing about the protection."""
    return (getattr(exc.orig, "sqlstate", None) == "55P03"   # PostgreSQL: lock_not_available
            or any(w in str(exc.orig) for w in ("database is locked", "database is busy")))


def _reason(exc: DBAPIError) -> str:
    return "数据库正忙" if _busy(exc) else "数据库拒绝了检查语句"


def _succeeds(connection: Connection, statement: str, params: dict | None = None, rows: bool | str = True,
              refusals: tuple[str, ...] = _REFUSALS) -> bool:
    """Whether a statement goes through (for UPDATE/DELETE: and touches a row; "returned": and RETURNs true);
    undone at once either way.

    Only a refusal by the protection itself (or for lack of rights) counts as refused: a try that fails for
    another reason proved nothing, and is reported as a check that could not be made.
    """
    savepoint = connection.begin_nested()
    try:
        result = connection.execute(text(statement), params or {})
        passed = bool(result.scalar()) if rows == "returned" else result.rowcount > 0 if rows else True
    except DBAPIError as exc:
        savepoint.rollback()
        if _busy(exc):
            raise
        if not any(r in str(exc.orig) for r in refusals) and getattr(exc.orig, "sqlstate", None) != "42501":
            raise _Unclear(statement) from exc
        return False
    savepoint.rollback()
    return passed


class _Unclear(Exception):
    """A try failed for a reason other than the protection."""


def _attempts(connection: Connection, where: str, tries: list[tuple[str, str, dict, bool]]) -> list[tuple[str, str, str]]:
    found = []
    for what, statement, params, rows in tries:
        try:
            if _succeeds(connection, statement, params, rows):
                found.append(("错误", where, f"{what}没有被数据库拒绝：防篡改保护（数据库触发器）缺失或失效，请联系技术支持"))
        except _Unclear:
            found.append(("警告", where, f"无法检查能否{what}（检查语句因其他原因失败），请联系技术支持"))
    return found


def _audit_attempts(connection: Connection) -> list[tuple[str, str, str]]:
    table = AuditEntry.__table__
    probe = (connection.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0) + 1
    # an entry of our own to try on, so that a new database is checked too
    connection.execute(table.insert().values(id=probe, at=datetime.now(), action="检查", changes=None))
    values = {"id": probe, "at": datetime.now()}
    tries = [("直接修改操作日志（UPDATE）", "UPDATE audit_entry SET user_name = '改写' WHERE id = :id", values, True),
             ("直接删除操作日志（DELETE）", "DELETE FROM audit_entry WHERE id = :id", values, True),
             # through only if it rewrote the entry (a server that numbers entries itself appends a new one)
             ("以“插入或更新”改写操作日志（UPSERT）",
              "INSERT INTO audit_entry (id, at, action) VALUES (:id, :at, '改写') "
              "ON CONFLICT (id) DO UPDATE SET action = excluded.action RETURNING id = :id", values, "returned")]
    if connection.dialect.name == "sqlite":
        tries.append(("以“替换”改写操作日志（INSERT OR REPLACE）",
                      "INSERT OR REPLACE INTO audit_entry (id, at, action) VALUES (:id, :at, '改写')", values, False))
    else:
        tries.append(("清空操作日志（TRUNCATE）", "TRUNCATE audit_entry", {}, False))
    return _attempts(connection, _AUDIT, tries)


def _pay_attempts(connection: Connection) -> list[tuple[str, str, str]]:
    """The same on an approved run, its first line and its month's first 补发/扣款 (nothing to try if none)."""
    run = connection.execute(select(PayRun.__table__).where(PayRun.__table__.c.status == APPROVED)
                             .order_by(PayRun.__table__.c.id).limit(1)).mappings().first()
    if run is None:
        return []
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # the REPLACE tries point a pay line at a run that does not exist (nothing is committed anyway); the
        # pragma holds for the open transaction, which the probe entry of _audit_attempts has begun
        connection.execute(text("PRAGMA defer_foreign_keys = ON"))
    tries = [("修改已审批的工资表（UPDATE）", "UPDATE pay_run SET approved_by = '改写' WHERE id = :id", {"id": run["id"]}, True),
             ("删除已审批的工资表（DELETE）", "DELETE FROM pay_run WHERE id = :id", {"id": run["id"]}, True)]
    if sqlite:
        tries.append(("以“替换”把已审批的工资表改回草稿（INSERT OR REPLACE）",
                      _replace(PayRun, {"status": "'草稿'"}), {"id": run["id"]}, False))
    else:
        tries.append(("清空工资表（TRUNCATE）", "TRUNCATE pay_run CASCADE", {}, False))
    line = connection.scalar(select(PayLine.id).where(PayLine.run_id == run["id"]).order_by(PayLine.id).limit(1))
    if line is not None:
        tries += [("修改已审批工资表的工资行（UPDATE）", "UPDATE pay_line SET net = net + 1 WHERE id = :id", {"id": line}, True),
                  ("删除已审批工资表的工资行（DELETE）", "DELETE FROM pay_line WHERE id = :id", {"id": line}, True)]
        if sqlite:
            tries.append(("以“替换”改写已审批工资表的工资行（INSERT OR REPLACE）",
                          _replace(PayLine, {"run_id": "-1"}), {"id": line}, False))
        else:
            tries.append(("清空工资行（TRUNCATE）", "TRUNCATE pay_line", {}, False))
    adjustment = connection.scalar(select(PayAdjustment.id).where(PayAdjustment.month == run["month"])
                                   .order_by(PayAdjustment.id).limit(1))
    if adjustment is not None:
        tries += [("修改已审批月份的补发/扣款（UPDATE）", "UPDATE pay_adjustment SET amount = amount + 1 WHERE id = :id",
                   {"id": adjustment}, True),
                  ("删除已审批月份的补发/扣款（DELETE）", "DELETE FROM pay_adjustment WHERE id = :id", {"id": adjustment}, True)]
        if sqlite:
            tries.append(("以“替换”把已审批月份的补发/扣款移到别的月份（INSERT OR REPLACE）",
                          _replace(PayAdjustment, {"month": "'0000-00'"}), {"id": adjustment}, False))
    return _attempts(connection, _PAY, tries)


def _replace(model, changed: dict[str, str]) -> str:
    """INSERT OR REPLACE of row :id of a table with itself, some columns changed (SQLite)."""
    columns = [c.name for c in model.__table__.columns]
    picked = ", ".join(changed.get(c, c) for c in columns)
    table = model.__table__.name
    return f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) SELECT {picked} FROM {table} WHERE id = :id"


def _trigger_attempts(connection: Connection) -> list[tuple[str, str, str]]:
    """Dropping or disabling the triggers (PostgreSQL): possible for the tables' owner and for a superuser."""
    tries = [
        ("删除操作日志的保护触发器", "DROP TRIGGER audit_entry_no_change ON audit_entry"),
        ("停用操作日志的保护触发器", "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"),
        ("停用工资表的保护触发器", "ALTER TABLE pay_line DISABLE TRIGGER pay_line_locked"),
        ("让所有触发器暂不生效（session_replication_role）", "SET LOCAL session_replication_role = replica"),
    ]
    allowed = [what for what, statement in tries if _succeeds(connection, statement, rows=False, refusals=("",))]
    if not allowed:
        return []
    user = connection.scalar(text("SELECT current_user"))
    return [("错误", _AUDIT, f"连接数据库所用的账号“{user}”可以{'、'.join(allowed)}（它是这些表的所有者或超级用户），"
                             "操作日志和已审批的工资表因此可以被改写而不被拒绝：日常使用请以每人自己的登录角色连接，"
                             "所有者账号只用于初始化和升级")]
