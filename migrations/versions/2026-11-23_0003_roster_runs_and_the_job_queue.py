"""roster runs and the job queue

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:30:38.369647
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _queue_schema() -> None:
    """On PostgreSQL, roster solves run on procrastinate's queue: its schema is part of ours."""
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    op.execute(SchemaManager.get_schema())


def _drop_queue_schema() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN SELECT tablename FROM pg_tables
                        WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%' LOOP
                EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename);
            END LOOP;
            FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP
                EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature);
            END LOOP;
            FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%' AND t.typtype IN ('e', 'c') LOOP
                EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
            END LOOP;
        END $$;
        """
    )


def upgrade() -> None:
    op.create_table('roster_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('profession', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('client_ids', sa.JSON(), nullable=False),
    sa.Column('time_limit_s', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('progress', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('applied_at', coop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('applied_by_user_id', sa.Integer(), nullable=True),
    sa.Column('apply_result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['applied_by_user_id'], ['user_account.id'], name=op.f('fk_roster_run_applied_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_roster_run_created_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_run'))
    )
    with op.batch_alter_table('roster_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_run_status'), ['status'], unique=False)

    _queue_schema()


def downgrade() -> None:
    _drop_queue_schema()
    with op.batch_alter_table('roster_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_run_status'))

    op.drop_table('roster_run')
