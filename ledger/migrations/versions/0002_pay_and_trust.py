"""Pay standard and pay runs; accounts, audit trail, closed quarters and import batches.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('ledger', sa.String(length=32), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('record_label', sa.String(length=100), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_record', ['ledger', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_user_name'), ['user_name'], unique=False)

    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=32), nullable=True),
    sa.Column('ledger', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=260), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('undo', sa.JSON(), nullable=False),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_table('pay_standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_standard')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_pay_standard_effective_from'))
    )
    op.create_table('quarter_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(length=32), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarter_snapshot')),
    sa.UniqueConstraint('quarter', name=op.f('uq_quarter_snapshot_quarter'))
    )
    op.create_table('pay_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('pays_bonus', sa.Boolean(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['standard_id'], ['pay_standard.id'], name=op.f('fk_pay_run_standard_id_pay_standard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_run')),
    sa.UniqueConstraint('month', name=op.f('uq_pay_run_month'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_app_user_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('name', name=op.f('uq_app_user_name'))
    )
    op.create_table('pay_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('taxable', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_pay_adjustment_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_adjustment'))
    )
    with op.batch_alter_table('pay_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_adjustment_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_adjustment_worker_id'), ['worker_id'], unique=False)

    op.create_table('pay_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('community', sa.String(length=64), nullable=False),
    sa.Column('worker_name', sa.String(length=32), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('bank_account', sa.String(length=32), nullable=True),
    sa.Column('post', sa.Integer(), nullable=False),
    sa.Column('post_name', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('grade_pay', sa.BigInteger(), nullable=False),
    sa.Column('basic_performance', sa.BigInteger(), nullable=False),
    sa.Column('dual_role_allowance', sa.BigInteger(), nullable=False),
    sa.Column('qualification_allowance', sa.BigInteger(), nullable=False),
    sa.Column('bonus', sa.BigInteger(), nullable=False),
    sa.Column('other_add', sa.BigInteger(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('contribution_base', sa.BigInteger(), nullable=False),
    sa.Column('pension', sa.BigInteger(), nullable=False),
    sa.Column('medical', sa.BigInteger(), nullable=False),
    sa.Column('unemployment', sa.BigInteger(), nullable=False),
    sa.Column('housing_fund', sa.BigInteger(), nullable=False),
    sa.Column('tax', sa.BigInteger(), nullable=False),
    sa.Column('other_deduct', sa.BigInteger(), nullable=False),
    sa.Column('deduct_total', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('special_deduction', sa.BigInteger(), nullable=False),
    sa.Column('cum_gross', sa.BigInteger(), nullable=False),
    sa.Column('cum_insurance', sa.BigInteger(), nullable=False),
    sa.Column('cum_special', sa.BigInteger(), nullable=False),
    sa.Column('cum_taxable', sa.BigInteger(), nullable=False),
    sa.Column('cum_tax', sa.BigInteger(), nullable=False),
    sa.Column('months_employed', sa.Integer(), nullable=False),
    sa.Column('er_pension', sa.BigInteger(), nullable=False),
    sa.Column('er_medical', sa.BigInteger(), nullable=False),
    sa.Column('er_unemployment', sa.BigInteger(), nullable=False),
    sa.Column('er_injury', sa.BigInteger(), nullable=False),
    sa.Column('er_housing_fund', sa.BigInteger(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['pay_run.id'], name=op.f('fk_pay_line_run_id_pay_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_pay_line_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_line')),
    sa.UniqueConstraint('run_id', 'worker_id', name=op.f('uq_pay_line_run_id'))
    )
    with op.batch_alter_table('pay_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_line_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_line_worker_id'), ['worker_id'], unique=False)

    op.create_table('year_opening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('cum_gross', sa.BigInteger(), nullable=False),
    sa.Column('cum_insurance', sa.BigInteger(), nullable=False),
    sa.Column('cum_special', sa.BigInteger(), nullable=False),
    sa.Column('cum_tax', sa.BigInteger(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_year_opening_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_year_opening')),
    sa.UniqueConstraint('worker_id', 'year', name=op.f('uq_year_opening_worker_id'))
    )
    with op.batch_alter_table('year_opening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_year_opening_worker_id'), ['worker_id'], unique=False)



def downgrade() -> None:
    op.drop_table('year_opening')
    op.drop_table('pay_line')
    op.drop_table('pay_adjustment')
    op.drop_table('app_user')
    op.drop_table('pay_run')
    op.drop_table('quarter_snapshot')
    op.drop_table('pay_standard')
    op.drop_table('import_batch')
    op.drop_table('audit_entry')
