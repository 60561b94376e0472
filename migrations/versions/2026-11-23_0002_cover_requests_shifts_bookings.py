"""cover requests shifts bookings timesheets outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:21:47.599423
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


# A member never holds two live bookings that overlap in time: the database refuses it, whatever
# the code above it does. PostgreSQL: an exclusion constraint over the booking's time range.
# SQLite: a trigger (SQLite also serialises writers, so two racing inserts cannot both pass it).
PG_EXCLUDE = (
    "ALTER TABLE booking ADD CONSTRAINT ex_booking_member_overlap "
    "EXCLUDE USING gist (member_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    "WHERE (status <> 'cancelled')"
)
SQLITE_TRIGGERS = [
    """CREATE TRIGGER booking_member_overlap_insert BEFORE INSERT ON booking
    WHEN NEW.status != 'cancelled' AND EXISTS (
        SELECT 1 FROM booking b WHERE b.member_id = NEW.member_id AND b.status != 'cancelled'
        AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
    BEGIN SELECT RAISE(ABORT, 'ex_booking_member_overlap'); END""",
    """CREATE TRIGGER booking_member_overlap_update BEFORE UPDATE OF status ON booking
    WHEN NEW.status != 'cancelled' AND OLD.status = 'cancelled' AND EXISTS (
        SELECT 1 FROM booking b WHERE b.member_id = NEW.member_id AND b.status != 'cancelled' AND b.id != NEW.id
        AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
    BEGIN SELECT RAISE(ABORT, 'ex_booking_member_overlap'); END""",
]


def _add_overlap_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(PG_EXCLUDE)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def _drop_overlap_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE booking DROP CONSTRAINT IF EXISTS ex_booking_member_overlap")
    else:
        op.execute("DROP TRIGGER IF EXISTS booking_member_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS booking_member_overlap_update")


def upgrade() -> None:
    op.create_table('shift_pattern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_shift_pattern_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_pattern')),
    sa.UniqueConstraint('client_id', 'code', name='uq_shift_pattern_client_code')
    )
    with op.batch_alter_table('shift_pattern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_pattern_client_id'), ['client_id'], unique=False)

    op.create_table('idempotency_record',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_idempotency_record_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_idempotency_record'))
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    op.create_table('shift_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('min_grade', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('welsh_medium', sa.Boolean(), nullable=False),
    sa.Column('preferred_member_ids', sa.JSON(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('repeat_days', sa.Integer(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_shift_request_client_id_client')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_shift_request_created_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_request'))
    )
    with op.batch_alter_table('shift_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_request_client_id'), ['client_id'], unique=False)

    op.create_table('shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('starts_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_shift_client_id_client')),
    sa.ForeignKeyConstraint(['request_id'], ['shift_request.id'], name=op.f('fk_shift_request_id_shift_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift'))
    )
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_local_date'), ['local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_status'), ['status'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('booked_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('booked_by_user_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_user_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('roster_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booked_by_user_id'], ['user_account.id'], name=op.f('fk_booking_booked_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['cancelled_by_user_id'], ['user_account.id'], name=op.f('fk_booking_cancelled_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_booking_member_id_member')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_booking_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index('uq_booking_live_shift', ['shift_id'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))

    _add_overlap_guard()

    op.create_table('cancellation_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('charge_minutes', sa.Integer(), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('notice_hours_given', sa.Integer(), nullable=False),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_cancellation_charge_booking_id_booking')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_cancellation_charge_client_id_client')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_cancellation_charge_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cancellation_charge')),
    sa.UniqueConstraint('shift_id', name=op.f('uq_cancellation_charge_shift_id'))
    )
    with op.batch_alter_table('cancellation_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cancellation_charge_client_id'), ['client_id'], unique=False)

    op.create_table('timesheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('started_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('break_minutes', sa.Integer(), nullable=False),
    sa.Column('worked_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('submitted_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('query_comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('resolution_comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_timesheet_booking_id_booking')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_timesheet_client_id_client')),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['user_account.id'], name=op.f('fk_timesheet_decided_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_timesheet_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timesheet')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_timesheet_booking_id'))
    )
    with op.batch_alter_table('timesheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timesheet_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timesheet_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timesheet_status'), ['status'], unique=False)



def downgrade() -> None:
    _drop_overlap_guard()
    with op.batch_alter_table('timesheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timesheet_status'))
        batch_op.drop_index(batch_op.f('ix_timesheet_member_id'))
        batch_op.drop_index(batch_op.f('ix_timesheet_client_id'))

    op.drop_table('timesheet')
    with op.batch_alter_table('cancellation_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cancellation_charge_client_id'))

    op.drop_table('cancellation_charge')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_live_shift', sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_booking_shift_id'))
        batch_op.drop_index(batch_op.f('ix_booking_member_id'))

    op.drop_table('booking')
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_status'))
        batch_op.drop_index(batch_op.f('ix_shift_starts_at'))
        batch_op.drop_index(batch_op.f('ix_shift_role'))
        batch_op.drop_index(batch_op.f('ix_shift_request_id'))
        batch_op.drop_index(batch_op.f('ix_shift_local_date'))
        batch_op.drop_index(batch_op.f('ix_shift_client_id'))

    op.drop_table('shift')
    with op.batch_alter_table('shift_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_request_client_id'))

    op.drop_table('shift_request')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_sent_at'))
        batch_op.drop_index(batch_op.f('ix_notification_next_attempt_at'))

    op.drop_table('notification')
    op.drop_table('idempotency_record')
    with op.batch_alter_table('shift_pattern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_pattern_client_id'))

    op.drop_table('shift_pattern')
