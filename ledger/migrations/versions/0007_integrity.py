"""Integrity: the audit trail's hash chain, REPLACE refused on protected tables, and the content hash of imports.

- audit_entry.chain_hash: each entry's hash over its content and the previous entry's hash (ledger.audit_chain);
  the entries of an upgraded database get their chain here, in id order.
- SQLite: INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers (unless a connection turns
  on recursive_triggers, which no other program is bound to do). BEFORE INSERT triggers now refuse an insert that
  would replace an audit entry, an approved pay run, a line of one, or a 补发/扣款 of an approved month.
- PostgreSQL: TRUNCATE bypasses row triggers, so the pay tables refuse it while an approved run exists (the
  audit trail already refuses it); audit_entry_hash() computes an entry's hash in SQL, for writers in the server.
- import_batch.file_digest and .sheet: the SHA-256 of the imported file and the sheet read, so that importing
  the same file again can be noticed.

Revision ID: 0007_integrity
Revises: 0006_audit_community
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ledger.audit_chain import backfill

revision = '0007_integrity'
down_revision = '0006_audit_community'
branch_labels = None
depends_on = None

_APPROVED = "'已审批'"
_LOCKED = "已审批的工资表已锁定，不能修改；更正请在以后月份添加其他补发或其他扣款"
_NO_REPLACE = "审计记录只能新增，不能替换"

_SQLITE = (
    "CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_entry "
    f"WHEN EXISTS (SELECT 1 FROM audit_entry WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, '{_NO_REPLACE}'); END",
    "CREATE TRIGGER pay_run_locked_replace BEFORE INSERT ON pay_run "
    f"WHEN EXISTS (SELECT 1 FROM pay_run WHERE (id = NEW.id OR month = NEW.month) AND status = {_APPROVED}) "
    f"BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    "CREATE TRIGGER pay_line_locked_replace BEFORE INSERT ON pay_line "
    "WHEN EXISTS (SELECT 1 FROM pay_line JOIN pay_run ON pay_run.id = pay_line.run_id "
    f"WHERE pay_line.id = NEW.id AND pay_run.status = {_APPROVED}) BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
    "CREATE TRIGGER pay_adjustment_locked_replace BEFORE INSERT ON pay_adjustment "
    "WHEN EXISTS (SELECT 1 FROM pay_adjustment JOIN pay_run ON pay_run.month = pay_adjustment.month "
    f"WHERE pay_adjustment.id = NEW.id AND pay_run.status = {_APPROVED}) BEGIN SELECT RAISE(ABORT, '{_LOCKED}'); END",
)
_SQLITE_NAMES = ("audit_entry_no_replace", "pay_run_locked_replace", "pay_line_locked_replace",
                 "pay_adjustment_locked_replace")
# As migration 0003_trust made it: dropped for the moment the existing entries get their hashes.
_SQLITE_NO_UPDATE = ("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
                     "BEGIN SELECT RAISE(ABORT, '审计记录只能新增，不能修改'); END")

_PG = (
    "CREATE OR REPLACE FUNCTION pay_tables_no_truncate() RETURNS trigger AS $$ BEGIN "
    f"IF EXISTS (SELECT 1 FROM pay_run WHERE status = {_APPROVED}) THEN RAISE EXCEPTION '{_LOCKED}'; END IF; "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
    *(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
      "FOR EACH STATEMENT EXECUTE FUNCTION pay_tables_no_truncate()" for table in ("pay_run", "pay_line", "pay_adjustment")),
    # ledger.audit_chain's canonical form, version 1, in SQL.
    "CREATE OR REPLACE FUNCTION audit_chain_part(value text) RETURNS text AS $$ "
    "SELECT coalesce(char_length(value) || ':' || value, '-') $$ LANGUAGE sql IMMUTABLE",
    "CREATE OR REPLACE FUNCTION audit_entry_hash(previous text, entry audit_entry) RETURNS text AS $$ "
    "SELECT encode(sha256(convert_to(concat_ws('|', audit_chain_part(previous), audit_chain_part(entry.id::text), "
    "audit_chain_part(to_char(entry.at, 'YYYY-MM-DD HH24:MI:SS.US')), audit_chain_part(entry.user_name), "
    "audit_chain_part(entry.source), audit_chain_part(entry.action), audit_chain_part(entry.ledger), "
    "audit_chain_part(entry.record_id::text), audit_chain_part(entry.record_label), "
    "audit_chain_part(entry.changes::text)), 'UTF8')), 'hex') $$ LANGUAGE sql STABLE",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column('audit_entry', sa.Column('chain_hash', sa.String(length=64), nullable=True))
    op.add_column('import_batch', sa.Column('file_digest', sa.String(length=64), nullable=True))
    op.add_column('import_batch', sa.Column('sheet', sa.String(length=100), nullable=True))
    op.create_index('ix_import_batch_file_digest', 'import_batch', ['file_digest'])
    _chain_existing_entries(dialect)
    for statement in _SQLITE if dialect == "sqlite" else _PG if dialect == "postgresql" else ():
        op.execute(statement)


def _chain_existing_entries(dialect: str) -> None:
    bind = op.get_bind()
    entries = sa.table("audit_entry", sa.column("id", sa.Integer), sa.column("at", sa.DateTime),
                       *(sa.column(c, sa.String) for c in ("user_name", "source", "action", "ledger")),
                       sa.column("record_id", sa.Integer), sa.column("record_label", sa.String), sa.column("changes"))
    c = entries.c
    rows = bind.execute(sa.select(c.id, c.at, c.user_name, c.source, c.action, c.ledger, c.record_id, c.record_label,
                                  sa.cast(c.changes, sa.Text)).order_by(c.id)).all()
    if not rows:
        return
    hashes = backfill(rows)
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change")
    update = sa.text("UPDATE audit_entry SET chain_hash = :chain_hash WHERE id = :entry_id")
    for start in range(0, len(hashes), 5000):
        bind.execute(update, hashes[start:start + 5000])
    if dialect == "sqlite":
        op.execute(_SQLITE_NO_UPDATE)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in ("pay_run", "pay_line", "pay_adjustment"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pay_tables_no_truncate()")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_hash(text, audit_entry)")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_part(text)")
    op.drop_index('ix_import_batch_file_digest', 'import_batch')
    # Native ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild of audit_entry would drop its triggers.
    op.execute("ALTER TABLE import_batch DROP COLUMN sheet")
    op.execute("ALTER TABLE import_batch DROP COLUMN file_digest")
    op.execute("ALTER TABLE audit_entry DROP COLUMN chain_hash")
