"""Payments from clients: recorded by hand or imported from a bank statement, matched to invoices, and what is
left as the aged-debtors list. Each use-case commits once.

Matching a payment (in this order):
1. by reference: an invoice number written in the reference ("INV 42", "Invoice 42", "Anfoneb 42", "#42", or a
   reference that is only the number): the money goes to those invoices in the order written, each up to what
   it still owes (an invoice of another client than the one named is ignored);
2. else by amount: exactly one open invoice (of the named client, or of any client when none is named) owes
   exactly the payment's amount;
3. else the payment stays on account (unallocated) and a coordinator allocates it by hand.
An allocation never exceeds what the invoice still owes, nor what is left of the payment: an over-payment
leaves the rest on account, a partial payment leaves the rest owing.

Every payment posts ONE ledger entry in its own transaction: Dr bank, Cr trade debtors (with its client).
A payment is never edited: a mistake is reversed (the reversing entry is posted and its allocations are undone
by negative allocations). A payment nobody could name the client of is posted against no client; when it is
allocated by hand to a client's invoice, an entry moves that amount in trade debtors to the client, so trade
debtors per client always equals the aged-debtors list per client.

Writes take the invoice counter's write lock first (as invoicing and credit notes do), so two payments, or a
payment and a credit note, never both take the same pence an invoice owes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from coop.access import Actor, require_role
from coop.billing.models import (
    BANK_IMPORT,
    BY_AMOUNT,
    BY_HAND,
    BY_REFERENCE,
    COUNTER_NAME,
    CREDIT_NOTE,
    INVOICE,
    MANUAL,
    REVERSAL,
    Invoice,
    InvoiceCounter,
    Payment,
    PaymentAllocation,
)
from coop.clients.models import Client
from coop.clock import today_local, utcnow
from coop.enums import Role
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.ledger.models import JournalEntry, SourceKind
from coop.ledger.rules import Line
from coop.policy import get_policy

RECORDERS = (Role.coordinator, Role.admin)
READERS = (Role.coordinator, Role.admin, Role.board)
MAX_PENCE = 10**11
MAX_STATEMENT_ROWS = 5_000
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")

# ----------------------------------------------------------------------------------------------- pure rules

_NUMBER_AFTER_WORD = re.compile(
    r"(?:\binv(?:oice)?|\banfoneb|#)\s*(?:no\.?|number|rhif)?\s*[-:#.]?\s*0*(\d{1,9})\b", re.IGNORECASE
)
_ONLY_NUMBER = re.compile(r"^\s*0*(\d{1,9})\s*$")
_POUNDS = re.compile(r"^(-)?£?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def invoice_numbers_in(reference: str) -> list[int]:
    """The invoice numbers a payer wrote in a reference, in the order written, each once. A bare number is an
    invoice number only when it is the whole reference: dates and account numbers in a reference are not."""
    found = [int(number) for number in _NUMBER_AFTER_WORD.findall(reference or "")]
    if not found:
        whole = _ONLY_NUMBER.match(reference or "")
        found = [int(whole.group(1))] if whole else []
    return list(dict.fromkeys(number for number in found if number > 0))


def parse_pounds(text: str) -> int:
    """A bank statement's amount in pounds ("1,234.5", "£12.05", "-3.00") as signed integer pence, no float."""
    match = _POUNDS.match((text or "").strip().replace(" ", ""))
    if match is None:
        raise ValueError("is not an amount in pounds like 1234.56")
    sign, pounds, pence = match.groups()
    value = int(pounds.replace(",", "")) * 100 + int((pence or "0").ljust(2, "0"))
    return -value if sign else value


