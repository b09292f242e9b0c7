"""The 回收站: deleted ledger records kept whole; and ledger ids never given again on SQLite.

- recycle_bin: one row per deleted record, with its row and its child rows (history lines, rooms) as JSON, and
  the community it belonged to (a community-limited account sees its own deleted records only).
- SQLite: a record restored from the bin must come back under its own id, so that its audit trail still
  applies; SQLite gives a deleted highest id to the next new row unless the table is AUTOINCREMENT. The ledger
  tables and their child tables are rebuilt with it (their columns, keys, indexes and any trigger on them as
  they were; the protected tables' triggers are on audit_entry and the pay tables, which are not rebuilt).
  PostgreSQL's sequences never give an id twice: nothing to do there.

Revision ID: 0008_recycle_bin
Revises: 0007_integrity
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_recycle_bin'
down_revision = '0007_integrity'
branch_labels = None
depends_on = None

# The ledgers' tables and their children, as of this revision (ledger.catalog declares them).
TABLES = ("community", "grid", "party_org", "worker", "level_change", "post_change", "appraisal", "certificate",
          "fund_entry", "budget", "venue", "venue_room")


def upgrade() -> None:
    op.create_table(
        'recycle_bin',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ledger', sa.String(length=32), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=True),
        sa.Column('deleted_at', sa.DateTime(), nullable=False),
        sa.Column('deleted_by', sa.String(length=32), nullable=True),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recycle_bin')),
    )
    op.create_index('ix_recycle_bin_community_id', 'recycle_bin', ['community_id'])
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            _rebuild(table, autoincrement=True)
        _check_references()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            _rebuild(table, autoincrement=False)
        _check_references()
    op.drop_index('ix_recycle_bin_community_id', 'recycle_bin')
    op.drop_table('recycle_bin')


def _rebuild(table: str, autoincrement: bool) -> None:
    """Copy the table into one made with (or without) AUTOINCREMENT. Foreign keys are off while migrations run
    (ledger/migrations/env.py), so dropping the old table cascades to nothing; its triggers are made again."""
    bind = op.get_bind()
    triggers = [sql for (sql,) in bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))]
    with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass
    for sql in triggers:
        bind.exec_driver_sql(sql)


def _check_references() -> None:
    """Every reference still points at a row (foreign keys were off while the tables were rebuilt)."""
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"数据库升级后引用关系不一致，升级已撤回：{broken[:5]}")
