"""The audit trail names the community of each entry, so that a community-limited account reads only its own.

Entries written before this revision are left as they were (the trail is never rewritten): they carry no
community and are read by accounts of the whole street, and by a limited account only where it was the actor.

Revision ID: 0006_audit_community
Revises: 0005_versions
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_audit_community'
down_revision = '0005_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN keeps the trail's append-only triggers on SQLite (no table rebuild).
    op.add_column("audit_entry", sa.Column("community_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_entry_community_id", "audit_entry", ["community_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_community_id", "audit_entry")
    op.drop_column("audit_entry", "community_id")
