"""the installation's own secret; idempotency keys bound to their request, with the first answer kept

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:00:00

`app_secret` holds one row: the random signing secret made on first start when COOP_SECRET_KEY is unset
(coop/app_secret.py). `idempotency_record` gains the request's fingerprint and the first answer. Records
made before hold neither, so nothing could tell a retry from a different request: they are deleted (a key
only protects a retry made minutes later, and a retry after this upgrade books or is refused afresh).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", coop.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_app_secret_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_secret")),
    )
    op.execute("DELETE FROM idempotency_record")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False))
        batch_op.add_column(sa.Column("response", sa.JSON(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_column("response")
        batch_op.drop_column("fingerprint")
    op.drop_table("app_secret")
