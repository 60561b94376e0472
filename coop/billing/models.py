"""The billing tables: the invoice number counter, invoices (and credit notes), and their lines.

An issued invoice is never changed: a correction is a credit note (an `invoice` row of kind `credit_note`, with a
negative total) that references the invoice it credits. Numbers come from one counter row taken under its write
lock inside the issuing transaction, so they run unbroken; the unique constraint on `number` is the last guard.
A timesheet is billed at most once per generation (unique `timesheet_id, generation`): a corrected timesheet is
credited and billed again with the next generation; a late-cancellation charge is billed once (unique).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
WORK = "work"
LATE_CANCELLATION = "late_cancellation"
CREDIT = "credit"
COUNTER_NAME = "invoice"


class InvoiceCounter(SQLModel, table=True):
    """The last number issued, one row per sequence ("invoice"), seeded by migration 0009."""

    __tablename__ = "invoice_counter"

    name: str = Field(primary_key=True, max_length=20)
    last_number: int = Field(default=0)


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("number", name="uq_invoice_number"),
        CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind_known"),
        CheckConstraint(
            "(kind = 'invoice' AND total_pence >= 0 AND credits_invoice_id IS NULL) OR "
            "(kind = 'credit_note' AND total_pence <= 0 AND credits_invoice_id IS NOT NULL)",
            name="credit_note_references_and_negative",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int
    kind: str = Field(default=INVOICE, max_length=12)
    client_id: int = Field(foreign_key="client.id", index=True)
    period_start: date
    period_end: date
    issued_on: date
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    language: str = Field(default="en", max_length=2)
    # Sums of the lines (never re-rounded): the charge and its split (RULES §0.19), and the private agency's
    # price for the same work (RULES §0.18; 0 where no comparison card is in force).
    total_pence: int
    pay_pence: int
    holiday_pence: int
    employer_ni_pence: int
    pension_pence: int
    margin_pence: int
    worker_pence: int
    agency_comparison_pence: int
    credits_invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    reason: str | None = Field(default=None, max_length=300)
    journal_entry_id: int | None = Field(default=None, foreign_key="journal_entry.id")
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = (
        UniqueConstraint("timesheet_id", "generation", name="uq_invoice_line_timesheet_generation"),
        UniqueConstraint("cancellation_charge_id", name="uq_invoice_line_cancellation_charge"),
        CheckConstraint("kind IN ('work', 'late_cancellation', 'credit')", name="kind_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int
    kind: str = Field(max_length=20)
    timesheet_id: int | None = Field(default=None, foreign_key="timesheet.id")
    generation: int | None = None
    # What the timesheet said when it was priced: a different approved timesheet later is a correction.
    timesheet_fingerprint: str | None = Field(default=None, max_length=80)
    cancellation_charge_id: int | None = Field(default=None, foreign_key="cancellation_charge.id")
    credits_line_id: int | None = Field(default=None, foreign_key="invoice_line.id", index=True)
    worked_on: date
    member_id: int | None = Field(default=None, foreign_key="member.id")
    member_name: str = Field(default="", max_length=200)
    profession: str = Field(max_length=20)
    minutes: int
    bands: str = Field(default="", max_length=200)
    description: str = Field(max_length=300)
    # The quote's split, as priced (RULES §0.19): amount = pay + holiday + NI + pension + margin.
    pay_pence: int
    holiday_pence: int
    employer_ni_pence: int
    pension_pence: int
    margin_pence: int
    amount_pence: int
    worker_pence: int
    agency_pence: int
    # The rate cards the line was priced with (pay cards comma-separated), so a later card never changes it.
    pay_card_ids: str = Field(default="", max_length=100)
    on_costs_card_id: int | None = Field(default=None, foreign_key="rate_card.id")


# --------------------------------------------------------------------------------------------------- payments

MANUAL = "manual"
BANK_IMPORT = "import"
BY_REFERENCE = "reference"
BY_AMOUNT = "amount"
BY_HAND = "hand"
REVERSAL = "reversal"


class Payment(SQLModel, table=True):
    """Money a client paid in, as received: never edited. A mistake is reversed (the reversal is recorded once,
    with its reason and the reversing ledger entry) and its allocations are undone by negative allocations.

    `client_id` is the client who paid: named when recorded, or taken from the invoice the payment matched;
    NULL while nobody knows whose money it is (an unidentified bank line). `bank_line_key` is a digest of an
    imported statement line, so importing an overlapping statement again records no line twice."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("source IN ('manual', 'import')", name="source_known"),
        CheckConstraint(
            "(reversed_at IS NULL AND reversal_entry_id IS NULL AND reversal_reason IS NULL) OR "
            "(reversed_at IS NOT NULL AND reversal_entry_id IS NOT NULL AND reversal_reason IS NOT NULL)",
            name="reversal_complete",
        ),
        UniqueConstraint("bank_line_key", name="uq_payment_bank_line_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    received_on: date
    amount_pence: int = Field(sa_column=Column(BigInteger(), nullable=False))
    reference: str = Field(default="", max_length=300)
    source: str = Field(default=MANUAL, max_length=10)
    bank_line_key: str | None = Field(default=None, max_length=64)
    journal_entry_id: int | None = Field(default=None, foreign_key="journal_entry.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    reversed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    reversal_reason: str | None = Field(default=None, max_length=300)
    reversal_entry_id: int | None = Field(default=None, foreign_key="journal_entry.id")


class PaymentAllocation(SQLModel, table=True):
    """Part of a payment set against an invoice. Rows are only ever added: a reversal adds the negative of what
    the payment had allocated, so an invoice's paid amount is the plain sum of its rows."""

    __tablename__ = "payment_allocation"
    __table_args__ = (
        CheckConstraint("amount_pence <> 0", name="amount_not_zero"),
        CheckConstraint("how IN ('reference', 'amount', 'hand', 'reversal')", name="how_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_pence: int = Field(sa_column=Column(BigInteger(), nullable=False))
    how: str = Field(max_length=10)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
