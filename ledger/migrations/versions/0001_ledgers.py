"""The ledgers: street, communities, grids, party organisations, workers and their history, funding, venues.

Revision ID: 0001
Revises: None
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('street',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street')),
    sa.UniqueConstraint('name', name=op.f('uq_street_name'))
    )
    op.create_table('community',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('area_km2', sa.BigInteger(), nullable=True),
    sa.Column('party_secretary', sa.String(length=32), nullable=True),
    sa.Column('director', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_community_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('street_id', 'name', name=op.f('uq_community_street_id'))
    )
    op.create_table('budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_budget_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget')),
    sa.UniqueConstraint('year', 'community_id', 'category', name=op.f('uq_budget_year'))
    )
    op.create_table('fund_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('voucher_no', sa.String(length=64), nullable=True),
    sa.Column('expense_category', sa.String(length=16), nullable=True),
    sa.Column('project', sa.String(length=100), nullable=True),
    sa.Column('handler', sa.String(length=32), nullable=True),
    sa.Column('approver', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_entry_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entry')),
    sa.UniqueConstraint('voucher_no', name=op.f('uq_fund_entry_voucher_no'))
    )
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.create_index('ix_fund_entry_community_date', ['community_id', 'entry_date'], unique=False)

    op.create_table('grid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('bounds', sa.String(length=200), nullable=True),
    sa.Column('estates', sa.Integer(), nullable=True),
    sa.Column('buildings', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=True),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('floating_population', sa.Integer(), nullable=True),
    sa.Column('leader', sa.String(length=32), nullable=True),
    sa.Column('fulltime_worker', sa.String(length=32), nullable=True),
    sa.Column('parttime_count', sa.Integer(), nullable=True),
    sa.Column('department_count', sa.Integer(), nullable=True),
    sa.Column('building_leader_count', sa.Integer(), nullable=True),
    sa.Column('unit_leader_count', sa.Integer(), nullable=True),
    sa.Column('party_org', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_grid_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid')),
    sa.UniqueConstraint('community_id', 'code', name=op.f('uq_grid_community_id'))
    )
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_community_id'), ['community_id'], unique=False)

    op.create_table('venue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('ownership', sa.String(length=8), nullable=True),
    sa.Column('floor_area', sa.BigInteger(), nullable=False),
    sa.Column('households_served', sa.Integer(), nullable=True),
    sa.Column('opening_hours', sa.String(length=100), nullable=True),
    sa.Column('manager', sa.String(length=32), nullable=True),
    sa.Column('built_year', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_venue_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_venue_community_id'))
    )
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_community_id'), ['community_id'], unique=False)

    op.create_table('worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=16), nullable=False),
    sa.Column('post', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('dual_role', sa.Boolean(), nullable=False),
    sa.Column('education', sa.String(length=16), nullable=True),
    sa.Column('qualification', sa.String(length=16), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('political_status', sa.String(length=16), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('bank_account', sa.String(length=32), nullable=True),
    sa.Column('contribution_base', sa.BigInteger(), nullable=True),
    sa.Column('special_deduction', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('credited_bonus', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_worker_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker')),
    sa.UniqueConstraint('id_number', name=op.f('uq_worker_id_number'))
    )
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_community_id'), ['community_id'], unique=False)

    op.create_table('appraisal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_appraisal_worker_id_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal')),
    sa.UniqueConstraint('worker_id', 'year', name=op.f('uq_appraisal_worker_id'))
    )
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_worker_id'), ['worker_id'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('obtained_on', sa.Date(), nullable=True),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_certificate_worker_id_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_worker_id'), ['worker_id'], unique=False)

    op.create_table('level_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('old_level', sa.Integer(), nullable=True),
    sa.Column('new_level', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('approver', sa.String(length=32), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_level_change_worker_id_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_level_change'))
    )
    with op.batch_alter_table('level_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_level_change_worker_id'), ['worker_id'], unique=False)

    op.create_table('party_org',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('secretary', sa.String(length=32), nullable=True),
    sa.Column('deputy_secretary', sa.String(length=32), nullable=True),
    sa.Column('committee_size', sa.Integer(), nullable=True),
    sa.Column('members_total', sa.Integer(), nullable=True),
    sa.Column('members_full', sa.Integer(), nullable=True),
    sa.Column('members_probation', sa.Integer(), nullable=True),
    sa.Column('members_reported', sa.Integer(), nullable=True),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_years', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('venue', sa.String(length=100), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_party_org_community_id_community')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_party_org_grid_id_grid')),
    sa.ForeignKeyConstraint(['parent_id'], ['party_org.id'], name=op.f('fk_party_org_parent_id_party_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_org')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_party_org_parent_id'))
    )
    with op.batch_alter_table('party_org', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_org_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_org_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_org_parent_id'), ['parent_id'], unique=False)

    op.create_table('post_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('old_post', sa.Integer(), nullable=True),
    sa.Column('new_post', sa.Integer(), nullable=False),
    sa.Column('old_title', sa.String(length=16), nullable=True),
    sa.Column('new_title', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_post_change_worker_id_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_change'))
    )
    with op.batch_alter_table('post_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_change_worker_id'), ['worker_id'], unique=False)

    op.create_table('venue_room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('area', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_venue_room_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_room'))
    )
    with op.batch_alter_table('venue_room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_room_venue_id'), ['venue_id'], unique=False)



def downgrade() -> None:
    op.drop_table('venue_room')
    op.drop_table('post_change')
    op.drop_table('party_org')
    op.drop_table('level_change')
    op.drop_table('certificate')
    op.drop_table('appraisal')
    op.drop_table('worker')
    op.drop_table('venue')
    op.drop_table('grid')
    op.drop_table('fund_entry')
    op.drop_table('budget')
    op.drop_table('community')
    op.drop_table('street')
    op.drop_table('setting')
