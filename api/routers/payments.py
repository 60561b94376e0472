"""Money in over HTTP: payments recorded by hand or imported from a bank statement, allocated and reversed by
coordinators; the aged-debtors list.

Coordinators (and admins) record, import, allocate and reverse. Coordinators and the board read every payment
and every client's debts. A client contact reads only their own organisation's payments (another's is 404) and,
from `GET /api/debtors`, only their own line. Members are refused (403).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile

from api.openapi import errors
from coop.billing import payments
from coop.billing.schemas import (
    MAX_ID,
    AllocationIn,
    AllocationPublic,
    DebtorPublic,
    DebtorsPublic,
    PaymentImportPublic,
    PaymentIn,
    PaymentPublic,
    PaymentsPublic,
    ReversalIn,
)
from coop.errors import InvalidInput
from edge.deps import CurrentActor, SessionDep

router = APIRouter(tags=["payments"])
PaymentId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_CSV_BYTES = 2_000_000
StatementFile = Annotated[UploadFile, File(description=f"the statement, a UTF-8 CSV of at most {MAX_CSV_BYTES} bytes")]


def public(view: payments.PaymentView) -> PaymentPublic:
    payment = view.payment
    return PaymentPublic(
        id=payment.id,
        client_id=payment.client_id,
        received_on=payment.received_on,
        amount_pence=payment.amount_pence,
        reference=payment.reference,
        source=payment.source,
        allocated_pence=view.allocated_pence,
        unallocated_pence=view.unallocated_pence,
        reversed=payment.reversed_at is not None,
        reversal_reason=payment.reversal_reason,
        journal_entry_id=payment.journal_entry_id,
        allocations=[
            AllocationPublic(
                invoice_id=row.invoice_id, invoice_number=number, amount_pence=row.amount_pence, how=row.how
            )
            for row, number in view.allocations
        ],
    )


def _debtor(line: payments.DebtorLine) -> DebtorPublic:
    return DebtorPublic(
        client_id=line.client_id,
        client_name=line.client_name,
        current_pence=line.current_pence,
        days_1_30_pence=line.days_1_30_pence,
        days_31_60_pence=line.days_31_60_pence,
        days_61_90_pence=line.days_61_90_pence,
        days_over_90_pence=line.days_over_90_pence,
        on_account_pence=line.on_account_pence,
        total_pence=line.total_pence,
    )


@router.post("/payments", response_model=PaymentPublic, status_code=201)
def record_payment(body: PaymentIn, actor: CurrentActor, session: SessionDep):
    """Record a payment (coordinators); it is matched at once: by an invoice number in the reference, else by an
    amount exactly one open invoice owes, else it stays on account to allocate by hand."""
    payment = payments.record_payment(
        session=session,
        actor=actor,
        client_id=body.client_id,
        received_on=body.received_on,
        amount_pence=body.amount_pence,
        reference=body.reference,
    )
    return public(payments.get_payment(session, actor=actor, payment_id=payment.id))


@router.post("/payments/import", response_model=PaymentImportPublic, status_code=201)
def import_statement(file: StatementFile, actor: CurrentActor, session: SessionDep):
    """A bank statement as CSV (UTF-8), its first row naming the columns, in any order and case:
    `date` (2026-12-07 or 07/12/2026), `amount` in pounds (1234.56, 1,234.56 or £1234.56; money out, negative,
    is skipped), `reference` and/or `description` (what the payer wrote), and optionally `client_id`.
    Every row is checked first: a bad one is a 422 whose `field` is `row N.column`, and nothing is written.
    A line imported before is skipped (`already_imported`), so overlapping statements are safe."""
    raw = file.file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput(f"The CSV is larger than {MAX_CSV_BYTES} bytes.", field="file")
    try:
        csv_text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The CSV is not UTF-8 text.", field="file") from None
    result = payments.import_statement_csv(session=session, actor=actor, csv_text=csv_text)
    data = [public(view) for view in payments.views_of(session, result.payments)]
    return PaymentImportPublic(
        data=data, count=len(data), skipped_outgoing=result.skipped_outgoing, already_imported=result.already_imported
    )


@router.get("/payments", response_model=PaymentsPublic)
def list_payments(
    actor: CurrentActor,
    session: SessionDep,
    unallocated: bool = False,
    client_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
):
    """Payments, newest first (at most 500); `unallocated=true` keeps those with money still on account."""
    views = payments.list_payments(session, actor=actor, unallocated_only=unallocated, client_id=client_id)
    return PaymentsPublic(data=[public(view) for view in views], count=len(views))


@router.get("/payments/{payment_id}", response_model=PaymentPublic)
def get_payment(payment_id: PaymentId, actor: CurrentActor, session: SessionDep):
    return public(payments.get_payment(session, actor=actor, payment_id=payment_id))


@router.post("/payments/{payment_id}/allocate", response_model=PaymentPublic, responses=errors(409))
def allocate_payment(payment_id: PaymentId, body: AllocationIn, actor: CurrentActor, session: SessionDep):
    """Set part of a payment on account against an invoice: at most what is left of it and what the invoice owes."""
    payments.allocate_payment(
        session=session, actor=actor, payment_id=payment_id, invoice_id=body.invoice_id, amount_pence=body.amount_pence
    )
    return public(payments.get_payment(session, actor=actor, payment_id=payment_id))


@router.post("/payments/{payment_id}/reverse", response_model=PaymentPublic, responses=errors(409))
def reverse_payment(payment_id: PaymentId, body: ReversalIn, actor: CurrentActor, session: SessionDep):
    """Undo a payment recorded in error: its ledger entry is reversed today and its allocations freed."""
    payments.reverse_payment(session=session, actor=actor, payment_id=payment_id, reason=body.reason)
    return public(payments.get_payment(session, actor=actor, payment_id=payment_id))


@router.get("/debtors", response_model=DebtorsPublic)
def debtors(actor: CurrentActor, session: SessionDep, as_of: date | None = None):
    """What each client owes by days past due (issued_on + the client's payment terms, else the co-op's 30):
    current, 1-30, 31-60, 61-90, over 90, less what is on account. `as_of` (default today) is the day ages are
    counted to. A client contact gets only their own line."""
    found = payments.aged_debtors(session, actor=actor, as_of=as_of)
    return DebtorsPublic(
        as_of=found.as_of,
        data=[_debtor(line) for line in found.lines],
        totals=_debtor(found.totals),
        count=len(found.lines),
    )
