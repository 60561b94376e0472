"""pay lines and pay runs: each approved timesheet's priced lines, the figures it was priced from, pay runs,
and the member's payroll reference (coop/pay/models.py)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:58:23.571672

Lines are written once: a corrected timesheet gets adjustment lines (kind 'adjustment', naming the line they
negate), never an UPDATE of money.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pay_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('exported_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('csv_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('csv_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'posted', 'exported')", name=op.f('ck_pay_run_status_known')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_pay_run_period_in_order')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_pay_run_created_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entry.id'], name=op.f('fk_pay_run_journal_entry_id_journal_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_run'))
    )
    with op.batch_alter_table('pay_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_run_period_start'), ['period_start'], unique=False)

    op.create_table('pay_pricing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('timesheet_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('worked_on', sa.Date(), nullable=False),
    sa.Column('started_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('break_minutes', sa.Integer(), nullable=False),
    sa.Column('worked_minutes', sa.Integer(), nullable=False),
    sa.Column('on_costs_card_id', sa.Integer(), nullable=True),
    sa.Column('priced_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_pay_pricing_member_id_member')),
    sa.ForeignKeyConstraint(['on_costs_card_id'], ['rate_card.id'], name=op.f('fk_pay_pricing_on_costs_card_id_rate_card')),
    sa.ForeignKeyConstraint(['timesheet_id'], ['timesheet.id'], name=op.f('fk_pay_pricing_timesheet_id_timesheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_pricing')),
    sa.UniqueConstraint('timesheet_id', 'sequence', name='uq_pay_pricing_sequence')
    )
    with op.batch_alter_table('pay_pricing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_pricing_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_pricing_timesheet_id'), ['timesheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_pricing_worked_on'), ['worked_on'], unique=False)

    op.create_table('pay_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pricing_id', sa.Integer(), nullable=True),
    sa.Column('timesheet_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('rate_card_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('adjusts_line_id', sa.Integer(), nullable=True),
    sa.Column('adjusts_kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('band', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('rate_pence', sa.Integer(), nullable=False),
    sa.Column('exact_amount', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('pay_run_id', sa.Integer(), nullable=True),
    sa.Column('priced_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('exported_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(kind = 'adjustment') = (adjusts_line_id IS NOT NULL)", name=op.f('ck_pay_line_adjustment_names_its_line')),
    sa.CheckConstraint("kind IN ('pay', 'holiday', 'travel', 'adjustment', 'dividend')", name=op.f('ck_pay_line_kind_known')),
    sa.ForeignKeyConstraint(['adjusts_line_id'], ['pay_line.id'], name=op.f('fk_pay_line_adjusts_line_id_pay_line')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_pay_line_member_id_member')),
    sa.ForeignKeyConstraint(['pay_run_id'], ['pay_run.id'], name=op.f('fk_pay_line_pay_run_id_pay_run')),
    sa.ForeignKeyConstraint(['pricing_id'], ['pay_pricing.id'], name=op.f('fk_pay_line_pricing_id_pay_pricing')),
    sa.ForeignKeyConstraint(['rate_card_id'], ['rate_card.id'], name=op.f('fk_pay_line_rate_card_id_rate_card')),
    sa.ForeignKeyConstraint(['timesheet_id'], ['timesheet.id'], name=op.f('fk_pay_line_timesheet_id_timesheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_line'))
    )
    with op.batch_alter_table('pay_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_line_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_line_pay_run_id'), ['pay_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_line_pricing_id'), ['pricing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_line_timesheet_id'), ['timesheet_id'], unique=False)

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payroll_reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('payroll_reference')

    with op.batch_alter_table('pay_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_line_timesheet_id'))
        batch_op.drop_index(batch_op.f('ix_pay_line_pricing_id'))
        batch_op.drop_index(batch_op.f('ix_pay_line_pay_run_id'))
        batch_op.drop_index(batch_op.f('ix_pay_line_member_id'))

    op.drop_table('pay_line')
    with op.batch_alter_table('pay_pricing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_pricing_worked_on'))
        batch_op.drop_index(batch_op.f('ix_pay_pricing_timesheet_id'))
        batch_op.drop_index(batch_op.f('ix_pay_pricing_member_id'))

    op.drop_table('pay_pricing')
    with op.batch_alter_table('pay_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_run_period_start'))

    op.drop_table('pay_run')
