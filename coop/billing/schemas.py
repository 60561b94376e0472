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
