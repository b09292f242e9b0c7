"""Pay: an approved pay run, its lines and its month's 补发/扣款 lines locked by triggers in the database itself.

The services already refuse every change to an approved month; the triggers make the rule hold for any other
writer too (a script, a future feature, a hand-made SQL statement), on SQLite and PostgreSQL alike.

Revision ID: 0004_pay_lock
Revises: 0003_trust
"""
from __future__ import annotations

from alembic import op

revision = '0004_pay_lock'
down_revision = '0003_trust'
branch_labels = None
depends_on = None

_LOCKED = "已审批的工资表已锁定，不能修改；更正请在以后月份添加其他补发或其他扣款"
_APPROVED = "'已审批'"

_SQLITE = (
    f"CREATE TRIGGER pay_run_locked_update BEFORE UPDATE ON pay_run WHEN OLD.status = {_APPROVED} "
    f"BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_run_locked_delete BEFORE DELETE ON pay_run WHEN OLD.status = {_APPROVED} "
    f"BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_line_locked_insert BEFORE INSERT ON pay_line "
    f"WHEN (SELECT status FROM pay_run WHERE id = NEW.run_id) = {_APPROVED} BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_line_locked_update BEFORE UPDATE ON pay_line "
    f"WHEN (SELECT status FROM pay_run WHERE id = OLD.run_id) = {_APPROVED} BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_line_locked_delete BEFORE DELETE ON pay_line "
    f"WHEN (SELECT status FROM pay_run WHERE id = OLD.run_id) = {_APPROVED} BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_adjustment_locked_insert BEFORE INSERT ON pay_adjustment "
    f"WHEN (SELECT status FROM pay_run WHERE month = NEW.month) = {_APPROVED} BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_adjustment_locked_update BEFORE UPDATE ON pay_adjustment "
    f"WHEN (SELECT status FROM pay_run WHERE month = OLD.month) = {_APPROVED} "
    f"OR (SELECT status FROM pay_run WHERE month = NEW.month) = {_APPROVED} BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    f"CREATE TRIGGER pay_adjustment_locked_delete BEFORE DELETE ON pay_adjustment "
    f"WHEN (SELECT status FROM pay_run WHERE month = OLD.month) = {_APPROVED} BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
)
_SQLITE_NAMES = ("pay_run_locked_update", "pay_run_locked_delete", "pay_line_locked_insert", "pay_line_locked_update",
                 "pay_line_locked_delete", "pay_adjustment_locked_insert", "pay_adjustment_locked_update",
                 "pay_adjustment_locked_delete")

_PG = (
    "CREATE OR REPLACE FUNCTION pay_run_locked() RETURNS trigger AS $$ BEGIN "
    f"IF OLD.status = {_APPROVED} THEN RAISE EXCEPTION '{_LOCKED}'; END IF; "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER pay_run_locked BEFORE UPDATE OR DELETE ON pay_run FOR EACH ROW EXECUTE FUNCTION pay_run_locked()",
    "CREATE OR REPLACE FUNCTION pay_line_locked() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' AND (SELECT status FROM pay_run WHERE id = OLD.run_id) = '已审批' "
    f"OR TG_OP <> 'DELETE' AND (SELECT status FROM pay_run WHERE id = NEW.run_id) = '已审批' "
    f"THEN RAISE EXCEPTION '{_LOCKED}'; END IF; "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER pay_line_locked BEFORE INSERT OR UPDATE OR DELETE ON pay_line "
    "FOR EACH ROW EXECUTE FUNCTION pay_line_locked()",
    "CREATE OR REPLACE FUNCTION pay_adjustment_locked() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' AND (SELECT status FROM pay_run WHERE month = OLD.month) = '已审批' "
    "OR TG_OP <> 'DELETE' AND (SELECT status FROM pay_run WHERE month = NEW.month) = '已审批' "
    f"THEN RAISE EXCEPTION '{_LOCKED}'; END IF; "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER pay_adjustment_locked BEFORE INSERT OR UPDATE OR DELETE ON pay_adjustment "
    "FOR EACH ROW EXECUTE FUNCTION pay_adjustment_locked()",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE if dialect == "sqlite" else _PG if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in ("pay_run", "pay_line", "pay_adjustment"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_locked ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_locked()")
