"""Builders for payment tests: invoices of an exact total on a chosen day, issued as the billing area issues them
(a number from the counter and ONE ledger entry, Dr trade debtors), and credit notes against them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlmodel import Session, col

from coop.billing.models import COUNTER_NAME, CREDIT_NOTE, INVOICE, Invoice, InvoiceCounter
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.ledger.models import SourceKind
from coop.ledger.rules import Line


def _number(session: Session) -> int:
    return session.exec(
        update(InvoiceCounter)
        .where(col(InvoiceCounter.name) == COUNTER_NAME)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
    ).first()[0]


def _issue(session: Session, *, client, issued_on: date, total: int, kind: str, credits: Invoice | None) -> Invoice:
    number = _number(session)
    invoice = Invoice(
        number=number,
        kind=kind,
        client_id=client.id if client else credits.client_id,
        period_start=issued_on.replace(day=1),
        period_end=issued_on,
        issued_on=issued_on,
        issued_at=datetime.combine(issued_on, time(9), tzinfo=UTC),
        total_pence=total,
        pay_pence=total,
        holiday_pence=0,
        employer_ni_pence=0,
        pension_pence=0,
        margin_pence=0,
        worker_pence=total,
        agency_comparison_pence=0,
        credits_invoice_id=credits.id if credits else None,
        reason="test credit" if credits else None,
    )
    session.add(invoice)
    session.flush()
    entry = ledger_service.post_entry(
        session,
        entry_date=issued_on,
        description=f"Invoice {number}",
        source_kind=SourceKind.invoice if kind == INVOICE else SourceKind.credit_note,
        source_id=invoice.id,
        lines=[
            Line(accounts.TRADE_DEBTORS, total, client_id=invoice.client_id),
            Line(accounts.OTHER_INCOME, -total, client_id=invoice.client_id),
        ],
    )
    invoice.journal_entry_id = entry.id
    session.add(invoice)
    session.commit()
    return invoice


def issued_invoice(session: Session, *, client, issued_on: date, total: int) -> Invoice:
    return _issue(session, client=client, issued_on=issued_on, total=total, kind=INVOICE, credits=None)


def credit_note(session: Session, *, invoice: Invoice, amount: int, issued_on: date) -> Invoice:
    return _issue(session, client=None, issued_on=issued_on, total=-amount, kind=CREDIT_NOTE, credits=invoice)
