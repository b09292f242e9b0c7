"""The privileges a database's roles hold on a PostgreSQL server, derived from the catalogue and ledger.access.

Each table says which permission reads it and which changes it (ledger.catalog); each application role holds
permissions (ledger.access.PERMISSIONS). A role's group therefore gets SELECT on the tables its permissions
read and INSERT/UPDATE/DELETE on those they change, and nothing else: no TRUNCATE, REFERENCES or TRIGGER, no
ownership, no CREATE anywhere. Roles without personal.read (领导) read tables holding personal data through
masked views (ledger.server.masking) and get no column privilege on the personal columns themselves.

`designed()` is the one statement of this: `setup.apply` grants exactly it, and `check` reports any privilege
found on the server beyond it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer

from .. import catalog
from ..access import PERMISSIONS, ROLES
from ..models import Base
from .names import Roles
from .sql import ident

PUBLIC = "PUBLIC"
MASKED = "masked"           # the schema of the masked views
TABLE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE")
# Work that changes a table under another permission than the table's own: the annual grading approval
# (pay.write, ledger/pay/grading_service.py) writes 调级记录 and the workers' new levels; a leader's 督办 of a
# 民生诉求 (case.supervise, ledger/services/cases.py) dates the case and adds its step.
ALSO_WRITES: dict[str, dict[str, tuple[str, tuple[str, ...] | None]]] = {
    "pay.write": {"worker": ("UPDATE", ("level", "credited_bonus", "version")), "level_change": ("INSERT", None)},
    "case.supervise": {"civic_case": ("UPDATE", ("supervised_on", "version")), "case_step": ("INSERT", None)},
}


@dataclass(frozen=True, order=True)
class Grant:
    """One privilege of one grantee on one object (a column privilege names its column)."""

    kind: str          # database, schema, table, column, sequence, function
    target: str        # schema-qualified for tables, views, sequences and functions
    privilege: str
    grantee: str
    column: str = ""

    def sql(self, verb: str = "GRANT") -> str:
        """GRANT (or REVOKE) this privilege."""
        who = self.grantee if self.grantee == PUBLIC else ident(self.grantee)
        to = "TO" if verb == "GRANT" else "FROM"
        if self.kind in ("database", "schema"):
            return f"{verb} {self.privilege} ON {self.kind.upper()} {ident(self.target)} {to} {who}"
        if self.kind == "function":
            return f"{verb} {self.privilege} ON FUNCTION {self.target} {to} {who}"
        schema, name = self.target.split(".", 1)
        on = f"{'SEQUENCE' if self.kind == 'sequence' else 'TABLE'} {ident(schema)}.{ident(name)}"
        columns = f" ({ident(self.column)})" if self.kind == "column" else ""
        return f"{verb} {self.privilege}{columns} ON {on} {to} {who}"


def holders(permission: str | None) -> set[str]:
    """The application roles holding a permission."""
    return set(PERMISSIONS[permission][1]) if permission else set()


def sequence_of(table: str) -> str | None:
    """The sequence behind a table's integer id (PostgreSQL's SERIAL), if it has one."""
    model_table = Base.metadata.tables.get(table)
    if model_table is None:
        return None
    pk = list(model_table.primary_key.columns)
    if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
        return f"public.{table}_{pk[0].name}_seq"
    return None


def columns_of(table: str) -> list[str]:
    model_table = Base.metadata.tables.get(table)
    return [c.name for c in model_table.columns] if model_table is not None else ["version_num"]


def designed(roles: Roles, database: str, functions: dict[str, set[str]]) -> set[Grant]:
    """Every privilege of this database's roles (and of PUBLIC: none). `functions` maps each function's
    signature to the roles that may execute it (ledger.server.functions)."""
    grants: set[Grant] = set()
    people = roles.people
    for grantee in (people, roles.signin):
        grants.add(Grant("database", database, "CONNECT", grantee))
    for grantee in (people, roles.keeper, roles.signin):
        grants.add(Grant("schema", "public", "USAGE", grantee))
    sees_masked = {role for role in ROLES if role not in holders("personal.read")}
    for role in sees_masked:
        grants.add(Grant("schema", MASKED, "USAGE", roles.group(role)))
    for name, info in catalog.tables().items():
        grants |= _table_grants(roles, name, info)
    grants |= _reference_reads(roles)
    grants |= _keeper_grants(roles)
    for signature, grantees in functions.items():
        grants |= {Grant("function", signature, "EXECUTE", g) for g in grantees}
    return grants


def _table_grants(roles: Roles, name: str, info: catalog.TableInfo) -> set[Grant]:
    grants: set[Grant] = set()
    target = f"public.{name}"
    sequence = sequence_of(name)
    readers, writers = holders(info.read), holders(info.write)
    if name == "audit_entry":   # everyone appends to the trail (through its masked view where they read that)
        grants.add(Grant("table", target, "INSERT", roles.people))
        grants |= {Grant("table", f"{MASKED}.{name}", "INSERT", roles.group(role))
                   for role in ROLES if role not in holders("personal.read")}
        if sequence:
            grants.add(Grant("sequence", sequence, "USAGE", roles.people))
    for role in ROLES:
        group = roles.group(role)
        if role in readers:
            if info.personal and role not in holders("personal.read"):
                grants |= {Grant("column", target, "SELECT", group, c) for c in columns_of(name)
                           if c not in info.personal}
                grants.add(Grant("table", f"{MASKED}.{name}", "SELECT", group))
            else:
                grants.add(Grant("table", target, "SELECT", group))
        if role in writers:
            grants |= {Grant("table", target, p, group) for p in TABLE_PRIVILEGES}
            if sequence:
                grants.add(Grant("sequence", sequence, "USAGE", group))
        for permission, tables in ALSO_WRITES.items():
            if role in holders(permission) and name in tables and role not in writers:
                privilege, columns = tables[name]
                if columns:
                    grants |= {Grant("column", target, privilege, group, c) for c in columns}
                else:
                    grants.add(Grant("table", target, privilege, group))
                    if sequence and privilege == "INSERT":
                        grants.add(Grant("sequence", sequence, "USAGE", group))
    return grants


def _reference_reads(roles: Roles) -> set[Grant]:
    """A role that may delete a record may count the rows that still use it (ledger.services.base
    refuse_if_used), even in tables it may not read: SELECT on the referring column only."""
    grants: set[Grant] = set()
    tables = catalog.tables()
    for other in Base.metadata.sorted_tables:
        readers = holders(tables[other.name].read)
        for fk in other.foreign_keys:
            writers = holders(tables[fk.column.table.name].write)
            for role in writers - readers:
                grants.add(Grant("column", f"public.{other.name}", "SELECT", roles.group(role), fk.parent.name))
    return grants


def _keeper_grants(roles: Roles) -> set[Grant]:
    """The account functions' owner: the accounts table, the trail, and the communities it checks."""
    keeper = roles.keeper
    grants = {Grant("table", "public.app_user", p, keeper) for p in ("SELECT", "INSERT", "UPDATE")}
    grants |= {Grant("table", "public.audit_entry", "INSERT", keeper),
               Grant("table", "public.community", "SELECT", keeper),
               Grant("sequence", "public.app_user_id_seq", "USAGE", keeper),
               Grant("sequence", "public.audit_entry_id_seq", "USAGE", keeper)}
    return grants
