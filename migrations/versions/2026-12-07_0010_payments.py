"""payments: payments received from clients and their allocations to invoices; a client's payment terms

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_terms_days", sa.Integer(), nullable=True))

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("reference", S(length=300), nullable=False),
        sa.Column("source", S(length=10), nullable=False),
        sa.Column("bank_line_key", S(length=64), nullable=True),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", coop.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reversed_at", coop.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reversal_reason", S(length=300), nullable=True),
        sa.Column("reversal_entry_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_payment_amount_positive")),
        sa.CheckConstraint("source IN ('manual', 'import')", name=op.f("ck_payment_source_known")),
        sa.CheckConstraint(
            "(reversed_at IS NULL AND reversal_entry_id IS NULL AND reversal_reason IS NULL) OR "
            "(reversed_at IS NOT NULL AND reversal_entry_id IS NOT NULL AND reversal_reason IS NOT NULL)",
            name=op.f("ck_payment_reversal_complete"),
        ),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], name=op.f("fk_payment_client_id_client")),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["journal_entry.id"], name=op.f("fk_payment_journal_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user_account.id"], name=op.f("fk_payment_created_by_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reversal_entry_id"], ["journal_entry.id"], name=op.f("fk_payment_reversal_entry_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("bank_line_key", name="uq_payment_bank_line_key"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_client_id"), ["client_id"], unique=False)

    op.create_table(
        "payment_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("how", S(length=10), nullable=False),
        sa.Column("created_at", coop.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_pence <> 0", name=op.f("ck_payment_allocation_amount_not_zero")),
        sa.CheckConstraint(
            "how IN ('reference', 'amount', 'hand', 'reversal')", name=op.f("ck_payment_allocation_how_known")
        ),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], name=op.f("fk_payment_allocation_payment_id_payment")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_payment_allocation_invoice_id_invoice")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_payment_allocation_created_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocation")),
    )
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_allocation_payment_id"), ["payment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_allocation_invoice_id"), ["invoice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocation_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocation_payment_id"))
    op.drop_table("payment_allocation")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_client_id"))
    op.drop_table("payment")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("payment_terms_days")