def parse_statement_date(text: str) -> date:
    """A statement date as 2026-12-07 or 07/12/2026 (day first, as UK banks write it)."""
    text = (text or "").strip()
    uk = _UK_DATE.match(text)
    try:
        if uk:
            day, month, year = (int(part) for part in uk.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("is not a date like 2026-12-07 or 07/12/2026") from None


def due_on(issued_on: date, terms_days: int) -> date:
    return issued_on + timedelta(days=terms_days)


def bucket(days_overdue: int) -> str:
    """Not yet due (or due today) is current; then 1-30, 31-60, 61-90 and over 90 days past the due date."""
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "days_1_30"
    if days_overdue <= 60:
        return "days_31_60"
    if days_overdue <= 90:
        return "days_61_90"
    return "days_over_90"


# ----------------------------------------------------------------------------------------------- queries


def _serialise(session: Session) -> None:
    """Take the invoice counter's write lock (a row lock on PostgreSQL; SQLite's write lock is already held)."""
    row = session.exec(
        update(InvoiceCounter)
        .where(col(InvoiceCounter.name) == COUNTER_NAME)
        .values(last_number=InvoiceCounter.last_number)
        .returning(InvoiceCounter.last_number)
    ).first()
    if row is None:
        raise Conflict("The invoice counter is missing: run the migrations.", code="no_invoice_counter")


def owed_pence(session: Session, invoice_ids: Iterable[int]) -> dict[int, int]:
    """What each invoice still owes: its total, less its credit notes, less what payments were allocated to it."""
    ids = list(dict.fromkeys(invoice_ids))
    if not ids:
        return {}
    owed = dict(session.exec(select(Invoice.id, Invoice.total_pence).where(col(Invoice.id).in_(ids))).all())
    for invoice_id, credited in session.exec(
        select(Invoice.credits_invoice_id, func.sum(Invoice.total_pence))
        .where(col(Invoice.credits_invoice_id).in_(ids))
        .group_by(Invoice.credits_invoice_id)
    ).all():
        owed[invoice_id] += int(credited)
    for invoice_id, paid in session.exec(
        select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount_pence))
        .where(col(PaymentAllocation.invoice_id).in_(ids))
        .group_by(PaymentAllocation.invoice_id)
    ).all():
        owed[invoice_id] -= int(paid)
    return owed


def _allocated(session: Session, payment_ids: Sequence[int]) -> dict[int, list[PaymentAllocation]]:
    found: dict[int, list[PaymentAllocation]] = defaultdict(list)
    if payment_ids:
        for row in session.exec(
            select(PaymentAllocation)
            .where(col(PaymentAllocation.payment_id).in_(payment_ids))
            .order_by(PaymentAllocation.id)
        ).all():
            found[row.payment_id].append(row)
    return found


def open_invoices(session: Session, client_id: int | None) -> list[tuple[Invoice, int]]:
    """Invoices (not credit notes) that still owe something, oldest first, with what each owes."""
    query = select(Invoice).where(Invoice.kind == INVOICE).order_by(Invoice.issued_on, Invoice.number)
    if client_id is not None:
        query = query.where(Invoice.client_id == client_id)
    invoices = list(session.exec(query).all())
    owed = owed_pence(session, [invoice.id for invoice in invoices])
    return [(invoice, owed[invoice.id]) for invoice in invoices if owed[invoice.id] > 0]


@dataclass
class Match:
    client_id: int | None
    allocations: list[tuple[Invoice, int, str]] = field(default_factory=list)


def _match(session: Session, *, client_id: int | None, amount_pence: int, reference: str) -> Match:
    numbers = invoice_numbers_in(reference)
    if numbers:
        named = {
            invoice.number: invoice
            for invoice in session.exec(
                select(Invoice).where(Invoice.kind == INVOICE, col(Invoice.number).in_(numbers))
            ).all()
        }
        owed = owed_pence(session, [invoice.id for invoice in named.values()])
        match = Match(client_id)
        left = amount_pence
        for number in numbers:
            invoice = named.get(number)
            if invoice is None or owed[invoice.id] <= 0 or left == 0:
                continue
            if match.client_id is not None and invoice.client_id != match.client_id:
                continue  # another client's number in this client's reference: a coincidence, not a match
            match.client_id = invoice.client_id
            part = min(left, owed[invoice.id])
            match.allocations.append((invoice, part, BY_REFERENCE))
            left -= part
        if match.allocations:
            return match
    same = [(invoice, owed) for invoice, owed in open_invoices(session, client_id) if owed == amount_pence]
    if len(same) == 1:
        invoice, owed = same[0]
        return Match(invoice.client_id, [(invoice, owed, BY_AMOUNT)])
    return Match(client_id)


