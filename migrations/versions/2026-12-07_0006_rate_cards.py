"""rate cards: effective-dated pay and charge figures (coop/pay), loaded from coop/pay/data/rate_cards.toml

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07 03:45:10.245232
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profession', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=True),
    sa.Column('divisor_days', sa.Integer(), nullable=True),
    sa.Column('saturday_bp', sa.Integer(), nullable=True),
    sa.Column('weekday_night_bp', sa.Integer(), nullable=True),
    sa.Column('sunday_bp', sa.Integer(), nullable=True),
    sa.Column('bank_holiday_bp', sa.Integer(), nullable=True),
    sa.Column('holiday_bp', sa.Integer(), nullable=True),
    sa.Column('employer_ni_bp', sa.Integer(), nullable=True),
    sa.Column('pension_bp', sa.Integer(), nullable=True),
    sa.Column('margin_bp', sa.Integer(), nullable=True),
    sa.Column('markup_bp', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_pence IS NULL OR amount_pence >= 0', name=op.f('ck_rate_card_amount_not_negative')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_rate_card_created_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_card')),
    sa.UniqueConstraint('profession', 'grade', 'kind', 'effective_from', name='uq_rate_card_key')
    )
    with op.batch_alter_table('rate_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_card_profession'), ['profession'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rate_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_card_profession'))

    op.drop_table('rate_card')
