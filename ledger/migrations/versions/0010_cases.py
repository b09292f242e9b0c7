"""民生诉求: cases and their steps, and the working-day calendar their deadlines are counted over.

- civic_case: a case's registration and where its loop stands; case_step: each step taken (who, when, what).
- calendar_day: holidays (放假) and weekend days made working days (上班), with the State Council's notices for
  2025 and 2026 as the default data, as published:
  《国务院办公厅关于2025年部分节假日安排的通知》（国办发明电〔2024〕12号，2024年11月12日）;
  《国务院办公厅关于2026年部分节假日安排的通知》（2025年11月4日，新华社受权发布）.
  An office enters later years (and any local change) in the application; a year without entries counts
  weekends only.

Revision ID: 0010_cases
Revises: 0009_wider_ledgers
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0010_cases'
down_revision = '0009_wider_ledgers'
branch_labels = None
depends_on = None

# (节日, first day off, last day off, weekend days worked instead), as the notices state them.
OFFICIAL = (
    ("元旦", date(2025, 1, 1), date(2025, 1, 1), ()),
    ("春节", date(2025, 1, 28), date(2025, 2, 4), (date(2025, 1, 26), date(2025, 2, 8))),
    ("清明节", date(2025, 4, 4), date(2025, 4, 6), ()),
    ("劳动节", date(2025, 5, 1), date(2025, 5, 5), (date(2025, 4, 27),)),
    ("端午节", date(2025, 5, 31), date(2025, 6, 2), ()),
    ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8), (date(2025, 9, 28), date(2025, 10, 11))),
    ("元旦", date(2026, 1, 1), date(2026, 1, 3), (date(2026, 1, 4),)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23), (date(2026, 2, 14), date(2026, 2, 28))),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6), ()),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5), (date(2026, 5, 9),)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21), ()),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27), ()),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7), (date(2026, 9, 20), date(2026, 10, 10))),
)


def official_days() -> list[dict]:
    rows = []
    for name, first, last, worked in OFFICIAL:
        day = first
        while day <= last:
            rows.append({"day": day, "kind": "放假", "name": name})
            day += timedelta(days=1)
        rows += [{"day": d, "kind": "上班", "name": name} for d in worked]
    return rows


def upgrade() -> None:
    calendar = op.create_table(
        'calendar_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day')),
    )
    op.bulk_insert(calendar, official_days())
    op.create_table(
        'civic_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=True),
        sa.Column('reporter', sa.String(length=32), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('found_on', sa.Date(), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=True),
        sa.Column('assigned_on', sa.Date(), nullable=True),
        sa.Column('handler', sa.String(length=100), nullable=True),
        sa.Column('limit_days', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('resolved_on', sa.Date(), nullable=True),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('feedback_on', sa.Date(), nullable=True),
        sa.Column('rating', sa.String(length=8), nullable=True),
        sa.Column('rated_on', sa.Date(), nullable=True),
        sa.Column('reopened_on', sa.Date(), nullable=True),
        sa.Column('supervised_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_civic_case_community_id_community')),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_civic_case_grid_id_grid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_civic_case')),
        sa.UniqueConstraint('number', name=op.f('uq_civic_case_number')),
        sqlite_autoincrement=True,   # ids never reused: the 回收站 restores a case under its own id
    )
    op.create_index('ix_civic_case_community_found', 'civic_case', ['community_id', 'found_on'])
    op.create_index('ix_civic_case_open_due', 'civic_case', ['resolved_on', 'due_on'])
    op.create_index(op.f('ix_civic_case_grid_id'), 'civic_case', ['grid_id'])
    op.create_table(
        'case_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('handler', sa.String(length=100), nullable=True),
        sa.Column('limit_days', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('rating', sa.String(length=8), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('user_name', sa.String(length=32), nullable=True),
        sa.Column('source', sa.String(length=8), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['civic_case.id'], name=op.f('fk_case_step_case_id_civic_case'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_step')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_case_step_case_id'), 'case_step', ['case_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_case_step_case_id'), table_name='case_step')
    op.drop_table('case_step')
    op.drop_index(op.f('ix_civic_case_grid_id'), table_name='civic_case')
    op.drop_index('ix_civic_case_open_due', table_name='civic_case')
    op.drop_index('ix_civic_case_community_found', table_name='civic_case')
    op.drop_table('civic_case')
    op.drop_table('calendar_day')
