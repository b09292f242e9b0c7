"""Record versions: every ledger record (and pay standard and adjustment) counts its saves.

A save based on an older version is refused instead of overwriting a colleague's change (SQLAlchemy's
version_id_col for ORM updates; the importer checks it explicitly). Existing records start at version 1.

Revision ID: 0005_versions
Revises: 0004_pay_lock
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_versions'
down_revision = '0004_pay_lock'
branch_labels = None
depends_on = None

TABLES = ("street", "community", "grid", "party_org", "worker", "fund_entry", "budget", "venue", "pay_standard",
          "pay_adjustment")


def upgrade() -> None:
    for table in TABLES:
        # ADD COLUMN with a constant default rewrites nothing on SQLite and keeps the table's triggers.
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
