"""Input and output shapes of billing: an invoicing run, a credit note, an invoice as shown."""

from __future__ import annotations

from datetime import date

from pydantic import field_validator
from sqlmodel import Field, SQLModel

MAX_ID = 2**31 - 1
MAX_PENCE = 10**11


class InvoicingRunIn(SQLModel):
    period_start: date
    period_end: date
    preview: bool = False  # a period that ends before it starts is refused by the run, naming period_end


class CreditNoteIn(SQLModel):
    reason: str = Field(min_length=1, max_length=300)
    amount_pence: int | None = Field(default=None, ge=1, le=MAX_PENCE)

    @field_validator("reason")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("reason may not contain a NUL character")
        if not value.strip():
            raise ValueError("say why the invoice is credited")
        return value


class InvoiceLinePublic(SQLModel):
    description: str
    amount_pence: int
    worked_on: date
    member_name: str
    minutes: int
    kind: str


class InvoicePublic(SQLModel):
    id: int | None
    number: int | None
    kind: str
    client_id: int
    period_start: date
    period_end: date
    issued_on: date | None
    total_pence: int
    pay_pence: int
    holiday_pence: int
    employer_ni_pence: int
    pension_pence: int
    margin_pence: int
    worker_pence: int
    agency_comparison_pence: int
    credits_invoice_id: int | None = None
    outstanding_pence: int | None = None
    lines: list[InvoiceLinePublic]


class InvoicesPublic(SQLModel):
    data: list[InvoicePublic]
    count: int


# --------------------------------------------------------------------------------------------------- payments


def _no_nul(value: str, name: str) -> str:
    if "\x00" in value:
        raise ValueError(f"{name} may not contain a NUL character")
    return value


class PaymentIn(SQLModel):
    """A payment recorded by hand: who paid (if known), when it reached the bank, how much, and its reference."""

    client_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    received_on: date
    amount_pence: int = Field(ge=1, le=MAX_PENCE)
    reference: str = Field(default="", max_length=300)

    @field_validator("reference")
    @classmethod
    def _reference_plain(cls, value: str) -> str:
        return _no_nul(value, "reference")


class AllocationIn(SQLModel):
    invoice_id: int = Field(ge=1, le=MAX_ID)
    amount_pence: int = Field(ge=1, le=MAX_PENCE)


class ReversalIn(SQLModel):
    reason: str = Field(min_length=1, max_length=300)

    @field_validator("reason")
    @classmethod
    def _reason_plain(cls, value: str) -> str:
        _no_nul(value, "reason")
        if not value.strip():
            raise ValueError("say why the payment is reversed")
        return value


class AllocationPublic(SQLModel):
    invoice_id: int
    invoice_number: int
    amount_pence: int
    how: str


class PaymentPublic(SQLModel):
    id: int
    client_id: int | None
    received_on: date
    amount_pence: int
    reference: str
    source: str
    allocated_pence: int
    unallocated_pence: int
    reversed: bool
    reversal_reason: str | None = None
    journal_entry_id: int | None
    allocations: list[AllocationPublic]


class PaymentsPublic(SQLModel):
    data: list[PaymentPublic]
    count: int


class PaymentImportPublic(SQLModel):
    data: list[PaymentPublic]
    count: int
    skipped_outgoing: int
    already_imported: int


class DebtorPublic(SQLModel):
    """What one client owes, by how long past its due date (issued_on + payment terms) each invoice is."""

    client_id: int | None
    client_name: str
    current_pence: int
    days_1_30_pence: int
    days_31_60_pence: int
    days_61_90_pence: int
    days_over_90_pence: int
    on_account_pence: int
    total_pence: int


class DebtorsPublic(SQLModel):
    as_of: date
    data: list[DebtorPublic]
    totals: DebtorPublic
    count: int
