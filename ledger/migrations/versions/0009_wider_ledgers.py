"""The wider ledgers: 共建单位, 共建项目, 在职党员双报到 and their service records, 志愿服务队 and 活动, 小区.

Seven new tables and nothing changed in the others. Their ids are never reused on SQLite (AUTOINCREMENT), as
the 回收站 restores a deleted record under its own id. Amounts, hours and rates are integer hundredths (Scaled),
as everywhere. A member's service records belong to the member's community through registration_id; every
other table names its community itself.

Revision ID: 0009_wider_ledgers
Revises: 0008_recycle_bin
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_wider_ledgers'
down_revision = '0008_recycle_bin'
branch_labels = None
depends_on = None


def _common(table: str) -> list:
    """The id, the save counter and the foreign key to the community every new ledger table has."""
    return [sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('version', sa.Integer(), server_default='1', nullable=False),
            sa.PrimaryKeyConstraint('id', name=f'pk_{table}')]


def _community(table: str) -> list:
    return [sa.Column('community_id', sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=f'fk_{table}_community_id_community')]


def _grid(table: str) -> list:
    return [sa.Column('grid_id', sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=f'fk_{table}_grid_id_grid')]


def upgrade() -> None:
    op.create_table(
        'partner_unit', *_common('partner_unit'), *_community('partner_unit'),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=True),
        sa.Column('party_org', sa.String(length=100), nullable=True),
        sa.Column('party_secretary', sa.String(length=32), nullable=True),
        sa.Column('contact', sa.String(length=32), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('signed_on', sa.Date(), nullable=True),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('alliance', sa.String(length=100), nullable=True),
        sa.Column('part_time_member', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('community_id', 'name', name='uq_partner_unit_community_id'),
        sqlite_autoincrement=True)
    op.create_index('ix_partner_unit_community_id', 'partner_unit', ['community_id'])

    op.create_table(
        'joint_project', *_common('joint_project'), *_community('joint_project'),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('list_type', sa.String(length=8), nullable=False),
        sa.Column('undertaker', sa.String(length=100), nullable=True),
        sa.Column('content', sa.Text(), nullable=True),
        sa.Column('start_on', sa.Date(), nullable=True),
        sa.Column('end_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=8), nullable=True),
        sa.Column('beneficiaries', sa.Integer(), nullable=True),
        sa.Column('investment', sa.BigInteger(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('community_id', 'list_type', 'name', name='uq_joint_project_community_id'),
        sqlite_autoincrement=True)
    op.create_index('ix_joint_project_community_id', 'joint_project', ['community_id'])

    op.create_table(
        'registration', *_common('registration'), *_community('registration'), *_grid('registration'),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=True),
        sa.Column('employer', sa.String(length=100), nullable=False),
        sa.Column('employer_party_org', sa.String(length=100), nullable=True),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('post', sa.String(length=64), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('id_number', name='uq_registration_id_number'),
        sqlite_autoincrement=True)
    op.create_index('ix_registration_community_id', 'registration', ['community_id'])
    op.create_index('ix_registration_grid_id', 'registration', ['grid_id'])

    op.create_table(
        'registration_service', *_common('registration_service'),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('served_on', sa.Date(), nullable=False),
        sa.Column('content', sa.String(length=200), nullable=False),
        sa.Column('hours', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                                name='fk_registration_service_registration_id_registration'),
        sa.UniqueConstraint('registration_id', 'served_on', 'content', name='uq_registration_service_registration_id'),
        sqlite_autoincrement=True)
    op.create_index('ix_registration_service_registration_id', 'registration_service', ['registration_id'])

    op.create_table(
        'volunteer_team', *_common('volunteer_team'), *_community('volunteer_team'), *_grid('volunteer_team'),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=True),
        sa.Column('leader', sa.String(length=32), nullable=True),
        sa.Column('members', sa.Integer(), nullable=True),
        sa.Column('founded_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('community_id', 'name', name='uq_volunteer_team_community_id'),
        sqlite_autoincrement=True)
    op.create_index('ix_volunteer_team_community_id', 'volunteer_team', ['community_id'])
    op.create_index('ix_volunteer_team_grid_id', 'volunteer_team', ['grid_id'])

    op.create_table(
        'volunteer_activity', *_common('volunteer_activity'), *_community('volunteer_activity'),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=True),
        sa.Column('hours', sa.BigInteger(), nullable=True),
        sa.Column('served', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['team_id'], ['volunteer_team.id'], name='fk_volunteer_activity_team_id_volunteer_team'),
        sa.UniqueConstraint('team_id', 'held_on', 'name', name='uq_volunteer_activity_team_id'),
        sqlite_autoincrement=True)
    op.create_index('ix_volunteer_activity_community_date', 'volunteer_activity', ['community_id', 'held_on'])
    op.create_index('ix_volunteer_activity_team_id', 'volunteer_activity', ['team_id'])

    op.create_table(
        'estate', *_common('estate'), *_community('estate'), *_grid('estate'),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('buildings', sa.Integer(), nullable=True),
        sa.Column('households', sa.Integer(), nullable=True),
        sa.Column('property_company', sa.String(length=100), nullable=True),
        sa.Column('property_party', sa.String(length=100), nullable=True),
        sa.Column('owners_committee', sa.String(length=2), nullable=True),
        sa.Column('committee_founded_on', sa.Date(), nullable=True),
        sa.Column('red_property', sa.Boolean(), nullable=False),
        sa.Column('fee_rate', sa.BigInteger(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('community_id', 'name', name='uq_estate_community_id'),
        sqlite_autoincrement=True)
    op.create_index('ix_estate_community_id', 'estate', ['community_id'])
    op.create_index('ix_estate_grid_id', 'estate', ['grid_id'])


def downgrade() -> None:
    for table in ('estate', 'volunteer_activity', 'volunteer_team', 'registration_service', 'registration',
                  'joint_project', 'partner_unit'):
        op.drop_table(table)
