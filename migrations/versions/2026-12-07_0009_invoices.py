"""invoices: the invoice counter, invoices and credit notes, their lines; a client's language and invoicing frequency

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", S(length=2), nullable=False, server_default="en"))
        batch_op.add_column(sa.Column("invoice_frequency", S(length=10), nullable=False, server_default="monthly"))

    counter = op.create_table(
        "invoice_counter",
        sa.Column("name", S(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_invoice_counter")),
    )
    op.bulk_insert(counter, [{"name": "invoice", "last_number": 0}])

    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=12), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", coop.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("language", S(length=2), nullable=False),
        sa.Column("total_pence", sa.Integer(), nullable=False),
        sa.Column("pay_pence", sa.Integer(), nullable=False),
        sa.Column("holiday_pence", sa.Integer(), nullable=False),
        sa.Column("employer_ni_pence", sa.Integer(), nullable=False),
        sa.Column("pension_pence", sa.Integer(), nullable=False),
        sa.Column("margin_pence", sa.Integer(), nullable=False),
        sa.Column("worker_pence", sa.Integer(), nullable=False),
        sa.Column("agency_comparison_pence", sa.Integer(), nullable=False),
        sa.Column("credits_invoice_id", sa.Integer(), nullable=True),
        sa.Column("reason", S(length=300), nullable=True),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f("ck_invoice_kind_known")),
        sa.CheckConstraint(
            "(kind = 'invoice' AND total_pence >= 0 AND credits_invoice_id IS NULL) OR "
            "(kind = 'credit_note' AND total_pence <= 0 AND credits_invoice_id IS NOT NULL)",
            name=op.f("ck_invoice_credit_note_references_and_negative"),
        ),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], name=op.f("fk_invoice_client_id_client")),
        sa.ForeignKeyConstraint(["credits_invoice_id"], ["invoice.id"], name=op.f("fk_invoice_credits_invoice_id_invoice")),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["journal_entry.id"], name=op.f("fk_invoice_journal_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user_account.id"], name=op.f("fk_invoice_created_by_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("number", name="uq_invoice_number"),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_credits_invoice_id"), ["credits_invoice_id"], unique=False)

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=20), nullable=False),
        sa.Column("timesheet_id", sa.Integer(), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=True),
        sa.Column("timesheet_fingerprint", S(length=80), nullable=True),
        sa.Column("cancellation_charge_id", sa.Integer(), nullable=True),
        sa.Column("credits_line_id", sa.Integer(), nullable=True),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("member_name", S(length=200), nullable=False),
        sa.Column("profession", S(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("bands", S(length=200), nullable=False),
        sa.Column("description", S(length=300), nullable=False),
        sa.Column("pay_pence", sa.Integer(), nullable=False),
        sa.Column("holiday_pence", sa.Integer(), nullable=False),
        sa.Column("employer_ni_pence", sa.Integer(), nullable=False),
        sa.Column("pension_pence", sa.Integer(), nullable=False),
        sa.Column("margin_pence", sa.Integer(), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("worker_pence", sa.Integer(), nullable=False),
        sa.Column("agency_pence", sa.Integer(), nullable=False),
        sa.Column("pay_card_ids", S(length=100), nullable=False),
        sa.Column("on_costs_card_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('work', 'late_cancellation', 'credit')", name=op.f("ck_invoice_line_kind_known")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_invoice_line_invoice_id_invoice")),
        sa.ForeignKeyConstraint(["timesheet_id"], ["timesheet.id"], name=op.f("fk_invoice_line_timesheet_id_timesheet")),
        sa.ForeignKeyConstraint(
            ["cancellation_charge_id"],
            ["cancellation_charge.id"],
            name=op.f("fk_invoice_line_cancellation_charge_id_cancellation_charge"),
        ),
        sa.ForeignKeyConstraint(
            ["credits_line_id"], ["invoice_line.id"], name=op.f("fk_invoice_line_credits_line_id_invoice_line")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_invoice_line_member_id_member")),
        sa.ForeignKeyConstraint(
            ["on_costs_card_id"], ["rate_card.id"], name=op.f("fk_invoice_line_on_costs_card_id_rate_card")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
        sa.UniqueConstraint("timesheet_id", "generation", name="uq_invoice_line_timesheet_generation"),
        sa.UniqueConstraint("cancellation_charge_id", name="uq_invoice_line_cancellation_charge"),
    )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_line_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_line_credits_line_id"), ["credits_line_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_line_credits_line_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_line_invoice_id"))
    op.drop_table("invoice_line")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_credits_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_client_id"))
    op.drop_table("invoice")
    op.drop_table("invoice_counter")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("invoice_frequency")
        batch_op.drop_column("language")