def _refuse_closed_period(error: InvalidInput, name: str) -> InvalidInput:
    # The ledger names its own field (entry_date); the payer's form names the date the money came in.
    return InvalidInput(error.detail, field=name if error.field in (None, "entry_date", "postings") else error.field)


def _check_received_on(received_on: date, name: str = "received_on") -> None:
    if not EARLIEST <= received_on <= today_local():
        raise InvalidInput(f"{name} must be a day from {EARLIEST.isoformat()} to today.", field=name)


def _record(
    session: Session,
    *,
    actor: Actor,
    client_id: int | None,
    received_on: date,
    amount_pence: int,
    reference: str,
    source: str,
    bank_line_key: str | None = None,
) -> Payment:
    """Write one payment, its ledger entry and its matched allocations (flushes, never commits)."""
    match = _match(session, client_id=client_id, amount_pence=amount_pence, reference=reference)
    now = utcnow()
    payment = Payment(
        client_id=match.client_id,
        received_on=received_on,
        amount_pence=amount_pence,
        reference=reference,
        source=source,
        bank_line_key=bank_line_key,
        created_at=now,
        created_by_user_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    try:
        entry = ledger_service.post_entry(
            session,
            entry_date=received_on,
            description=f"Payment {payment.id} received: {reference or 'no reference'}"[:300],
            source_kind=SourceKind.payment,
            source_id=payment.id,
            lines=[
                Line(accounts.BANK, amount_pence, client_id=match.client_id),
                Line(accounts.TRADE_DEBTORS, -amount_pence, client_id=match.client_id),
            ],
            created_by_user_id=actor.user_id,
        )
    except InvalidInput as error:
        raise _refuse_closed_period(error, "received_on") from None
    payment.journal_entry_id = entry.id
    session.add(payment)
    session.add_all(
        PaymentAllocation(
            payment_id=payment.id,
            invoice_id=invoice.id,
            amount_pence=part,
            how=how,
            created_at=now,
            created_by_user_id=actor.user_id,
        )
        for invoice, part, how in match.allocations
    )
    session.flush()
    return payment


def _check_client(session: Session, client_id: int | None, name: str = "client_id") -> None:
    if client_id is not None and session.get(Client, client_id) is None:
        raise InvalidInput(f"There is no client {client_id}.", field=name)


# ----------------------------------------------------------------------------------------------- use-cases


def record_payment(
    *,
    session: Session,
    actor: Actor,
    received_on: date,
    amount_pence: int,
    reference: str = "",
    client_id: int | None = None,
) -> Payment:
    """A coordinator records a payment by hand; it is matched to invoices at once (see the module's docstring)."""
    require_role(actor, *RECORDERS)
    reference = " ".join((reference or "").split())[:300]
    if not 1 <= amount_pence <= MAX_PENCE:
        raise InvalidInput(f"amount_pence must be 1 to {MAX_PENCE}.", field="amount_pence")
    _check_received_on(received_on)
    _check_client(session, client_id)
    _serialise(session)
    payment = _record(
        session,
        actor=actor,
        client_id=client_id,
        received_on=received_on,
        amount_pence=amount_pence,
        reference=reference,
        source=MANUAL,
    )
    session.commit()
    return payment


# Bank statement columns (the header row names them; case and order do not matter):
#   date          the day the money arrived: 2026-12-07 or 07/12/2026 (day first)
#   amount        in pounds: 1234.56, 1,234.56 or £1234.56; money out (negative) is skipped, zero is refused
#   reference     what the payer wrote (and/or `description`: the two are joined when both are given)
#   client_id     optional: the client, when the statement line is known to be theirs
STATEMENT_COLUMNS = ("date", "amount", "reference", "description", "client_id")


@dataclass(frozen=True)
class StatementLine:
    row: int
    received_on: date
    amount_pence: int
    reference: str
    client_id: int | None
    key: str


@dataclass
class StatementImport:
    payments: list[Payment]
    skipped_outgoing: int
    already_imported: int


class _RowError(Exception):
    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


def parse_statement(csv_text: str, *, today: date) -> tuple[list[StatementLine], int]:
    """The statement's money-in lines, each checked; returns them and how many money-out lines were skipped.
    Rows are numbered as a spreadsheet shows them (the header is row 1). Raises _RowError on the first bad one."""
    reader = csv.DictReader(io.StringIO(csv_text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if not header:
        raise _RowError(1, "header", "the statement is empty: the first row names the columns")
    for needed in ("date", "amount"):
        if needed not in header:
            raise _RowError(1, needed, f"the header has no {needed} column")
    if "reference" not in header and "description" not in header:
        raise _RowError(1, "reference", "the header has no reference or description column")
    reader.fieldnames = header
    lines: list[StatementLine] = []
    seen: dict[tuple, int] = defaultdict(int)
    skipped = 0
    for index, raw in enumerate(reader, start=2):
        if index - 1 > MAX_STATEMENT_ROWS:
            raise _RowError(index, "row", f"a statement has at most {MAX_STATEMENT_ROWS} rows")
        if None in raw:
            raise _RowError(index, "row", "the row has more cells than the header has columns")
        row = {name: (value or "").strip() for name, value in raw.items()}
        if not any(row.values()):
            continue  # a blank line
        for name, value in row.items():
            if "\x00" in value:
                raise _RowError(index, name, "contains a NUL character")
        try:
            received_on = parse_statement_date(row.get("date", ""))
        except ValueError as error:
            raise _RowError(index, "date", str(error)) from None
        if not EARLIEST <= received_on <= today:
            raise _RowError(index, "date", f"must be a day from {EARLIEST.isoformat()} to today")
        try:
            amount = parse_pounds(row.get("amount", ""))
        except ValueError as error:
            raise _RowError(index, "amount", str(error)) from None
        if amount == 0:
            raise _RowError(index, "amount", "is zero: a statement line moves money")
        if abs(amount) > MAX_PENCE:
            raise _RowError(index, "amount", f"is more than £{MAX_PENCE // 100:,}")
        reference = " ".join(" ".join(filter(None, (row.get("reference"), row.get("description")))).split())
        if len(reference) > 300:
            raise _RowError(index, "reference", "is longer than 300 characters")
        client_id = None
        if row.get("client_id"):
            if not row["client_id"].isdigit() or not 1 <= int(row["client_id"]) <= 2**31 - 1:
                raise _RowError(index, "client_id", "is not a client's number")
            client_id = int(row["client_id"])
        if amount < 0:
            skipped += 1
            continue
        identity = (received_on.isoformat(), amount, reference, client_id)
        seen[identity] += 1
        digest = hashlib.sha256("|".join(map(str, (*identity, seen[identity]))).encode()).hexdigest()
        lines.append(StatementLine(index, received_on, amount, reference, client_id, digest))
    return lines, skipped


def import_statement_csv(*, session: Session, actor: Actor, csv_text: str) -> StatementImport:
    """Record every money-in line of a bank statement and match each in turn. Every row is checked before
    anything is written: a bad one is InvalidInput naming the row and column, and nothing is saved. A line
    imported before (the same day, amount, reference and client, the same n-th time in its statement) is
    skipped, so overlapping statements can be imported."""
    require_role(actor, *RECORDERS)
    try:
        lines, skipped = parse_statement(csv_text, today=today_local())
        known = set(session.exec(select(Client.id)).all())
        for line in lines:
            if line.client_id is not None and line.client_id not in known:
                raise _RowError(line.row, "client_id", f"there is no client {line.client_id}")
    except _RowError as error:
        raise InvalidInput(
            f"Row {error.row}, column {error.column}: {error.message}. Nothing was imported.",
            field=f"row {error.row}.{error.column}",
        ) from None
    _serialise(session)
    keys = [line.key for line in lines]
    already = set(session.exec(select(Payment.bank_line_key).where(col(Payment.bank_line_key).in_(keys))).all())
    payments = []
    for line in lines:
        if line.key in already:
            continue
        try:
            payments.append(
                _record(
                    session,
                    actor=actor,
                    client_id=line.client_id,
                    received_on=line.received_on,
                    amount_pence=line.amount_pence,
                    reference=line.reference,
                    source=BANK_IMPORT,
                    bank_line_key=line.key,
                )
            )
        except InvalidInput as error:  # e.g. a date in a closed accounting period
            session.rollback()
            raise InvalidInput(
                f"Row {line.row}, column date: {error.detail} Nothing was imported.", field=f"row {line.row}.date"
            ) from None
    session.commit()
    return StatementImport(payments, skipped, len(lines) - len(payments))


def _payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"No payment {payment_id}.")
    return payment


def allocate_payment(*, session: Session, actor: Actor, payment_id: int, invoice_id: int, amount_pence: int) -> Payment:
    """A coordinator sets part of a payment on account against an invoice: no more than is left of the payment,
    nor than the invoice owes. A payment of a named client goes only to that client's invoices."""
    require_role(actor, *RECORDERS)
    _serialise(session)
    payment = _payment(session, payment_id)
    if payment.reversed_at is not None:
        raise Conflict(f"Payment {payment_id} was reversed.", code="payment_reversed")
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.kind == CREDIT_NOTE:
        raise InvalidInput(f"There is no invoice {invoice_id}.", field="invoice_id")
    if payment.client_id is not None and invoice.client_id != payment.client_id:
        raise InvalidInput(
            f"Invoice {invoice.number} is another client's: payment {payment_id} came from client {payment.client_id}.",
            field="invoice_id",
        )
    left = payment.amount_pence - sum(row.amount_pence for row in _allocated(session, [payment.id])[payment.id])
    owed = owed_pence(session, [invoice.id])[invoice.id]
    if amount_pence < 1:
        raise InvalidInput("amount_pence must be more than 0.", field="amount_pence")
    if amount_pence > left:
        raise InvalidInput(
            f"amount_pence ({amount_pence}) is more than the {left}p of the payment left to allocate.",
            field="amount_pence",
        )
    if amount_pence > owed:
        raise InvalidInput(
            f"amount_pence ({amount_pence}) is more than the {max(owed, 0)}p invoice {invoice.number} owes.",
            field="amount_pence",
        )
    now = utcnow()
    session.add(
        PaymentAllocation(
            payment_id=payment.id,
            invoice_id=invoice.id,
            amount_pence=amount_pence,
            how=BY_HAND,
            created_at=now,
            created_by_user_id=actor.user_id,
        )
    )
    if payment.client_id is None:
        # The money is now known to be this client's: move it in trade debtors from nobody to them.
        ledger_service.post_entry(
            session,
            entry_date=today_local(),
            description=f"Payment {payment.id} identified as client {invoice.client_id}'s",
            source_kind=SourceKind.payment,
            source_id=payment.id,
            lines=[
                Line(accounts.TRADE_DEBTORS, amount_pence, client_id=None),
                Line(accounts.TRADE_DEBTORS, -amount_pence, client_id=invoice.client_id),
            ],
            created_by_user_id=actor.user_id,
        )
    session.commit()
    return payment


def reverse_payment(*, session: Session, actor: Actor, payment_id: int, reason: str) -> Payment:
    """Undo a payment recorded in error: its entries are reversed today and its allocations undone (negative
    allocations), so the invoices owe again what it paid. The payment itself is kept, marked reversed."""
    require_role(actor, *RECORDERS)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise InvalidInput("Say why the payment is reversed.", field="reason")
    _serialise(session)
    payment = _payment(session, payment_id)
    if payment.reversed_at is not None:
        raise Conflict(f"Payment {payment_id} was already reversed.", code="already_reversed")
    today = today_local()
    entries = session.exec(
        select(JournalEntry.id)
        .where(JournalEntry.source_kind == SourceKind.payment, JournalEntry.source_id == payment.id)
        .order_by(JournalEntry.id)
    ).all()
    reversals = [
        ledger_service.reverse_entry(
            session, entry_id=entry_id, entry_date=today, reason=reason, created_by_user_id=actor.user_id
        )
        for entry_id in entries
    ]
    net: dict[int, int] = defaultdict(int)
    for row in _allocated(session, [payment.id])[payment.id]:
        net[row.invoice_id] += row.amount_pence
    now = utcnow()
    session.add_all(
        PaymentAllocation(
            payment_id=payment.id,
            invoice_id=invoice_id,
            amount_pence=-amount,
            how=REVERSAL,
            created_at=now,
            created_by_user_id=actor.user_id,
        )
        for invoice_id, amount in sorted(net.items())
        if amount
    )
    main = next(entry for entry in reversals if entry.reverses_entry_id == payment.journal_entry_id)
    payment.reversed_at = now
    payment.reversal_reason = reason
    payment.reversal_entry_id = main.id
    session.add(payment)
    session.commit()
    return payment


# ----------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class PaymentView:
    payment: Payment
    allocations: list[tuple[PaymentAllocation, int]]  # each allocation and its invoice's number

    @property
    def allocated_pence(self) -> int:
        return sum(row.amount_pence for row, _number in self.allocations)

    @property
    def unallocated_pence(self) -> int:
        return 0 if self.payment.reversed_at is not None else self.payment.amount_pence - self.allocated_pence


def views_of(session: Session, payments: Sequence[Payment]) -> list[PaymentView]:
    allocated = _allocated(session, [payment.id for payment in payments])
    invoice_ids = {row.invoice_id for rows in allocated.values() for row in rows}
    numbers = (
        dict(session.exec(select(Invoice.id, Invoice.number).where(col(Invoice.id).in_(invoice_ids))).all())
        if invoice_ids
        else {}
    )
    return [
        PaymentView(payment, [(row, numbers[row.invoice_id]) for row in allocated[payment.id]]) for payment in payments
    ]


def _may_read_payments(actor: Actor) -> None:
    if not actor.has(*READERS, Role.client):
        raise PermissionDenied("Payments are for coordinators, the board and the client's own contacts.")


def get_payment(session: Session, *, actor: Actor, payment_id: int) -> PaymentView:
    """One payment: staff and the board see all; a client contact only their own organisation's (another's is
    404, so ids reveal nothing); members are refused."""
    _may_read_payments(actor)
    payment = session.get(Payment, payment_id)
    if payment is None or (not actor.has(*READERS) and payment.client_id != actor.client_id):
        raise NotFound(f"No payment {payment_id}.")
    return views_of(session, [payment])[0]


def list_payments(
    session: Session, *, actor: Actor, unallocated_only: bool = False, client_id: int | None = None, limit: int = 500
) -> list[PaymentView]:
    """Payments, newest first; `unallocated_only` keeps those with money still on account (not reversed)."""
    _may_read_payments(actor)
    query = select(Payment).order_by(col(Payment.received_on).desc(), col(Payment.id).desc())
    if not actor.has(*READERS):
        query = query.where(Payment.client_id == actor.client_id)
    elif client_id is not None:
        query = query.where(Payment.client_id == client_id)
    if unallocated_only:
        query = query.where(col(Payment.reversed_at).is_(None))
    views = views_of(session, list(session.exec(query.limit(limit if not unallocated_only else 10_000)).all()))
    if unallocated_only:
        views = [view for view in views if view.unallocated_pence > 0][:limit]
    return views


@dataclass
class DebtorLine:
    client_id: int | None
    client_name: str
    current_pence: int = 0
    days_1_30_pence: int = 0
    days_31_60_pence: int = 0
    days_61_90_pence: int = 0
    days_over_90_pence: int = 0
    on_account_pence: int = 0  # money paid in and not yet set against an invoice (or credited after payment)

    @property
    def total_pence(self) -> int:
        """What the client owes on balance: every bucket, less what they have on account."""
        return sum(getattr(self, f"{name}_pence") for name in BUCKETS) - self.on_account_pence

    def add(self, other: DebtorLine) -> None:
        for name in (*BUCKETS, "on_account"):
            setattr(self, f"{name}_pence", getattr(self, f"{name}_pence") + getattr(other, f"{name}_pence"))


@dataclass
class Debtors:
    as_of: date
    lines: list[DebtorLine]
    totals: DebtorLine


def aged_debtors(session: Session, *, actor: Actor, as_of: date | None = None) -> Debtors:
    """What each client owes, aged by days past each invoice's due date (issued_on + the client's payment terms,
    else the co-op's) on `as_of` (default today): current, 1-30, 31-60, 61-90, over 90; the amounts are as they
    stand now. Staff and the board see every client; a client contact sees only their own line; members are
    refused. The total equals trade debtors in the ledger, per client and overall."""
    if not actor.has(*READERS, Role.client):
        raise PermissionDenied("Debtors are for coordinators, the board and the client's own contacts.")
    as_of = as_of or today_local()
    if not EARLIEST <= as_of <= LATEST:
        raise InvalidInput(f"as_of must be a day from {EARLIEST.isoformat()} to {LATEST.isoformat()}.", field="as_of")
    only = None if actor.has(*READERS) else actor.client_id
    default_terms = get_policy().payment_terms_days
    clients = {client.id: client for client in session.exec(select(Client)).all()}
    lines: dict[int | None, DebtorLine] = {}

    def line_for(client_id: int | None) -> DebtorLine:
        if client_id not in lines:
            client = clients.get(client_id)
            lines[client_id] = DebtorLine(client_id, client.name if client else "")
        return lines[client_id]

    query = select(Invoice).where(Invoice.kind == INVOICE)
    if only is not None:
        query = query.where(Invoice.client_id == only)
    invoices = list(session.exec(query).all())
    owed = owed_pence(session, [invoice.id for invoice in invoices])
    for invoice in invoices:
        amount = owed[invoice.id]
        if amount == 0:
            continue
        line = line_for(invoice.client_id)
        if amount < 0:  # credited after it was paid: the client is in credit by the difference
            line.on_account_pence -= amount
            continue
        terms = clients[invoice.client_id].payment_terms_days
        days = (as_of - due_on(invoice.issued_on, default_terms if terms is None else terms)).days
        name = f"{bucket(days)}_pence"
        setattr(line, name, getattr(line, name) + amount)
    payments = select(Payment).where(col(Payment.reversed_at).is_(None))
    if only is not None:
        payments = payments.where(Payment.client_id == only)
    for view in views_of(session, list(session.exec(payments).all())):
        if view.unallocated_pence:
            line_for(view.payment.client_id).on_account_pence += view.unallocated_pence
    ordered = sorted(lines.values(), key=lambda line: (line.client_id is None, line.client_name, line.client_id or 0))
    ordered = [line for line in ordered if line.total_pence or line.on_account_pence]
    totals = DebtorLine(None, "")
    for line in ordered:
        totals.add(line)
    return Debtors(as_of, ordered, totals)
